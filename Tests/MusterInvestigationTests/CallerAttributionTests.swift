import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A spike on a service without a breakdown is traced through the caller in front of it, whose breakdown
/// names the source even when that caller's total barely moved (a small tenant sending heavy requests).
struct CallerAttributionTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let ingest = EntityRef(kind: "service", id: "ingest")
    let gateway = EntityRef(kind: "service", id: "gateway")
    let customer = EntityRef(kind: "customer", id: "quill")

    let reports = EntityRef(kind: "service", id: "reports")

    /// `routedElsewhere`: the gateway also calls `reports`, whose own breakdown shows the others' rise.
    func world(tenantGrowth: Double, othersGrowth: Double, routedElsewhere: Bool = false) throws -> (
        ContextLake, MetricStore
    ) {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        let published: JSONValue = .object([
            "name": .string("published"), "type": .string("load"), "metric": .string("published"),
        ])
        let latency: JSONValue = .object([
            "name": .string("latency"), "type": .string("latency"), "metric": .string("latency"),
        ])
        let requests: JSONValue = .object([
            "name": .string("requests"), "type": .string("load"), "metric": .string("requests"),
            "breakdown": .string("org"),
        ])
        try lake.upsert(
            [
                Entity(ref: team), Entity(ref: customer),
                Entity(ref: EntityRef(kind: "org", id: "o-quill"), relations: ["belongsTo": [customer]]),
                Entity(
                    ref: ingest, properties: ["signals": .array([published, latency])], relations: ["ownedBy": [team]]),
                Entity(
                    ref: gateway, properties: ["signals": .array([requests])],
                    relations: ["ownedBy": [team], "dependsOn": routedElsewhere ? [ingest, reports] : [ingest]]),
                Entity(
                    ref: reports,
                    properties: [
                        "signals": .array([
                            .object([
                                "name": .string("requests"), "type": .string("load"),
                                "metric": .string("reports_requests"), "breakdown": .string("org"),
                            ])
                        ])
                    ], relations: ["ownedBy": [team]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...3 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let spiking = minute >= -6
            store.append("published", labels: [:], time: time, value: (spiking ? 1590 : 90) * jitter, kind: .gauge)
            store.append("latency", labels: [:], time: time, value: (spiking ? 2.0 : 0.1) * jitter, kind: .gauge)
            let quill = 0.5 * (spiking ? tenantGrowth : 1)
            store.append("requests", labels: ["org": "o-quill"], time: time, value: quill * jitter, kind: .gauge)
            let others = 45 * (spiking ? othersGrowth : 1)
            store.append("requests", labels: ["org": "o-big"], time: time, value: others * jitter, kind: .gauge)
            let routed = 1 + (spiking ? 45 * (othersGrowth - 1) : 0)
            store.append("reports_requests", labels: ["org": "o-big"], time: time, value: routed * jitter, kind: .gauge)
        }
        return (lake, store)
    }

    func investigate(_ lake: ContextLake, _ store: MetricStore) async -> Verdict {
        await investigateAlerts(lake, store, alerting: [ingest], start: t0, now: t0.addingTimeInterval(120))
    }

    @Test func aSmallTenantBehindAQuietGatewayIsNamed() async throws {
        let (lake, store) = try world(tenantGrowth: 30, othersGrowth: 1)
        let verdict = await investigate(lake, store)
        #expect(verdict.rootCause?.kind == .trafficSpike)
        #expect(verdict.rootCause?.entity == customer)
    }

    /// The bigger rise in front went to another downstream, whose own breakdown shows it: what is left of the
    /// caller's increase for `ingest` is the small tenant's.
    @Test func aRiseThatAnotherDownstreamExplainsIsTakenOffTheSplit() async throws {
        let (lake, store) = try world(tenantGrowth: 40, othersGrowth: 3, routedElsewhere: true)
        let verdict = await investigate(lake, store)
        #expect(verdict.rootCause?.kind == .trafficSpike)
        #expect(verdict.rootCause?.entity == customer)
    }

    @Test func aTenantGrowingLikeEveryoneElseIsNotNamed() async throws {
        let (lake, store) = try world(tenantGrowth: 1.3, othersGrowth: 1.3)
        let verdict = await investigate(lake, store)
        #expect(!verdict.hypotheses.contains { $0.entity == customer })
    }
}
