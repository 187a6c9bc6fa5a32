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

    /// Alerting entities where a tenant one of their alerts names (`org=org-acme`, by the breakdown's label) saw its
    /// own value in the breakdown of their load rise by the spike ratio or more: a symptom, though a large steady
    /// tenant keeps the total under the test (retries into a broken upstream).
    static func tenantLoadRose(
        facts: IncidentFacts, lake: any LakeReader, metrics: any MetricSource, playbook: Playbook
    ) async -> Set<EntityRef> {
        let analyzer = SignalAnalyzer(playbook: playbook)
        let from = facts.firstOnset.addingTimeInterval(-(analyzer.baselineSpan + analyzer.baselineGap))
        var rose: Set<EntityRef> = []
        for alert in facts.alerts {
            guard let ref = lake.entity(forAlert: alert, asOf: nil), facts.alerting.contains(ref), !rose.contains(ref)
            else { continue }
            for signal in lake.entity(ref, asOf: nil)?.signals ?? [] where signal.type == .load {
                guard let label = signal.breakdown, let tenant = alert.labels[label],
                    let groups = try? await metrics.breakdown(of: signal, from: from, to: facts.now),
                    let samples = groups[tenant],
                    let own = analyzer.assess(
                        samples.filter { $0.time <= facts.now }, signal: signal, entity: ref,
                        reference: facts.firstOnset),
                    own.isAnomalous, own.peak > own.baseline, own.ratio >= playbook.spikeRatio
                else { continue }
                rose.insert(ref)
            }
        }
        return rose
    }

    /// The entity kinds an action on which acts on a tenant's traffic.
    static let tenantKinds = ["customer", "org"]
}
