import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A deploy of a producer beside the alerting consumers (it writes the topic they read) is a suspect, judged
/// by the readers' onsets: its own signals stay flat when what it writes is what broke.
struct ProducerChangeTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let producer = EntityRef(kind: "service", id: "producer")
    let reader = EntityRef(kind: "service", id: "reader")
    let topic = EntityRef(kind: "resource", id: "topic")

    func signal(_ name: String, _ type: SignalType) -> JSONValue {
        .object([
            "name": .string(name), "type": .string(type.rawValue), "metric": .string(name),
            "match": .object(["svc": .string(name)]),
        ])
    }

    /// The reader's errors step up at `readerFails` minutes; the producer's load never moves.
    /// The topic's health drops at `topicFails` minutes (nil: never).
    func world(readerFails: Int, topicFails: Int? = nil) throws -> (ContextLake, MetricStore) {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: topic,
                    properties: ["type": .string("kafka-topic"), "signals": .array([signal("up", .health)])],
                    relations: ["ownedBy": [team]]),
                Entity(
                    ref: producer,
                    properties: [
                        "actions": .array([.string("rollback")]), "signals": .array([signal("published", .load)]),
                    ],
                    relations: ["ownedBy": [team], "dependsOn": [topic]]),
                Entity(
                    ref: reader, properties: ["signals": .array([signal("rejected", .errors)])],
                    relations: ["ownedBy": [team], "dependsOn": [topic]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...5 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            store.append("published", labels: ["svc": "published"], time: time, value: 35 * jitter, kind: .gauge)
            let rejected = minute >= readerFails ? 0.6 : 0.001
            store.append("rejected", labels: ["svc": "rejected"], time: time, value: rejected * jitter, kind: .gauge)
            let up = minute >= (topicFails ?? .max) ? 0.0 : 1.0
            store.append("up", labels: ["svc": "up"], time: time, value: up, kind: .gauge)
        }
        return (lake, store)
    }

    func investigate(_ lake: ContextLake, _ store: MetricStore) async -> Verdict {
        await investigateAlerts(lake, store, alerting: [reader], start: t0, now: t0.addingTimeInterval(120))
    }

    @Test func readersFailingRightAfterAProducerDeployBlameIt() async throws {
        let (lake, store) = try world(readerFails: -5)
        try lake.record(Deployment(target: producer, at: t0.addingTimeInterval(-360), version: "12.0"))
        let verdict = await investigate(lake, store)
        #expect(verdict.rootCause?.kind == .deployment)
        #expect(verdict.rootCause?.entity == producer)
        #expect(verdict.actions.contains { $0.action == "rollback" && $0.target == producer })
    }

    @Test func aSharedResourceThatFailedFirstExplainsTheReadersBetter() async throws {
        let (lake, store) = try world(readerFails: -5, topicFails: -6)
        try lake.record(Deployment(target: producer, at: t0.addingTimeInterval(-480), version: "12.0"))
        let verdict = await investigate(lake, store)
        #expect(verdict.hypotheses.first?.kind == .dependency)
        #expect(verdict.hypotheses.first?.entity == topic)
        let deploy = try #require(verdict.hypotheses.first { $0.kind == .deployment })
        #expect(deploy.evidence.contains { $0.isAgainst && $0.text.contains("\(topic) failed first") })
    }

    @Test func aProducerDeployLongBeforeTheReadersFailedIsNoCause() async throws {
        let (lake, store) = try world(readerFails: -5)
        try lake.record(Deployment(target: producer, at: t0.addingTimeInterval(-3 * 3600), version: "12.0"))
        let verdict = await investigate(lake, store)
        #expect(verdict.rootCause == nil)
    }
}
