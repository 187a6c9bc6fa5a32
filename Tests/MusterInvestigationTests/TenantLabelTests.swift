import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// The customers of an incident from its alerts' labels: `org`, and the label the catalog declares as holding org
/// ids (a signal's `breakdown` with `breakdown_kind: org`), when the lake knows the org.
struct TenantLabelTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let auth = EntityRef(kind: "service", id: "auth")

    func customers(labels: [String: String]) async throws -> [EntityRef] {
        let lake = ContextLake.inMemory()
        let customer = EntityRef(kind: "customer", id: "acme")
        let logins: JSONValue = .array([signalItem("logins", .errors, breakdown: "tenant", breakdownKind: "org")])
        try lake.upsert(
            [
                Entity(ref: customer),
                Entity(ref: EntityRef(kind: "org", id: "acme-prod"), relations: ["belongsTo": [customer]]),
                Entity(ref: auth, properties: ["signals": logins]),
            ], at: t0.addingTimeInterval(-86_400))
        var allLabels = labels
        allLabels["service"] = "auth"
        let alert = Alert(
            source: .alertmanager, sourceID: "a", dedupKey: "a", status: .firing, title: "logins failing",
            severity: .critical, labels: allLabels, startedAt: t0, receivedAt: t0)
        let facts = IncidentFacts(id: IncidentID(1), now: t0, firstOnset: t0, alerting: [auth], alerts: [alert])
        return await Investigator(lake: lake, metrics: MetricStore()).investigate(facts).customers
    }

    @Test(arguments: [
        (["org": "acme-prod"], ["customer:acme"]), (["tenant": "acme-prod"], ["customer:acme"]),
        (["tenant": "unknown-org"], []), (["region": "acme-prod"], []),
    ])
    func tenantLabelsNameCustomers(labels: [String: String], expected: [String]) async throws {
        #expect(try await customers(labels: labels).map(\.description) == expected)
    }
}
