import Foundation
import MusterLake
import MusterModel

/// Links through a cause two failures share where neither shows it directly: a tenant both pages name, a silent
/// upstream that is the only place they can meet, a resource one writes and the other reads, a change that broke
/// its callers' contract (and the upstreams those callers rode out).
extension Correlator {
    /// Whether the arrival's entity is failing with nothing in sight to explain it: no recent change of its own,
    /// no saturation of its own exhausted (a full disk explains its errors), no upstream alerting, and every
    /// upstream's signals normal or absent.
    func isUnexplained(_ arrival: AlertArrival, entity: EntityRef, upstreams: [GraphHit]) -> Bool {
        guard arrival.trouble[entity]?.isAnomalous == true, arrival.exhausted == nil,
            !recentlyChanged(entity, now: arrival.alert.receivedAt)
        else { return false }
        return upstreams.allSatisfy { hit in
            guard !isAlerting(hit.ref) else { return false }
            switch arrival.trouble[hit.ref] {
            case .healthy, .unknown, nil: return true
            case .anomalous, .loadShift: return false
            }
        }
    }

    /// Words for an upstream without signals (`hit`, reached through hops without signals only) that is the only
    /// place left where the arrival's failure and `theirs.via`'s meet: both failing with nothing else in sight to
    /// explain it, turned bad within `silentMeetingWindow` of each other; nil otherwise.
    func silentMeeting(
        _ hit: GraphHit, theirs: (distance: Int, via: EntityRef), arrival: AlertArrival, context: ArrivalContext,
        incident: IncidentRecord
    ) -> String? {
        func isSilent(_ ref: EntityRef) -> Bool {
            switch arrival.trouble[ref] {
            case .unknown, nil: return true
            default: return false
            }
        }
        guard context.isUnexplained, incident.unexplained.contains(theirs.via), isSilent(hit.ref),
            hit.path.dropFirst().dropLast().allSatisfy(isSilent),
            let mine = arrival.onsets[context.entity], let their = incident.troubleOnsets[theirs.via],
            abs(mine.timeIntervalSince(their)) <= policy.silentMeetingWindow
        else { return nil }
        return "no signals to check, but the only place left where both failures meet: "
            + "\(context.entity) and \(theirs.via) turned bad \(Self.gapWords(abs(mine.timeIntervalSince(their)))) apart "
            + "with every other upstream normal and no change of their own"
    }

    /// Words for a resource `hit` that both sides use directly, where one side lags behind it (a reader) with
    /// nothing else in sight to explain it (no change of its own, no other upstream in trouble) while the other's
    /// own load moved (a writer whose traffic changed): what the writer sends is what the reader reads, so the two
    /// share a cause; nil otherwise.
    func writerFloodsReader(_ hit: GraphHit, arrival: AlertArrival, context: ArrivalContext, incident: IncidentRecord)
        -> String?
    {
        let entity = context.entity
        guard hit.distance == 1 else { return nil }
        func usesDirectly(_ ref: EntityRef) -> Bool {
            lake.dependencies(of: ref, depth: 1, asOf: nil).contains { $0.ref == hit.ref }
        }
        if arrival.symptoms.contains(.lag), context.isUnexplained,
            let writer = incident.loadMoved.sorted().first(where: { $0 != entity && usesDirectly($0) })
        {
            return "\(writer) uses it and its load moved, \(entity) uses it and lags behind: what a writer sends "
                + "is what a reader reads"
        }
        if arrival.isLoadShifted,
            let reader = incident.symptoms.keys.sorted().first(where: {
                $0 != entity && incident.symptoms[$0]?.contains(.lag) == true && incident.unexplained.contains($0)
                    && usesDirectly($0)
            })
        {
            return "\(entity) uses it and its load moved, \(reader) uses it and lags behind: what a writer sends "
                + "is what a reader reads"
        }
        return nil
    }

    /// Troubled upstreams of the arrival's entity whose trouble began more than `rideThrough` before the entity's,
    /// when the link runs through a change made no earlier than `rideThrough` before the entity turned bad: the
    /// entity stayed well through that trouble and broke right after the change, so it does not explain it. An
    /// upstream on which something new happened within a minute of the entity's onset (a health signal down, a 5x
    /// step) is not ridden out: the entity broke when it did (a slow cache that then went down).
    func ridden(context: ArrivalContext, arrival: AlertArrival, changedAt: Date?) -> Set<EntityRef> {
        guard let changedAt, let mine = arrival.onsets[context.entity],
            mine.timeIntervalSince(changedAt) <= policy.rideThrough
        else { return [] }
        return Set(
            context.troubled.filter { hit in
                guard let onset = arrival.onsets[hit.ref], onset < mine.addingTimeInterval(-policy.rideThrough) else {
                    return false
                }
                let severe = arrival.severeOnsets[hit.ref]
                return severe.map { abs($0.timeIntervalSince(mine)) > policy.causeLead / 2 } ?? true
            }
            .map(\.ref))
    }

