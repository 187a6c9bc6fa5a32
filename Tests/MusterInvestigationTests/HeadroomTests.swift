import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A database whose only fault is a mild saturation (CPU 12% -> 18%) while its latency is normal is busier, not
/// failing: no confident root cause. The same database exhausted (CPU at 95%) is the failing dependency, and so is the
/// mildly busier one when its caller's own timing of calls to it (`peer: db`) turned bad: its users feel it.
struct HeadroomTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let job = EntityRef(kind: "service", id: "job")
    let db = EntityRef(kind: "resource", id: "db")

    func world(cpu: Double, callLatency: Double? = nil) throws -> (ContextLake, MetricStore) {
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
                Entity(
                    ref: job,
                    properties: [
                        "signals": .array(
                            callLatency == nil
                                ? [] : [signalItem("db-calls", .latency, match: ["service": "job", "peer": "db"])])
                    ],
                    relations: ["ownedBy": [team], "dependsOn": [db]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -200...4 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.01 * Double(abs(minute * 7919) % 5 - 2)
            store.append(
                "cpu", labels: ["db": "db"], time: time, value: (minute >= -10 ? cpu : 0.12) * jitter, kind: .gauge)
            store.append("latency", labels: ["db": "db"], time: time, value: 0.004 * jitter, kind: .gauge)
            if let callLatency {
                store.append(
                    "db-calls", labels: ["service": "job", "peer": "db"], time: time,
                    value: (minute >= -10 ? callLatency : 0.002) * jitter, kind: .gauge)
            }
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

    @Test(arguments: [(0.002, false), (0.85, true)])
    func aCallersTimingOfCallsToItOverridesTheHeadroom(callLatency: Double, isConfident: Bool) async throws {
        let (lake, store) = try world(cpu: 0.18, callLatency: callLatency)
        let verdict = await investigateAlerts(lake, store, alerting: [job], start: t0, now: t0.addingTimeInterval(240))
        let top = try #require(verdict.hypotheses.first)
        #expect(top.kind == .dependency && top.entity == db)
        #expect((verdict.rootCause != nil) == isConfident)
        #expect(top.evidence.contains { !$0.isAgainst && $0.text.contains("feel it") } == isConfident)
        #expect(top.evidence.contains { $0.isAgainst && $0.text.contains("busier, not failing") } == !isConfident)
    }
}
