import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A deploy five hours before exhaustion, after which memory climbed steadily from a flat line: a leak it
/// introduced (roll back). When the load climbed with it, the climb is more work, not a leak.
struct LeakTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let api = EntityRef(kind: "service", id: "api")

    func verdict(loadClimbs: Bool) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: api,
                    properties: [
                        "signals": .array([signalItem("memory", .saturation), signalItem("requests", .load)])
                    ],
                    relations: ["ownedBy": [team]]),
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(Deployment(target: api, at: t0.addingTimeInterval(-300 * 60), version: "5.0"))
        let store = MetricStore()
        for minute in -600...2 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.01 * Double((minute * 7919) % 5 - 2)
            let climb = minute > -300 ? Double(minute + 300) / 300 : 0
            store.append("memory", labels: [:], time: time, value: (0.4 + 0.58 * climb) * jitter, kind: .gauge)
            let load = loadClimbs ? 100 + 140 * climb : 100
            store.append("requests", labels: [:], time: time, value: load * jitter, kind: .gauge)
        }
        return await investigateAlerts(lake, store, alerting: [api], start: t0, now: t0.addingTimeInterval(120))
    }

    @Test func aSteadyClimbSinceTheDeployIsALeak() async throws {
        let verdict = try await verdict(loadClimbs: false)
        let top = try #require(verdict.hypotheses.first)
        #expect(top.kind == .deployment)
        #expect(top.evidence.contains { $0.text.contains("a leak it introduced") })
    }

    @Test func aClimbCarriedByTheLoadIsNoLeak() async throws {
        let verdict = try await verdict(loadClimbs: true)
        #expect(!verdict.hypotheses.contains { $0.evidence.contains { $0.text.contains("a leak it introduced") } })
    }
}
