import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A throttle of a customer whose traffic reaches the incident acts on its load: it is judged by the alerting
/// entities' symptoms like any other action. A customer whose traffic does not reach it is not judged here.
struct TenantActionTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let producer = EntityRef(kind: "service", id: "producer")
    let worker = EntityRef(kind: "service", id: "worker")
    let topic = EntityRef(kind: "resource", id: "topic")
    let acme = EntityRef(kind: "customer", id: "acme")
    let other = EntityRef(kind: "customer", id: "other")

    /// The worker's lag grows 10k a minute from -5m whatever is done; the producer's steady load is split by org.
    func verdict(throttling target: EntityRef) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: topic, properties: ["type": .string("kafka-topic")]), Entity(ref: acme), Entity(ref: other),
                Entity(ref: EntityRef(kind: "org", id: "o-acme"), relations: ["belongsTo": [acme]]),
                Entity(ref: EntityRef(kind: "org", id: "o-other"), relations: ["belongsTo": [other]]),
                Entity(
                    ref: producer, properties: ["signals": .array([signalItem("published", .load, breakdown: "org")])],
                    relations: ["dependsOn": [topic]]),
                Entity(
                    ref: worker, properties: ["signals": .array([signalItem("lag", .lag)])],
                    relations: ["dependsOn": [topic]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...12 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            store.append(
                "published", labels: ["org": "o-acme"], time: time, value: (minute >= 3 ? 2 : 20) * jitter,
                kind: .gauge)
            store.append("published", labels: ["org": "o-b"], time: time, value: 30 * jitter, kind: .gauge)
            let lag = minute < -5 ? 100 : 100 + 10_000 * Double(minute + 5)
            store.append("lag", labels: [:], time: time, value: lag * jitter, kind: .gauge)
        }
        try lake.record(ActionRecord(name: "throttle", target: target, at: t0.addingTimeInterval(180)))
        return await investigateAlerts(lake, store, alerting: [worker], start: t0, now: t0.addingTimeInterval(720))
    }

    @Test func aThrottleOfACustomerSendingTrafficIsJudgedByTheSymptoms() async throws {
        let verdict = try await verdict(throttling: acme)
        #expect(verdict.avoid.map(\.action) == ["throttle"])
        #expect(
            verdict.tried.contains { $0.contains("throttle of customer:acme") && $0.contains("lag of service:worker") })
    }

    @Test func aThrottleOfACustomerWhoseTrafficDoesNotReachTheIncidentIsNotJudged() async throws {
        let verdict = try await verdict(throttling: other)
        #expect(verdict.avoid.isEmpty)
        #expect(verdict.tried.isEmpty)
    }
}
