import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A traffic spike behind lagging consumers: every consumer that registers scale-out gets one, unregistered ones
/// only up to two named in all; a source whose spike is over is not throttled.
struct CapacityRecommendationTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let producer = EntityRef(kind: "service", id: "producer")
    let topic = EntityRef(kind: "resource", id: "topic")
    let customer = EntityRef(kind: "customer", id: "big")
    let consumers = ["c1", "c2", "c3"].map { EntityRef(kind: "service", id: $0) }

    /// The producer's load from one org goes x50 at -6m, until `spikeEnds` minutes (nil: still going); from nothing
    /// when `fromNothing` (no load at all before, as with an hourly job).
    func verdict(registered: [Bool], spikeEnds: Int? = nil, now: Int = 2, fromNothing: Bool = false) async throws
        -> Verdict
    {
        let lake = ContextLake.inMemory()
        let load: JSONValue = .object([
            "name": .string("published"), "type": .string("load"), "metric": .string("published"),
            "breakdown": .string("org"),
        ])
        var entities = [
            Entity(ref: topic, properties: ["type": .string("kafka-topic")]), Entity(ref: customer),
            Entity(ref: EntityRef(kind: "org", id: "o-big"), relations: ["belongsTo": [customer]]),
            Entity(ref: producer, properties: ["signals": .array([load])], relations: ["dependsOn": [topic]]),
        ]
        for (consumer, isRegistered) in zip(consumers, registered) {
            let lag: JSONValue = .object([
                "name": .string("lag"), "type": .string("lag"), "metric": .string("lag"),
                "match": .object(["c": .string(consumer.id)]),
            ])
            entities.append(
                Entity(
                    ref: consumer,
                    properties: [
                        "signals": .array([lag]), "actions": .array(isRegistered ? [.string("scale-out")] : []),
                    ],
                    relations: ["dependsOn": [topic]]))
        }
        try lake.upsert(entities, at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...now {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let spiking = minute >= -6 && minute < (spikeEnds ?? .max)
            store.append(
                "published", labels: ["org": "o-big"], time: time,
                value: (spiking ? 100 : fromNothing ? 0 : 2) * jitter,
                kind: .gauge)
            store.append(
                "published", labels: ["org": "o-small"], time: time, value: (fromNothing ? 0 : 10) * jitter,
                kind: .gauge)
            for consumer in consumers {
                let lag = minute < -5 ? 50 : 50 + 10_000 * Double(minute + 5)
                store.append("lag", labels: ["c": consumer.id], time: time, value: lag * jitter, kind: .gauge)
            }
        }
        let alerts = consumers.map { consumer in
            Alert(
                source: .generic, sourceID: consumer.id, dedupKey: consumer.id, status: .firing,
                title: "\(consumer.id) lag",
                severity: .critical, startedAt: t0, receivedAt: t0)
        }
        let facts = IncidentFacts(
            id: IncidentID(1), now: t0.addingTimeInterval(Double(now) * 60), firstOnset: t0, alerting: consumers,
            alerts: alerts)
        return await Investigator(lake: lake, metrics: store).investigate(facts)
    }

    func scaledOut(_ verdict: Verdict) -> [String] {
        verdict.actions.filter { $0.action == "scale-out" }.map(\.target.id)
    }

    @Test func everyRegisteredConsumerIsScaledOut() async throws {
        let verdict = try await verdict(registered: [true, true, true])
        #expect(verdict.rootCause?.entity == customer)
        #expect(scaledOut(verdict) == ["c1", "c2", "c3"])
        #expect(verdict.actions.contains { $0.action == "throttle" && $0.target == customer })
    }

    @Test func aLoadThatRoseFromNothingIsNamedNotCalledUnmeasured() async throws {
        let verdict = try await verdict(registered: [true, true, true], fromNothing: true)
        let scaleOut = try #require(verdict.actions.first { $0.action == "scale-out" })
        #expect(scaleOut.reason.contains("\(producer)'s published rose from nothing"))
        #expect(!scaleOut.reason.contains("saturated with no load change measured"))
    }

    @Test func unregisteredConsumersAreNamedOnlyUpToTwoInAll() async throws {
        #expect(scaledOut(try await verdict(registered: [false, false, true])) == ["c1", "c3"])
        #expect(scaledOut(try await verdict(registered: [false, false, false])) == ["c1", "c2"])
    }

    @Test func aSourceWhoseSpikeIsOverIsNotThrottled() async throws {
        let verdict = try await verdict(registered: [true, true, true], spikeEnds: 10, now: 20)
        #expect(verdict.hypotheses.first?.entity == customer)
        #expect(!verdict.actions.contains { $0.action == "throttle" })
    }
}
