import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// One org's traffic on the alerting service doubled from -40m; memory fills from -12m. When the spike was over
/// at -25m, before the memory began to climb, it explains nothing, and the service is not "overloaded by it".
struct EndedSpikeTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let api = EntityRef(kind: "service", id: "api")

    func verdict(spikeEnds: Bool) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        let signals: JSONValue = .array([
            signalItem("requests", .load, breakdown: "org"), signalItem("memory", .saturation),
        ])
        try lake.upsert(
            [Entity(ref: team), Entity(ref: api, properties: ["signals": signals], relations: ["ownedBy": [team]])],
            at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -300...2 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let spiking = minute >= -40 && (!spikeEnds || minute < -25)
            store.append(
                "requests", labels: ["org": "bulk"], time: time, value: (spiking ? 100 : 10) * jitter, kind: .gauge)
            store.append("requests", labels: ["org": "other"], time: time, value: 40 * jitter, kind: .gauge)
            let memory = minute >= -12 ? min(0.99, 0.5 + 0.04 * Double(minute + 12)) : 0.5
            store.append("memory", labels: [:], time: time, value: memory * jitter, kind: .gauge)
        }
        return await investigateAlerts(lake, store, alerting: [api], start: t0, now: t0.addingTimeInterval(120))
    }

    @Test func aSpikeOverBeforeTheSymptomsExplainsNothing() async throws {
        let verdict = try await verdict(spikeEnds: true)
        #expect(verdict.hypotheses.first?.kind == .saturation)
        let spike = try #require(verdict.hypotheses.first { $0.kind == .trafficSpike })
        #expect(spike.evidence.contains { $0.isAgainst && $0.text.contains("before the symptoms began") })
        let saturation = try #require(verdict.hypotheses.first { $0.kind == .saturation })
        #expect(!saturation.evidence.contains { $0.text.contains("overloaded by the spike") })
    }

    @Test func aSpikeStillGoingIsNotExcused() async throws {
        let verdict = try await verdict(spikeEnds: false)
        let spike = try #require(verdict.hypotheses.first { $0.kind == .trafficSpike })
        #expect(!spike.evidence.contains { $0.text.contains("before the symptoms began") })
    }
}
