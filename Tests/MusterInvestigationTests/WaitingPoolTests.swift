import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A worker pool that filled at flat traffic while the CPU fell is waiting on something, not short of capacity; a
/// scale-out that ran and did not help speaks against a shortage too. Either marks the saturation down.
struct WaitingPoolTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let api = EntityRef(kind: "service", id: "api")

    func investigate(cpuFalls: Bool, scaledOut: Bool) async throws -> Hypothesis {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: api,
                    properties: [
                        "actions": .array([.string("scale-out")]), "replicas": .number(4),
                        "signals": .array([
                            signalItem("threads", .saturation), signalItem("cpu", .saturation),
                            signalItem("requests", .load), signalItem("errors", .errors),
                        ]),
                    ],
                    relations: ["ownedBy": [team]]),
            ], at: t0.addingTimeInterval(-86_400))
        if scaledOut { try lake.record(ActionRecord(name: "scale-out", target: api, at: t0)) }
        let store = MetricStore()
        for minute in -200...8 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.01 * Double(abs(minute * 7919) % 5 - 2)
            let values = [
                ("threads", minute >= -6 ? 1.0 : 0.3), ("cpu", cpuFalls && minute >= -8 ? 0.12 : 0.45),
                ("requests", 60), ("errors", minute >= -5 ? 0.35 : 0.002),
            ]
            for (name, value) in values {
                store.append(name, labels: [:], time: time, value: value * jitter, kind: .gauge)
            }
        }
        let verdict = await investigateAlerts(lake, store, alerting: [api], start: t0, now: t0.addingTimeInterval(480))
        return try #require(verdict.hypotheses.first { $0.kind == .saturation })
    }

    @Test func aPoolThatFillsWhileTheCPUFallsIsWaiting() async throws {
        let short = try await investigate(cpuFalls: false, scaledOut: false)
        let waiting = try await investigate(cpuFalls: true, scaledOut: false)
        #expect(!short.evidence.contains { $0.text.contains("waiting on something") })
        #expect(waiting.evidence.contains { $0.isAgainst && $0.text.contains("waiting on something") })
        #expect(waiting.score < short.score)
    }

    @Test func aScaleOutThatDidNotHelpSpeaksAgainstSaturation() async throws {
        let short = try await investigate(cpuFalls: false, scaledOut: false)
        let futile = try await investigate(cpuFalls: false, scaledOut: true)
        #expect(futile.evidence.contains { $0.isAgainst && $0.text.contains("did not help") })
        #expect(futile.score < short.score)
    }
}
