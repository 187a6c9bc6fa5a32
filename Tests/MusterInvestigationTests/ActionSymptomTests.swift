import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A scale-out of the producer beside a lagging consumer halves the producer's CPU per replica by arithmetic;
/// the lag the incident is about kept growing, so the scale-out did not help.
struct ActionSymptomTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let worker = EntityRef(kind: "service", id: "worker")
    let producer = EntityRef(kind: "service", id: "uploads")
    let topic = EntityRef(kind: "resource", id: "topic")

    @Test func aScaleOutIsJudgedByTheIncidentsSymptomNotItsTargetsCPU() async throws {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        try lake.upsert(
            [
                Entity(ref: team), Entity(ref: topic),
                Entity(
                    ref: worker, properties: ["signals": .array([signalItem("lag", .lag)])],
                    relations: ["ownedBy": [team], "dependsOn": [topic]]),
                Entity(
                    ref: producer,
                    properties: ["signals": .array([signalItem("cpu", .saturation), signalItem("uploads", .load)])],
                    relations: ["ownedBy": [team], "dependsOn": [topic]]),
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(ActionRecord(name: "scale-out", target: producer, at: t0))
        let store = MetricStore()
        for minute in -240...8 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let lag = minute < -10 ? 200 : 200 + 5_000 * Double(minute + 10)
            store.append("lag", labels: [:], time: time, value: lag, kind: .gauge)
            let cpu = minute < -10 ? 0.12 : (minute < 0 ? 0.24 : 0.12)
            store.append("cpu", labels: [:], time: time, value: cpu * jitter, kind: .gauge)
            store.append("uploads", labels: [:], time: time, value: 50 * jitter, kind: .gauge)
        }
        let verdict = await investigateAlerts(
            lake, store, alerting: [worker], start: t0.addingTimeInterval(-480), now: t0.addingTimeInterval(480))
        #expect(verdict.avoid.contains { $0.action == "scale-out" && $0.target == producer })
        #expect(verdict.avoid.first?.reason.contains("lag of service:worker") == true)
    }
}
