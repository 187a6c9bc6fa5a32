import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A load without a breakdown whose entity shows nothing else wrong: an alert on it that began after the load
/// rose, naming one org, names the source (a per-tenant rate computed outside the metrics). When the entity
/// also fails, the org the alert names may only be who felt it: no source is named.
struct AlertNamedSourceTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let gateway = EntityRef(kind: "service", id: "gateway")
    let reader = EntityRef(kind: "service", id: "reader")
    let topic = EntityRef(kind: "resource", id: "topic")
    let customer = EntityRef(kind: "customer", id: "zephyr")

    func verdict(gatewayFails: Bool) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: topic, properties: ["type": .string("kafka-topic")]), Entity(ref: customer),
                Entity(ref: EntityRef(kind: "org", id: "zephyr-iot"), relations: ["belongsTo": [customer]]),
                Entity(
                    ref: gateway,
                    properties: [
                        "signals": .array([signalItem("readings", .load), signalItem("gateway-errors", .errors)])
                    ],
                    relations: ["dependsOn": [topic]]),
                Entity(
                    ref: reader, properties: ["signals": .array([signalItem("lag", .lag)])],
                    relations: ["dependsOn": [topic]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...3 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            store.append(
                "readings", labels: [:], time: time, value: (minute >= -6 ? 2_600 : 310) * jitter, kind: .gauge)
            let errors = gatewayFails && minute >= -5 ? 0.3 : 0.001
            store.append("gateway-errors", labels: [:], time: time, value: errors * jitter, kind: .gauge)
            let lag = minute < -5 ? 300 : 300 + 100_000 * Double(minute + 5)
            store.append("lag", labels: [:], time: time, value: lag * jitter, kind: .gauge)
        }
        let rate = Alert(
            source: .alertmanager, sourceID: "rate", dedupKey: "rate", status: .firing,
            title: "org zephyr-iot is sending 40x its usual readings", severity: .warning,
            labels: ["alertname": "TenantIngestRateAnomaly", "service": "gateway", "org": "zephyr-iot"],
            startedAt: t0.addingTimeInterval(-120), receivedAt: t0.addingTimeInterval(-120))
        let lagging = Alert(
            source: .alertmanager, sourceID: "lag", dedupKey: "lag", status: .firing, title: "reader lag",
            severity: .critical, labels: ["alertname": "LagHigh", "service": "reader"], startedAt: t0, receivedAt: t0)
        let facts = IncidentFacts(
            id: IncidentID(1), now: t0.addingTimeInterval(180), firstOnset: t0.addingTimeInterval(-120),
            alerting: [gateway, reader], alerts: [rate, lagging])
        return await Investigator(lake: lake, metrics: store).investigate(facts)
    }

    @Test func anAlertOnTheLoadedEntityNamesTheSource() async throws {
        let verdict = try await verdict(gatewayFails: false)
        let spike = try #require(verdict.hypotheses.first { $0.kind == .trafficSpike })
        #expect(spike.entity == customer)
        #expect(spike.evidence.contains { $0.text.contains("names org=zephyr-iot (of customer:zephyr): the source") })
    }

    @Test func anAlertOnAFailingEntityNamesNoSource() async throws {
        let verdict = try await verdict(gatewayFails: true)
        #expect(!verdict.hypotheses.contains { $0.kind == .trafficSpike && $0.entity == customer })
    }
}
