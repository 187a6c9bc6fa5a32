import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// Which fault dates an entity's trouble: the episode still going, and the step that made it severe, not a finished
/// blip on another signal or a mild creep long before the alerts.
struct EpisodeSeverityTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let api = EntityRef(kind: "service", id: "api")
    let db = EntityRef(kind: "resource", id: "db")

    func signal(_ name: String, _ type: SignalType) -> JSONValue {
        .object([
            "name": .string(name), "type": .string(type.rawValue), "metric": .string(name),
            "match": .object(["of": .string(name)]),
        ])
    }

    /// api (errors, latency) depends on db (latency); series are given per minute from -3h.
    func world(apiErrors: (Int) -> Double, apiLatency: (Int) -> Double, dbLatency: (Int) -> Double) throws
        -> (ContextLake, MetricStore)
    {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: db, properties: ["type": .string("postgres"), "signals": .array([signal("db", .latency)])],
                    relations: ["ownedBy": [team]]),
                Entity(
                    ref: api,
                    properties: [
                        "actions": .array([.string("rollback")]),
                        "signals": .array([signal("errors", .errors), signal("latency", .latency)]),
                    ],
                    relations: ["ownedBy": [team], "dependsOn": [db]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -180...4 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.01 * Double(abs(minute * 7919) % 5 - 2)
            let values = [("errors", apiErrors(minute)), ("latency", apiLatency(minute)), ("db", dbLatency(minute))]
            for (name, value) in values {
                store.append(name, labels: ["of": name], time: time, value: value * jitter, kind: .gauge)
            }
        }
        return (lake, store)
    }

    func investigate(_ lake: ContextLake, _ store: MetricStore, deployAt minute: Int) async throws -> Verdict {
        try lake.record(Deployment(target: api, at: t0.addingTimeInterval(Double(minute) * 60), version: "2.0"))
        return await investigateAlerts(lake, store, alerting: [api], start: t0, now: t0.addingTimeInterval(240))
    }

    /// A latency blip right after the deploy that was over (within ten minutes of the alert), and the service quiet
    /// for five minutes, before the database failed and the errors began is an episode of its own: the database, which failed first in the
    /// episode still going, is the cause. The same blip still going dates api's trouble to the deploy.
    @Test(arguments: [(true, RootCauseKind.dependency), (false, RootCauseKind.deployment)])
    func aFinishedBlipOnAnotherSignalIsAnEpisodeOfItsOwn(blipEnds: Bool, winner: RootCauseKind) async throws {
        let (lake, store) = try world(
            apiErrors: { $0 >= -4 ? 0.3 : 0.003 },
            apiLatency: { $0 >= -14 && ($0 < -9 || !blipEnds) ? 1.2 : 0.15 },
            dbLatency: { $0 >= -5 ? 1.5 : 0.01 })
        let verdict = try await investigate(lake, store, deployAt: -15)
        #expect(verdict.hypotheses.first?.kind == winner)
        let cause = try #require(verdict.hypotheses.first)
        #expect(cause.evidence.contains { $0.text.contains("an earlier episode") } == blipEnds)
    }

    /// A database whose latency crept 1.6x from 35 minutes before the alerts, while the service deployed a minute
    /// before its errors went 100x, is a condition, not the first failure: the deploy is the cause. A database
    /// that went 5x at that time did fail first.
    @Test(arguments: [(0.016, RootCauseKind.deployment), (0.05, RootCauseKind.dependency)])
    func aMildCreepLongBeforeSevereSymptomsDatesNothing(dbLevel: Double, winner: RootCauseKind) async throws {
        let (lake, store) = try world(
            apiErrors: { $0 >= -3 ? 0.3 : 0.003 }, apiLatency: { _ in 0.15 },
            dbLatency: { $0 >= -35 ? dbLevel : 0.01 })
        let verdict = try await investigate(lake, store, deployAt: -4)
        #expect(verdict.hypotheses.first?.kind == winner)
        let cause = try #require(verdict.hypotheses.first)
        #expect(cause.evidence.contains { $0.text.contains("a mild change") } == (winner == .deployment))
    }

    /// A p99 that crept 1.4x after a deploy and then stepped 18x inside the same run is dated from the step;
    /// a run that was severe from its start, or a short lead-in (a ramp), keeps its first sample.
    @Test(arguments: [(-83, 0.30, -3), (-83, 4.1, -83), (-8, 0.30, -8)])
    func aMuchLargerStepAfterAMildCreepDatesTheRun(creepFrom: Int, creepLevel: Double, onset: Int) throws {
        let series = (-180...4).map { minute in
            let jitter = 1 + 0.01 * Double(abs(minute * 7919) % 5 - 2)
            let value = minute >= -3 ? 4.1 : (minute >= creepFrom ? creepLevel : 0.22)
            return Sample(time: t0.addingTimeInterval(Double(minute) * 60), value: value * jitter)
        }
        let spec = SignalSpec(name: "latency", type: .latency, metric: "latency")
        let assessment = try #require(SignalAnalyzer().assess(series, signal: spec, entity: api, reference: t0))
        #expect(assessment.onset == t0.addingTimeInterval(Double(onset) * 60))
        #expect((assessment.creptSince != nil) == (onset != creepFrom))
        #expect(assessment.summary.contains("mild creep") == (onset != creepFrom))
    }
    /// A p99 that crept 1.4x from the minute of a deploy and stepped 18x an hour later, with a flag changed nine
    /// minutes before the step: the creep is the deploy's fingerprint and dates the run, so the deploy is the
    /// cause and the flag came into trouble already going. A creep that began five minutes after the deploy dates
    /// nothing (the flag leads); so does one whose step a database failing at the step explains.
    @Test(arguments: [(-60, false, RootCauseKind.deployment), (-65, false, .configChange), (-60, true, .dependency)])
    func aCreepFromTheMinuteOfADeployIsItsFingerprint(deployAt: Int, dbFails: Bool, winner: RootCauseKind)
        async throws
    {
        let (lake, store) = try world(
            apiErrors: { $0 >= -3 ? 0.3 : 0.003 },
            apiLatency: { $0 >= -3 ? 4.1 : ($0 >= -60 ? 0.31 : 0.22) },
            dbLatency: { dbFails && $0 >= -4 ? 1.5 : 0.01 })
        try lake.record(Change(target: api, at: t0.addingTimeInterval(-12 * 60), summary: "flag on for staff"))
        let verdict = try await investigate(lake, store, deployAt: deployAt)
        #expect(verdict.hypotheses.first?.kind == winner)
        let fingerprint = verdict.hypotheses.flatMap(\.evidence).contains { $0.text.contains("its fingerprint") }
        #expect(fingerprint == (winner == .deployment))
    }
    /// A fault that recurs in the same phases (bad 8 minutes, normal 7, four times) since the first began two
    /// minutes after a deploy is one fault since the deploy: the episodes date from the first, and the deploy is the
    /// cause. A deploy ten minutes before the first episode leaves the latest one the date; a database failing
    /// after the first episode, before the latest, made it, which keeps its date too (the database is the cause).
    @Test(arguments: [(-62, false, true), (-70, false, false), (-62, true, false)])
    func aFaultRecurringSinceADeployDatesFromItsFirstEpisode(deployAt: Int, dbFails: Bool, recurring: Bool)
        async throws
    {
        let bad = { (minute: Int) in minute >= -60 && (minute + 60) % 15 < 8 }
        let (lake, store) = try world(
            apiErrors: { bad($0) ? 0.3 : 0.003 }, apiLatency: { bad($0) ? 4.1 : 0.22 },
            dbLatency: { dbFails && $0 >= -15 ? 1.5 : 0.01 })
        let verdict = try await investigate(lake, store, deployAt: deployAt)
        if recurring { #expect(verdict.hypotheses.first?.kind == .deployment) }
        if dbFails { #expect(verdict.hypotheses.first?.kind == .dependency) }
        let dated = verdict.hypotheses.flatMap(\.evidence).contains { $0.text.contains("one fault recurring since it") }
        #expect(dated == recurring)
    }
}
