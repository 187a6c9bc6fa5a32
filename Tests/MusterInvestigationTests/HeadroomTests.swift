import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A database whose only fault is a mild saturation (CPU 12% -> 18%) while its latency is normal is busier, not
/// failing: no confident root cause. The same database exhausted (CPU at 95%) is the failing dependency.
struct HeadroomTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let job = EntityRef(kind: "service", id: "job")
    let db = EntityRef(kind: "resource", id: "db")

    func world(cpu: Double) throws -> (ContextLake, MetricStore) {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: db,
                    properties: [
                        "type": .string("postgres"), "actions": .array([.string("failover")]),
                        "signals": .array([
                            signalItem("cpu", .saturation, match: ["db": "db"]),
                            signalItem("latency", .latency, match: ["db": "db"]),
                        ]),
                    ],
                    relations: ["ownedBy": [team]]),
                Entity(ref: job, relations: ["ownedBy": [team], "dependsOn": [db]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -200...4 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.01 * Double(abs(minute * 7919) % 5 - 2)
            store.append(
                "cpu", labels: ["db": "db"], time: time, value: (minute >= -20 ? cpu : 0.12) * jitter, kind: .gauge)
            store.append("latency", labels: ["db": "db"], time: time, value: 0.004 * jitter, kind: .gauge)
        }
        return (lake, store)
    }

    @Test(arguments: [(0.18, false), (0.95, true)])
    func aMildSaturationWithNormalLatencyIsNoFailure(cpu: Double, isConfident: Bool) async throws {
        let (lake, store) = try world(cpu: cpu)
        let verdict = await investigateAlerts(lake, store, alerting: [job], start: t0, now: t0.addingTimeInterval(240))
        let top = try #require(verdict.hypotheses.first)
        #expect(top.kind == .dependency && top.entity == db)
        #expect((verdict.rootCause != nil) == isConfident)
        #expect(top.evidence.contains { $0.isAgainst && $0.text.contains("busier, not failing") } == !isConfident)
        #expect(verdict.actions.contains { $0.action == "failover" } == isConfident)
    }
}
