import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

extension InvestigationContext {
    /// The customers and orgs whose traffic reaches the incident's neighbourhood, when someone acted on one of them
    /// (a throttle) since the symptoms began: the breakdown values of the load signals of `refs` (orgs, or whatever
    /// kind the breakdown names), the customers they belong to, and the tenants the alerts name (`org`, `customer`).
    /// Empty, without reading any breakdown, when no action on a customer or org was taken in that time.
    static func tenantsActedOn(
        _ refs: Set<EntityRef>, facts: IncidentFacts, from: Date, lake: any LakeReader, metrics: any MetricSource
    ) async -> Set<EntityRef> {
        let everyTenant = Set(Self.tenantKinds.flatMap { lake.entities(ofKind: $0, asOf: nil).map(\.ref) })
        let acted = Set(lake.actions(on: everyTenant, from: from, to: facts.now).map(\.target))
        guard !acted.isEmpty else { return [] }
        var named: Set<EntityRef> = []
        for alert in facts.alerts {
            for kind in Self.tenantKinds {
                if let id = alert.labels[kind] { named.insert(EntityRef(kind: kind, id: id)) }
            }
        }
        for ref in refs.sorted(by: { $0.description < $1.description }) {
            for signal in lake.entity(ref, asOf: nil)?.signals ?? [] where signal.type == .load {
                guard let label = signal.breakdown,
                    let groups = try? await metrics.breakdown(of: signal, from: from, to: facts.now)
                else { continue }
                let kind = signal.breakdownKind ?? label
                for key in groups.keys { named.insert(EntityRef(kind: kind, id: key)) }
            }
        }
        for ref in named { named.formUnion(lake.related(ref, by: Relation.belongsTo, asOf: nil)) }
        return named.intersection(acted)
    }

    /// The entity kinds an action on which acts on a tenant's traffic.
    static let tenantKinds = ["customer", "org"]
}
