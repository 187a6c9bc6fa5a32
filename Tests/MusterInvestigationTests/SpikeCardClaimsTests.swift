import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// Org `bulk` goes from 10/s to 100/s on a worker's intake beside a steady 40/s: the total rose 2.8x, the org 10x.
/// The worker's lag climbs while the burst lasts. The card states the org's own rise beside the total's and sizes
/// capacity by the total load now. When the burst is over and the backlog drains fast, neither a throttle nor a
/// scale-out is offered (though the worker's own throughput is still up, draining): the card says the burst ended.
struct SpikeCardClaimsTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let worker = EntityRef(kind: "service", id: "worker")

    func verdict(burstEnds: Bool) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let signals: JSONValue = .array([
            signalItem("requests", .load, breakdown: "org"), signalItem("lag", .lag), signalItem("processed", .load),
        ])
        try lake.upsert(
            [
                Entity(
                    ref: worker,
                    properties: [
                        "signals": signals, "actions": .array([.string("scale-out")]), "replicas": .number(4),
                    ],
                    relations: [:]),
                Entity(ref: EntityRef(kind: "org", id: "bulk")),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...0 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let bursting = minute >= -14 && (!burstEnds || minute < -3)
            store.append(
                "requests", labels: ["org": "bulk"], time: time, value: (bursting ? 100 : 10) * jitter, kind: .gauge)
            store.append("requests", labels: ["org": "other"], time: time, value: 40 * jitter, kind: .gauge)
            var lag = 100.0
            if minute >= -14 { lag = 100 + 4000 * Double(min(minute, -3) + 14) }
            if burstEnds, minute > -3 { lag = max(100, lag - 8000 * Double(minute + 3)) }
            store.append("lag", labels: [:], time: time, value: lag * jitter, kind: .gauge)
            let processed = minute >= -14 ? 90.0 : 50.0
            store.append("processed", labels: [:], time: time, value: processed * jitter, kind: .gauge)
        }
        return await investigateAlerts(
            lake, store, alerting: [worker], start: t0.addingTimeInterval(-300), now: t0)
    }

    @Test func theCardStatesTheSourcesOwnRiseBesideTheTotal() async throws {
        let verdict = try await verdict(burstEnds: false)
        let root = try #require(verdict.hypotheses.first { $0.kind == .trafficSpike })
        #expect(root.summary.contains("its own traffic bulk ") && root.summary.contains(", 10x;"))
        #expect(root.summary.contains("the total requests"))
        let scaleOut = try #require(verdict.actions.first { $0.action == "scale-out" })
        #expect(scaleOut.reason.contains("the total load is now"))
    }

    @Test func aBurstOverWithTheBacklogDrainingNeedsNothing() async throws {
        let verdict = try await verdict(burstEnds: true)
        #expect(verdict.hypotheses.first?.kind == .trafficSpike)
        #expect(!verdict.actions.contains { $0.action == "scale-out" || $0.action == "throttle" })
        #expect(verdict.notes.contains { $0.contains("backlog draining") })
    }
}
