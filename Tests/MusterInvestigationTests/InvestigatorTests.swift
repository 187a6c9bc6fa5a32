import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// Each hypothesis alone: a case where it must win and one where it must lose.
struct InvestigatorTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let api = EntityRef(kind: "service", id: "api")
    let db = EntityRef(kind: "resource", id: "db")

    func signal(_ name: String, _ type: SignalType, metric: String) -> JSONValue {
        .object([
            "name": .string(name), "type": .string(type.rawValue), "metric": .string(metric),
            "match": .object(["svc": .string(name)]),
        ])
    }

    /// api depends on db; each has one signal; series values are given per minute from -3h.
    func world(apiErrors: (Int) -> Double, dbLatency: (Int) -> Double) throws -> (ContextLake, MetricStore) {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: EntityRef(kind: "team", id: "t")),
                Entity(
                    ref: db,
                    properties: [
                        "type": .string("postgres"), "signals": .array([signal("db", .latency, metric: "lat")]),
                    ],
                    relations: ["ownedBy": [EntityRef(kind: "team", id: "t")]]),
                Entity(
                    ref: api,
                    properties: [
                        "actions": .array([.string("rollback")]),
                        "signals": .array([signal("api", .errors, metric: "err")]),
                    ],
                    relations: ["ownedBy": [EntityRef(kind: "team", id: "t")], "dependsOn": [db]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -180...10 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            store.append("err", labels: ["svc": "api"], time: time, value: apiErrors(minute) * jitter, kind: .gauge)
            store.append("lat", labels: ["svc": "db"], time: time, value: dbLatency(minute) * jitter, kind: .gauge)
        }
        return (lake, store)
    }

    func investigate(_ lake: ContextLake, _ store: MetricStore, playbook: Playbook = .standard) async -> Verdict {
        await investigateAlerts(
            lake, store, alerting: [api], start: t0, now: t0.addingTimeInterval(120), playbook: playbook)
    }

    @Test func anAlignedDeployWins() async throws {
        let (lake, store) = try world(apiErrors: { $0 >= -9 ? 0.3 : 0.002 }, dbLatency: { _ in 0.01 })
        try lake.record(Deployment(target: api, at: t0.addingTimeInterval(-600), version: "2.0"))
        let verdict = await investigate(lake, store)
        #expect(verdict.rootCause?.kind == .deployment)
        #expect(verdict.rootCause?.entity == api)
        #expect(verdict.actions.contains { $0.action == "rollback" && $0.target == api && $0.isAvailable })
    }

    @Test func aDeployFollowedByFlatSignalsLoses() async throws {
        let (lake, store) = try world(apiErrors: { $0 >= -3 ? 0.3 : 0.002 }, dbLatency: { $0 >= -8 ? 0.9 : 0.01 })
        try lake.record(Deployment(target: api, at: t0.addingTimeInterval(-7200), version: "2.0"))
        let verdict = await investigate(lake, store)
        #expect(verdict.rootCause?.kind == .dependency)
        #expect(verdict.rootCause?.entity == db)
        let deploy = try #require(verdict.hypotheses.first { $0.kind == .deployment })
        #expect(deploy.score < 0.3)
        #expect(deploy.evidence.contains { $0.isAgainst })
        #expect(verdict.actions.contains { $0.action == "page" } == false)  // the owner team already alerted
    }

    /// A deploy's warm-up blip that was over before the incident's first alert is another episode: it neither
    /// dates the symptoms nor makes the deploy the cause of a database failure half an hour later.
    @Test func aFaultOverBeforeTheFirstAlertIsAnotherEpisode() async throws {
        let (lake, store) = try world(
            apiErrors: { (-32 ... -27).contains($0) ? 0.3 : 0.002 }, dbLatency: { $0 >= -2 ? 0.9 : 0.01 })
        try lake.record(Deployment(target: api, at: t0.addingTimeInterval(-33 * 60), version: "2.0"))
        let verdict = await investigate(lake, store)
        #expect(verdict.hypotheses.first?.kind == .dependency)
        #expect(verdict.hypotheses.first?.entity == db)
    }

    @Test func theRankingFollowsTheRawScoreWhenTheMapTiesThem() async throws {
        let (lake, store) = try world(apiErrors: { $0 >= -3 ? 0.3 : 0.002 }, dbLatency: { $0 >= -8 ? 0.9 : 0.01 })
        try lake.record(Deployment(target: api, at: t0.addingTimeInterval(-7200), version: "2.0"))
        var flat = Playbook.standard
        flat.calibration = CalibrationMap([(0, 0.6), (1, 0.6)])
        let verdict = await investigate(lake, store, playbook: flat)
        // Deployment sorts before dependency on a tie of kinds; the raw scores decide first.
        #expect(verdict.hypotheses.map(\.kind) == [.dependency, .deployment])
        #expect(verdict.hypotheses.allSatisfy { $0.confidence == 0.6 })
        #expect(verdict.rootCause?.entity == db)
    }

    /// The same aligned deploy under a map that puts it at 30%: below the bar (abstention) but above the
    /// tentative bar (its rollback is offered, marked tentative), then below both (only what to check).
    @Test(arguments: [(0.3, true), (0.1, false)])
    func belowTheBarTheBestCandidateIsOfferedTentativelyOrNotAtAll(probability: Double, offersActions: Bool)
        async throws
    {
        let (lake, store) = try world(apiErrors: { $0 >= -9 ? 0.3 : 0.002 }, dbLatency: { _ in 0.01 })
        try lake.record(Deployment(target: api, at: t0.addingTimeInterval(-600), version: "2.0"))
        var doubtful = Playbook.standard
        doubtful.calibration = CalibrationMap([(0, probability), (1, probability)])
        let verdict = await investigate(lake, store, playbook: doubtful)
        #expect(verdict.rootCause == nil)
        #expect(verdict.hypotheses.first?.kind == .deployment)
        #expect(
            verdict.abstention?.hasPrefix("no confident root cause: the best candidate is deployment service:api")
                == true)
        let rollback = verdict.actions.first { $0.action == "rollback" && $0.target == api }
        #expect((rollback != nil) == offersActions)
        #expect(
            rollback?.reason.hasPrefix("tentative, if deployment service:api is confirmed (\(Int(probability * 100))%)")
                ?? true)
    }

    @Test func nothingMovedMeansAbstention() async throws {
        let (lake, store) = try world(apiErrors: { _ in 0.002 }, dbLatency: { _ in 0.01 })
        let verdict = await investigate(lake, store)
        #expect(verdict.rootCause == nil)
        #expect(verdict.abstention != nil)
        #expect(verdict.actions.isEmpty)
    }

    @Test func aBriefBlipIsNotAnOnset() {
        var samples: [Sample] = []
        for minute in -180...10 {
            let value = (minute == -20 || minute == -19) ? 5.0 : 1.0
            samples.append(Sample(time: t0.addingTimeInterval(Double(minute) * 60), value: value))
        }
        let spec = SignalSpec(name: "x", type: .latency, metric: "x")
        let assessment = SignalAnalyzer().assess(samples, signal: spec, entity: api, reference: t0)
        #expect(assessment?.isAnomalous == false)
    }

    @Test func aSustainedStepHasItsOnset() {
        var samples: [Sample] = []
        for minute in -180...10 {
            samples.append(Sample(time: t0.addingTimeInterval(Double(minute) * 60), value: minute >= -5 ? 4.0 : 1.0))
        }
        let spec = SignalSpec(name: "x", type: .latency, metric: "x")
        let assessment = SignalAnalyzer().assess(samples, signal: spec, entity: api, reference: t0)
        #expect(assessment?.onset == t0.addingTimeInterval(-300))
        #expect(assessment?.peak == 4)
    }

    /// Against a baseline of exactly zero errors any rise is an anomaly, unless an error floor is set and the
    /// rise stays under it.
    @Test(arguments: [(0.004, false), (0.05, true)])
    func anErrorRatioMustClearTheFloorAboveAZeroBaseline(level: Double, isAnomalous: Bool) {
        var samples: [Sample] = []
        for minute in -180...10 {
            samples.append(Sample(time: t0.addingTimeInterval(Double(minute) * 60), value: minute >= -5 ? level : 0))
        }
        let spec = SignalSpec(name: "errors", type: .errors, metric: "errors")
        var analyzer = SignalAnalyzer()
        #expect(analyzer.assess(samples, signal: spec, entity: api, reference: t0)?.isAnomalous == true)
        analyzer.errorFloor = 0.01
        let assessment = analyzer.assess(samples, signal: spec, entity: api, reference: t0)
        #expect(assessment?.isAnomalous == isAnomalous)
        #expect((assessment?.onset != nil) == isAnomalous)
    }

    /// A restart followed three minutes later by a rollback that fixed things is judged before the rollback:
    /// it did not help, the rollback did. Two actions a minute apart cannot share out an improvement, but
    /// when nothing improved through both, neither helped.
    @Test func anActionIsJudgedBeforeTheNextOne() async throws {
        let (lake, store) = try world(apiErrors: { $0 >= -20 && $0 < -8 ? 0.3 : 0.002 }, dbLatency: { _ in 0.01 })
        try lake.record(Deployment(target: api, at: t0.addingTimeInterval(-1500), version: "2.0"))
        try lake.record(ActionRecord(name: "scale-out", target: api, at: t0.addingTimeInterval(-1080)))
        try lake.record(ActionRecord(name: "restart", target: api, at: t0.addingTimeInterval(-1020)))
        try lake.record(ActionRecord(name: "restart", target: api, at: t0.addingTimeInterval(-780)))
        try lake.record(ActionRecord(name: "failover", target: api, at: t0.addingTimeInterval(-600)))
        try lake.record(ActionRecord(name: "rollback", target: api, at: t0.addingTimeInterval(-540)))
        let verdict = await investigate(lake, store)
        #expect(verdict.avoid.map(\.action) == ["scale-out", "restart", "restart"])
        #expect(verdict.tried.contains { $0.hasPrefix("scale-out of service:api") && $0.hasSuffix("neither helped)") })
        #expect(
            verdict.tried.contains {
                $0.hasPrefix("restart of service:api at \(Timestamp.clockTime(t0.addingTimeInterval(-780)))")
                    && $0.hasSuffix(
                        "(judged before the next action at \(Timestamp.clockTime(t0.addingTimeInterval(-600))))")
            })
        #expect(
            verdict.tried.contains {
                $0.hasPrefix("failover of service:api") && $0.hasSuffix("too soon to judge it alone")
            })
        #expect(
            verdict.tried.contains {
                $0.hasPrefix("rollback of service:api") && $0.contains(" helped: ") && !$0.contains("resumed")
            })
        // What was tried without effect is not recommended again.
        #expect(!verdict.actions.contains { $0.action == "restart" || $0.action == "scale-out" })
    }

    /// A staged rollback brings errors down steadily over 14 minutes: six minutes after it they are not yet
    /// halved, but falling all the way, so it helped. A restart whose errors dip and come back did not.
    @Test(arguments: [("rollback", true), ("restart", false)])
    func aSteadyRecoveryHelpsBeforeItHalves(action: String, steady: Bool) async throws {
        let errors: (Int) -> Double = { minute in
            guard minute >= -40 && minute < -6 else { return 0.002 }
            guard minute > -20 else { return 0.3 }
            if steady { return 0.3 - Double(minute + 20) / 14 * 0.298 }
            return minute <= -18 ? 0.25 : 0.3
        }
        let (lake, store) = try world(apiErrors: errors, dbLatency: { _ in 0.01 })
        try lake.record(Deployment(target: api, at: t0.addingTimeInterval(-2700), version: "2.0"))
        try lake.record(ActionRecord(name: action, target: api, at: t0.addingTimeInterval(-1200)))
        let verdict = await investigate(lake, store)
        let judged = verdict.tried.first { $0.hasPrefix("\(action) of service:api") } ?? ""
        #expect(judged.contains(" helped: ") == steady, "\(judged)")
        #expect(judged.contains("falling steadily since") == steady, "\(judged)")
        #expect(verdict.avoid.map(\.action) == (steady ? [] : [action]))
    }

    /// Alerts minutes after a change of the alerting service, with every signal flat: the change may have made
    /// the alerts (a lowered threshold), so it is the tentative candidate. Two hours earlier it explains nothing.
    @Test(arguments: [(-180.0, true), (-7200, false)])
    func aChangeBeforeAlertsWithNothingMovingIsATentativeCause(changedAt: TimeInterval, isCandidate: Bool)
        async throws
    {
        let (lake, store) = try world(apiErrors: { _ in 0.002 }, dbLatency: { _ in 0.01 })
        try lake.record(Change(target: api, at: t0.addingTimeInterval(changedAt), summary: "alert threshold lowered"))
        let verdict = await investigate(lake, store)
        let change = verdict.hypotheses.first { $0.kind == .configChange && $0.entity == api }
        let movedNothing = change?.evidence.contains { $0.text.contains("may come from the change itself") } ?? false
        #expect(movedNothing == isCandidate)
        if isCandidate {
            #expect(verdict.hypotheses.first?.kind == .configChange)
            #expect((change?.confidence ?? 0) >= Playbook.standard.tentativeBar)
            #expect((change?.confidence ?? 1) < Playbook.standard.confidenceBar)
        }
    }

    /// A restart of another alerting service, unrelated, a minute after an action does not share its window:
    /// each is judged on its own. One on the service's dependency does.
    @Test(arguments: [("service:other", false), ("resource:db", true)])
    func onlyARelatedActionSharesTheWindow(otherTarget: String, shares: Bool) async throws {
        let (lake, store) = try world(apiErrors: { $0 >= -40 && $0 < -6 ? 0.3 : 0.002 }, dbLatency: { _ in 0.01 })
        let other = EntityRef(kind: "service", id: "other")
        try lake.upsert([Entity(ref: other)], at: t0.addingTimeInterval(-86_400))
        try lake.record(ActionRecord(name: "restart", target: api, at: t0.addingTimeInterval(-1200)))
        try lake.record(
            ActionRecord(name: "restart", target: EntityRef(otherTarget)!, at: t0.addingTimeInterval(-1140)))
        let verdict = await investigateAlerts(
            lake, store, alerting: [api, other], start: t0, now: t0.addingTimeInterval(120))
        let judged = verdict.tried.first { $0.hasPrefix("restart of service:api") } ?? ""
        #expect(!judged.isEmpty)
        #expect(judged.contains("another action") == shares, "\(judged)")
    }

    /// An alert that maps to no entity still engages the team its `team` label names, when the lake knows it.
    @Test(arguments: [("t", ["team:t"]), ("nobody", [])])
    func anUnmappedAlertEngagesTheTeamItsLabelNames(label: String, teams: [String]) async throws {
        let (lake, store) = try world(apiErrors: { _ in 0.002 }, dbLatency: { _ in 0.01 })
        let alert = Alert(
            source: .alertmanager, sourceID: "x", dedupKey: "x", status: .firing, title: "disk full on a box",
            severity: .critical,
            labels: ["alertname": "DiskFull", "team": label], startedAt: t0, receivedAt: t0)
        let facts = IncidentFacts(
            id: IncidentID(2), now: t0.addingTimeInterval(60), firstOnset: t0, alerting: [], alerts: [alert])
        let verdict = await Investigator(lake: lake, metrics: store).investigate(facts)
        #expect(verdict.teams.map(\.description) == teams)
    }

    /// A ramp crosses the anomaly threshold minutes after it leaves normal: the onset is where it left.
    @Test func aRampsOnsetIsWhereItLeftNormal() {
        var samples: [Sample] = []
        for minute in -180...0 {
            let value = minute < -20 ? 100.0 : 100 + Double(minute + 20) * 20  // +20% a minute from -20m
            samples.append(Sample(time: t0.addingTimeInterval(Double(minute) * 60), value: value))
        }
        let spec = SignalSpec(name: "requests", type: .load, metric: "requests")
        let assessment = SignalAnalyzer().assess(samples, signal: spec, entity: api, reference: t0)
        // 2x (the load threshold) is reached at -15m; the rise is clear (over 10%) from -19m.
        #expect(assessment?.onset == t0.addingTimeInterval(-19 * 60))
    }

    /// An alert on a service whose own signals are normal is not handed its upstream's failure as a cause.
    @Test func aQuietAlertIsNotExplainedByAFailingUpstream() async throws {
        let (lake, store) = try world(apiErrors: { _ in 0.002 }, dbLatency: { $0 >= -8 ? 0.9 : 0.01 })
        let verdict = await investigate(lake, store)
        #expect(verdict.rootCause == nil)
        let dependency = try #require(verdict.hypotheses.first { $0.kind == .dependency && $0.entity == db })
        #expect(
            dependency.evidence.contains {
                $0.isAgainst && $0.text.contains("no symptom there for resource:db to explain")
            })
        let (sick, sickStore) = try world(apiErrors: { $0 >= -3 ? 0.3 : 0.002 }, dbLatency: { $0 >= -8 ? 0.9 : 0.01 })
        #expect(await investigate(sick, sickStore).rootCause?.entity == db)
    }

    /// A failure that recovered and came back: the onset is the second episode's; a one-sample dip inside an
    /// episode does not split it.
    @Test func theOnsetIsTheLatestEpisodes() {
        var samples: [Sample] = []
        for minute in -180...0 {
            let bad = (-90 ..< -70).contains(minute) || (minute >= -10 && minute != -6)
            samples.append(Sample(time: t0.addingTimeInterval(Double(minute) * 60), value: bad ? 0.4 : 0.002))
        }
        let spec = SignalSpec(name: "errors", type: .errors, metric: "errors")
        let assessment = SignalAnalyzer().assess(samples, signal: spec, entity: api, reference: t0)
        #expect(assessment?.onset == t0.addingTimeInterval(-10 * 60))
        #expect(assessment?.recoveredAt == nil)
    }
}
