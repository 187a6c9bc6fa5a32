import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A producer that measures no load of its own writes a topic the alerting consumer reads (the consumer calls it
/// too); the spike shows only on the gateway in front of the producer, whose breakdown names the customer.
struct FrontOfProducerTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let consumer = EntityRef(kind: "service", id: "consumer")
    let producer = EntityRef(kind: "service", id: "producer")
    let gateway = EntityRef(kind: "service", id: "gateway")
    let topic = EntityRef(kind: "resource", id: "topic")
    let customer = EntityRef(kind: "customer", id: "quill")

    func signal(_ name: String, _ type: SignalType, breakdown: String? = nil) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(name), "type": .string(type.rawValue), "metric": .string(name),
        ]
        if let breakdown { object["breakdown"] = .string(breakdown) }
        return .object(object)
    }

    /// From ten minutes before t0 the lag grows and the gateway's traffic from one org rises `growth` times.
    func verdict(growth: Double) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        try lake.upsert(
            [
                Entity(ref: team), Entity(ref: customer), Entity(ref: topic),
                Entity(ref: EntityRef(kind: "org", id: "o-quill"), relations: ["belongsTo": [customer]]),
                Entity(
                    ref: consumer, properties: ["signals": .array([signal("lag", .lag)])],
                    relations: ["ownedBy": [team], "dependsOn": [topic, producer]]),
                Entity(
                    ref: producer, properties: ["signals": .array([signal("errors", .errors)])],
                    relations: ["ownedBy": [team], "dependsOn": [topic]]),
                Entity(
                    ref: gateway, properties: ["signals": .array([signal("requests", .load, breakdown: "org")])],
                    relations: ["ownedBy": [team], "dependsOn": [producer]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...8 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let spiking = minute >= -10
            let lag = spiking ? 200 + 10_000 * Double(minute + 10) : 200
            store.append("lag", labels: [:], time: time, value: lag, kind: .gauge)
            store.append("errors", labels: [:], time: time, value: 0.001, kind: .gauge)
            let quill = 5 * (spiking ? growth : 1)
            store.append("requests", labels: ["org": "o-quill"], time: time, value: quill, kind: .gauge)
            store.append(
                "requests", labels: ["org": "o-other"], time: time, value: 5 + Double(minute % 3), kind: .gauge)
        }
        let start = t0.addingTimeInterval(-480)
        return await investigateAlerts(lake, store, alerting: [consumer], start: start, now: t0)
    }

    /// 30x from one org at the gateway: a traffic spike from its customer. A steady gateway names nobody.
    @Test(arguments: [(30.0, true), (1.0, false)])
    func aSpikeInFrontOfAnUnmeteredProducerNamesItsSource(growth: Double, isNamed: Bool) async throws {
        let verdict = try await verdict(growth: growth)
        let spike = verdict.hypotheses.first { $0.kind == .trafficSpike && $0.entity == customer }
        #expect((spike != nil) == isNamed, "\(verdict.hypotheses.map { "\($0.kind) \($0.entity)" })")
        if isNamed {
            #expect(spike?.evidence.contains { $0.text.contains("in front of \(producer)") } == true)
            #expect(verdict.customers == [customer])
        }
    }
}
