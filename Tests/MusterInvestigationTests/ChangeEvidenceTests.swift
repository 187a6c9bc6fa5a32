import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// What else speaks for or against a change: trouble that began before it, and what undoing it did.
struct ChangeEvidenceTests {
    let world = InvestigatorTests()

    func deployment(_ verdict: Verdict) throws -> Hypothesis {
        try #require(verdict.hypotheses.first { $0.kind == .deployment })
    }

    func investigate(_ lake: ContextLake, _ store: MetricStore, now minutes: Int) async -> Verdict {
        await investigateAlerts(
            lake, store, alerting: [world.api], start: world.t0,
            now: world.t0.addingTimeInterval(Double(minutes) * 60))
    }

    /// The upstream's latency climbs from `latencyFrom` minutes, its errors and the caller's from -4m; its config
    /// was changed at -5m. Latency that was bad before the change means the change came into the trouble.
    func upstreamChange(latencyFrom: Int) async throws -> Hypothesis {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        let upstream = EntityRef(kind: "service", id: "search")
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: upstream,
                    properties: ["signals": .array([signalItem("lat", .latency), signalItem("err", .errors)])],
                    relations: ["ownedBy": [team]]),
                Entity(
                    ref: world.api, properties: ["signals": .array([signalItem("api_err", .errors)])],
                    relations: ["ownedBy": [team], "dependsOn": [upstream]]),
            ], at: world.t0.addingTimeInterval(-86_400))
        try lake.record(Change(target: upstream, at: world.t0.addingTimeInterval(-300), summary: "threads 32 -> 64"))
        let store = MetricStore()
        for minute in -180...4 {
            let time = world.t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let climbing = minute >= latencyFrom ? 0.2 * Double(minute - latencyFrom + 1) : 0
            store.append("lat", labels: [:], time: time, value: (0.3 + climbing) * jitter, kind: .gauge)
            store.append("err", labels: [:], time: time, value: (minute >= -4 ? 0.3 : 0.002) * jitter, kind: .gauge)
            store.append("api_err", labels: [:], time: time, value: (minute >= -4 ? 0.3 : 0.002) * jitter, kind: .gauge)
        }
        let verdict = await investigate(lake, store, now: 2)
        return try #require(verdict.hypotheses.first { $0.kind == .configChange })
    }

    @Test func aChangeAfterItsEntityTurnedBadIsMarkedDown() async throws {
        let late = try await upstreamChange(latencyFrom: -14)
        let aligned = try await upstreamChange(latencyFrom: -4)
        #expect(
            late.evidence.contains { $0.isAgainst && $0.text.contains("lat was already bad since") })
        #expect(!aligned.evidence.contains { $0.text.contains("already bad") })
        #expect(late.score < 0.5 * aligned.score)
    }

    /// A deploy an hour before errors that began at -2m; a rollback at +1m; errors gone from +3m (or not).
    @Test(arguments: [true, false])
    func whatARollbackDidWeighsOnTheDeploy(fixed: Bool) async throws {
        let (lake, store) = try world.world(
            apiErrors: { $0 >= -2 && (!fixed || $0 < 3) ? 0.3 : 0.002 }, dbLatency: { _ in 0.01 })
        try lake.record(Deployment(target: world.api, at: world.t0.addingTimeInterval(-3600), version: "2.0"))
        let before = try deployment(await investigate(lake, store, now: 10))
        try lake.record(ActionRecord(name: "rollback", target: world.api, at: world.t0.addingTimeInterval(60)))
        let after = try deployment(await investigate(lake, store, now: 10))
        if fixed {
            #expect(after.evidence.contains { !$0.isAgainst && $0.text.contains("undoing it (rollback") })
            #expect(after.score > 0.5 && after.score > before.score)
        } else {
            #expect(after.evidence.contains { $0.isAgainst && $0.text.contains("did not help") })
            #expect(after.score < before.score)
        }
    }

    /// A rollback recorded as failed never ran: it neither speaks against the deploy nor stops a rollback being
    /// recommended.
    @Test func aRollbackThatFailedToRunIsNoEvidence() async throws {
        let (lake, store) = try world.world(apiErrors: { $0 >= -4 ? 0.3 : 0.002 }, dbLatency: { _ in 0.01 })
        try lake.record(Deployment(target: world.api, at: world.t0.addingTimeInterval(-300), version: "2.0"))
        try lake.record(
            ActionRecord(name: "rollback", target: world.api, at: world.t0.addingTimeInterval(60), result: "failed"))
        let verdict = await investigate(lake, store, now: 10)
        let deploy = try deployment(verdict)
        #expect(!deploy.evidence.contains { $0.text.contains("did not help") })
        #expect(verdict.rootCause?.kind == .deployment)
        #expect(verdict.actions.contains { $0.action == "rollback" && $0.target == world.api })
    }

    /// The database turned bad a minute after the caller's deploy and recovered right after its rollback: the
    /// rollback, not a failover, fixed it, and the database suffered the change.
    @Test func anUpstreamThatRecoveredAfterTheCallersRollbackSufferedTheChange() async throws {
        let (lake, store) = try world.world(
            apiErrors: { $0 >= -5 && $0 < 3 ? 0.3 : 0.002 }, dbLatency: { $0 >= -6 && $0 < 2 ? 0.9 : 0.01 })
        try lake.record(Deployment(target: world.api, at: world.t0.addingTimeInterval(-420), version: "4.0"))
        try lake.record(ActionRecord(name: "rollback", target: world.api, at: world.t0.addingTimeInterval(60)))
        let verdict = await investigate(lake, store, now: 10)
        #expect(verdict.hypotheses.first?.kind == .deployment)
        let db = try #require(verdict.hypotheses.first { $0.entity == world.db })
        #expect(db.evidence.contains { $0.isAgainst && $0.text.contains("suffered that change") })
    }
    /// A service deployed 65 minutes before its errors began (and its caller's), rolled back at +1m with the errors
    /// gone from +3m: undoing its own deploy helped, so the deploy, not the service as a failing dependency of its
    /// caller, is the better account; without the rollback the dependency reading says its deploy was too early
    /// to count, never that there was none.
    @Test(arguments: [true, false])
    func aFailingDependencyWhoseOwnDeployWasUndoneWithSuccessYieldsToIt(rolledBack: Bool) async throws {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        let calc = EntityRef(kind: "service", id: "calc")
        let run = EntityRef(kind: "service", id: "run")
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: calc,
                    properties: [
                        "actions": .array([.string("rollback")]), "signals": .array([signalItem("calc_err", .errors)]),
                    ],
                    relations: ["ownedBy": [team]]),
                Entity(
                    ref: run, properties: ["signals": .array([signalItem("run_err", .errors)])],
                    relations: ["ownedBy": [team], "dependsOn": [calc]]),
            ], at: world.t0.addingTimeInterval(-86_400))
        try lake.record(Deployment(target: calc, at: world.t0.addingTimeInterval(-75 * 60), version: "8.3"))
        if rolledBack {
            try lake.record(ActionRecord(name: "rollback", target: calc, at: world.t0.addingTimeInterval(60)))
        }
        let store = MetricStore()
        for minute in -180...10 {
            let time = world.t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let failing = minute >= -10 && (!rolledBack || minute < 3)
            store.append("calc_err", labels: [:], time: time, value: (failing ? 0.3 : 0.002) * jitter, kind: .gauge)
            store.append("run_err", labels: [:], time: time, value: (failing ? 0.2 : 0.002) * jitter, kind: .gauge)
        }
        let verdict = await investigateAlerts(
            lake, store, alerting: [calc, run], start: world.t0, now: world.t0.addingTimeInterval(600))
        let dependency = try #require(verdict.hypotheses.first { $0.kind == .dependency && $0.entity == calc })
        #expect(!dependency.evidence.contains { $0.text.contains("no deploy or change on it before it failed") })
        #expect(dependency.evidence.contains { $0.isAgainst && $0.text.contains("helped: the deploy") } == rolledBack)
        if rolledBack {
            #expect(verdict.rootCause?.kind == .deployment)
            #expect(verdict.rootCause?.entity == calc)
        }
    }
}
