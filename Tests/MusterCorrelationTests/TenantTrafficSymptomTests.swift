import Foundation
import MusterLake
import MusterModel
import Testing

@testable import MusterCorrelation

/// A tenant's own traffic rising by the load ratio on an alerting entity whose totals stay normal (a large steady
/// tenant dilutes it) is a symptom, not normal signals: the alert joins through a failing upstream it shares.
struct TenantTrafficSymptomTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let broker = EntityRef(kind: "resource", id: "broker")
    let topic = EntityRef(kind: "resource", id: "topic")
    let worker = EntityRef(kind: "service", id: "worker")
    let api = EntityRef(kind: "service", id: "api")

    @Test(arguments: [true, false])
    func aTenantsOwnRiseJoinsThroughTheFailingUpstream(tenantRose: Bool) throws {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: broker), Entity(ref: topic, relations: ["dependsOn": [broker]]),
                Entity(ref: worker, relations: ["dependsOn": [topic]]),
                Entity(ref: api, relations: ["dependsOn": [topic]]),
            ], at: t0.addingTimeInterval(-86_400))
        var correlator = Correlator(lake: lake)
        func arrival(_ entity: EntityRef, _ labels: [String: String], at offset: TimeInterval) -> AlertArrival {
            let alert = Alert(
                source: .alertmanager, sourceID: entity.id, dedupKey: entity.id, status: .firing,
                title: "\(entity.id) alert", severity: .warning, labels: labels,
                startedAt: t0.addingTimeInterval(offset), receivedAt: t0.addingTimeInterval(offset))
            let own: Trouble = entity == worker ? .anomalous("lag 10 -> 5000") : .healthy
            return AlertArrival(
                alert: alert, entity: entity, eventID: entity.id,
                trouble: [entity: own, topic: .unknown, broker: .anomalous("urp 0 -> 0.4")],
                symptoms: entity == worker ? [.lag] : [],
                onsets: [broker: t0.addingTimeInterval(-300), worker: t0.addingTimeInterval(-240)])
        }
        let lag = correlator.ingest(arrival(worker, ["alertname": "WorkerLag"], at: 0))
        var publish = arrival(api, ["alertname": "TenantPublishSlow", "org": "org-acme"], at: 60)
        if tenantRose { publish.tenantLoadMoved = ["org=org-acme"] }
        let decision = correlator.ingest(publish)
        #expect((decision.incident == lag.incident) == tenantRose)
        if tenantRose { #expect(decision.reasons.first?.contains("org=org-acme's own traffic there rose") == true) }
    }
}
