import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A database that two alerting services call slows 3 minutes after one of them was deployed. That caller reaches
/// the database only through what it sends: at flat load the database's failure is not its deploy's consequence.
struct FlatCallerDeployTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let api = EntityRef(kind: "service", id: "api")
    let worker = EntityRef(kind: "service", id: "worker")
    let db = EntityRef(kind: "resource", id: "db")

    /// `apiLoad`: the deployed caller's request rate from the database's onset on (100 before).
    func verdict(apiLoad: Double) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        func service(_ ref: EntityRef) -> Entity {
            Entity(
                ref: ref,
                properties: [
                    "actions": .array([.string("rollback")]),
                    "signals": .array([
                        signalItem("\(ref.id)-errors", .errors), signalItem("\(ref.id)-requests", .load),
                    ]),
                ], relations: ["ownedBy": [team], "dependsOn": [db]])
        }
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: db, properties: ["signals": .array([signalItem("db-latency", .latency)])],
                    relations: ["ownedBy": [team]]),
                service(api), service(worker),
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(Deployment(target: api, at: t0.addingTimeInterval(-6 * 60), version: "12.4"))
        let store = MetricStore()
        for minute in -240...2 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let bad = minute >= -3
            store.append("db-latency", labels: [:], time: time, value: (bad ? 0.14 : 0.005) * jitter, kind: .gauge)
            store.append("api-errors", labels: [:], time: time, value: (bad ? 0.22 : 0.002) * jitter, kind: .gauge)
            store.append("worker-errors", labels: [:], time: time, value: (bad ? 0.3 : 0.002) * jitter, kind: .gauge)
            store.append(
                "api-requests", labels: [:], time: time, value: (bad ? apiLoad : 100) * jitter, kind: .gauge)
            store.append("worker-requests", labels: [:], time: time, value: 50 * jitter, kind: .gauge)
        }
        return await investigateAlerts(lake, store, alerting: [api, worker], start: t0, now: t0.addingTimeInterval(60))
    }

    func dependency(_ verdict: Verdict) throws -> Hypothesis {
        try #require(verdict.hypotheses.first { $0.kind == .dependency && $0.entity == db })
    }

    @Test func aCallerDeployedAtFlatLoadDidNotMakeTheDatabaseFail() async throws {
        let verdict = try await verdict(apiLoad: 100)
        #expect(verdict.rootCause?.entity == db)
        #expect(try !dependency(verdict).evidence.contains { $0.text.contains("may be a consequence") })
    }

    @Test func aCallerWhoseLoadRoseAfterItsDeployMayHaveMadeIt() async throws {
        let verdict = try await verdict(apiLoad: 300)
        #expect(try dependency(verdict).evidence.contains { $0.isAgainst && $0.text.contains("may be a consequence") })
    }
}