    /// Whether the arrival's entity has an explanation of its own at its onset: a deploy or change of it within
    /// `rideThrough` before it turned bad (or in that minute), or an upstream of its own whose severe fault (a health
    /// signal down, a 5x step) began within a minute of it. A changed upstream that looks healthy does not tie it.
    func isExplainedAtOnset(_ arrival: AlertArrival, entity: EntityRef) -> Bool {
        guard let mine = arrival.onsets[entity] else { return false }
        let from = mine.addingTimeInterval(-policy.rideThrough)
        let to = mine.addingTimeInterval(policy.causeLead / 2)
        if !lake.deployments(on: [entity], from: from, to: to).isEmpty
            || !lake.changes(on: [entity], from: from, to: to).isEmpty
        {
            return true
        }
        return arrival.severeOnsets.values.contains { abs($0.timeIntervalSince(mine)) <= policy.causeLead / 2 }
    }

    /// Words for a deploy or change of `ref` (called directly by the arrival's entity and by `theirs.via`) made
    /// no later than a minute after both callers' trouble began, with both turned bad within
    /// `callersBreakWindow` after it, neither with an explanation of its own at its onset; nil otherwise.
    func changeBeforeCallers(
        _ ref: EntityRef, distance: Int, theirs: (distance: Int, via: EntityRef), arrival: AlertArrival,
        context: ArrivalContext, incident: IncidentRecord
    ) -> (words: String, at: Date)? {
        guard distance == 1, theirs.distance == 1, let mine = arrival.onsets[context.entity],
            let their = incident.troubleOnsets[theirs.via], !context.isExplainedAtOnset,
            !incident.explainedAtOnset.contains(theirs.via)
        else { return nil }
        let now = arrival.alert.receivedAt
        let from = now.addingTimeInterval(-policy.recentChange)
        let first = min(mine, their)
        let instants =
            lake.deployments(on: [ref], from: from, to: now).map(\.at)
            + lake.changes(on: [ref], from: from, to: now).map(\.at)
        guard let at = instants.filter({ $0 <= first.addingTimeInterval(60) }).max(),
            max(mine, their) <= at.addingTimeInterval(policy.callersBreakWindow)
        else { return nil }
        let words =
            "changed \(Self.gapWords(max(0, first.timeIntervalSince(at)))) before both callers turned bad; "
            + "its own signals are normal, but a change can break its callers (a new contract)"
        return (words, at)
    }

    /// How much a shared tenant label says: a tenant that did something (a load change on the alerting entity)
    /// can be the common cause; a label on an entity whose traffic is steady is only who felt it first (per-tenant
    /// SLO rules page for the biggest tenant whatever broke), so alone it does not join. Without signals to
    /// check, the label keeps its weight.
    /// The same holds on the incident's side: when every entity there that alerted for the tenant had its signals
    /// checked and its load steady, the label there only names who felt another cause (a deploy felt by the
    /// biggest tenant first), and the tenant's traffic moving on the arriving entity does not tie them.
    func tenantWeight(_ arrival: AlertArrival, entity: EntityRef, tenant: String, incident: IncidentRecord) -> (
        score: Double, words: String
    ) {
        switch arrival.trouble[entity] {
        case .unknown, nil: return (0.5, "")
        case _ where arrival.isLoadShifted || arrival.tenantLoadMoved.contains(tenant):
            let theirs = Set(
                incident.alertKeys.compactMap { alerts[$0] }.filter { Self.tenants(of: $0.alert).contains(tenant) }
                    .compactMap(\.entity)
            ).subtracting([entity])
            let steady = theirs.filter { incident.loadChecked.contains($0) && !incident.loadMoved.contains($0) }
            if !theirs.isEmpty, steady.count == theirs.count {
                let names = steady.sorted().map(\.description).joined(separator: ", ")
                return (
                    0.2,
                    "; \(entity)'s load moved, but \(names)'s load is steady there: the label only names who felt it"
                )
            }
            if !arrival.isLoadShifted {
                return (
                    0.5,
                    "; \(tenant)'s own load on \(entity) moved, though its total did not (a large steady tenant "
                        + "dilutes it)"
                )
            }
            return (0.5, "; \(entity)'s load moved")
        default: return (0.2, "; but \(entity)'s load is steady")
        }
    }

    /// A tenant label (`org`, `customer`, `tenant`, `account`) with the same value on the alert and the incident.
    func sharedTenant(_ alert: Alert, _ incident: IncidentRecord) -> String? {
        Self.tenants(of: alert).first { index.byTenant[$0]?.contains(incident.id) == true }
    }
}
