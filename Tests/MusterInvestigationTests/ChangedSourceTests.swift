import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A spike traced (by a breakdown label) to a caller that was changed just before: the change is the cause.
struct ChangedSourceTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let callee = EntityRef(kind: "service", id: "pricing")
    let caller = EntityRef(kind: "service", id: "cart")
    let other = EntityRef(kind: "service", id: "search")

    func world() throws -> (ContextLake, MetricStore) {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        let load: JSONValue = .object([
            "name": .string("requests"), "type": .string("load"), "metric": .string("requests"),
            "breakdown": .string("caller"), "breakdown_kind": .string("service"),
        ])
        let latency: JSONValue = .object([
            "name": .string("latency"), "type": .string("latency"), "metric": .string("latency"),
        ])
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(ref: callee, properties: ["signals": .array([load, latency])], relations: ["ownedBy": [team]]),
                Entity(
                    ref: caller, properties: ["actions": .array([.string("config-revert")])],
                    relations: ["ownedBy": [team], "dependsOn": [callee]]),
                Entity(ref: other, relations: ["ownedBy": [team], "dependsOn": [callee]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...3 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let spiking = minute >= -3
            store.append(
                "requests", labels: ["caller": "cart"], time: time, value: (spiking ? 480 : 40) * jitter, kind: .gauge)
            store.append("requests", labels: ["caller": "search"], time: time, value: 120 * jitter, kind: .gauge)
            store.append("latency", labels: [:], time: time, value: (spiking ? 2.2 : 0.08) * jitter, kind: .gauge)
        }
        return (lake, store)
    }

    func investigate(_ lake: ContextLake, _ store: MetricStore) async -> Verdict {
        await investigateAlerts(lake, store, alerting: [callee], start: t0, now: t0.addingTimeInterval(120))
    }

    @Test func aChangedCallerBehindTheSpikeIsTheCause() async throws {
        let (lake, store) = try world()
        try lake.record(Change(target: caller, at: t0.addingTimeInterval(-240), summary: "prefetch flag on"))
        let verdict = await investigate(lake, store)
        #expect(verdict.rootCause?.kind == .configChange)
        #expect(verdict.rootCause?.entity == caller)
        #expect(verdict.actions.contains { $0.action == "config-revert" && $0.target == caller })
    }

    @Test func anUnchangedCallerBehindTheSpikeIsASpike() async throws {
        let (lake, store) = try world()
        try lake.record(Change(target: caller, at: t0.addingTimeInterval(-3 * 3600), summary: "an old change"))
        let verdict = await investigate(lake, store)
        #expect(verdict.hypotheses.first?.kind == .trafficSpike)
        #expect(verdict.hypotheses.first?.entity == caller)
    }
}
