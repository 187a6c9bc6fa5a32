import Foundation
import MusterLake
import MusterModel

/// The evidence that ties an alert to an incident, already weighted.
struct Link {
    var score: Double
    var reason: String
    /// The upstream the link runs through (an alerting upstream, a shared cause), if any.
    var via: EntityRef?
    /// When the cause the link runs through was deployed or changed (a broken contract), if that is the link.
    var changedAt: Date?
}

extension Correlator {
    /// Weight of an upstream as a shared cause: the trouble it shows, dampened when it is a hub.
    func causeWeight(
        of ref: EntityRef, trouble: Trouble?, alerting: Bool, recentlyChanged: Bool, fanIn: (count: Int, share: Double),
        isBusier: Bool = false
    )
        -> (weight: Double, words: String)
    {
        var weight: Double
        var words: String
        let isHealthy = trouble == .healthy
        switch trouble {
        case .anomalous(let reason) where isBusier && !alerting:
            // A mild saturation while what its users feel is normal fails nobody: no more a shared cause than health.
            weight = 0.15
            words = "\(reason), mild, with what its users feel normal: busier, not failing"
        case .anomalous(let reason):
            weight = 1.0
            words = reason
        case _ where alerting && !isHealthy:
            weight = 0.9
            words = "alerting"
        case _ where recentlyChanged && !isHealthy:
            weight = 0.6
            words = "recently deployed or changed"
        case .loadShift(let reason):
            weight = 0.6
            words = reason
        case .healthy:
            // An alert on an entity whose own signals are normal is a weak sign of a shared cause.
            weight = alerting ? 0.25 : 0.15
            words = alerting ? "alerting, but its signals are normal" : "its signals are normal"
        case .unknown, nil:
            weight = 0.4
            words = "no signals to check"
        }
        if fanIn.share >= policy.hubShare && fanIn.count >= policy.hubMinimum && weight < 0.9 {
            weight *= 0.4
            words += "; a hub (\(fanIn.count) dependents, \(Int((fanIn.share * 100).rounded()))% of the catalog)"
        }
        return (weight, words)
    }

    static func decay(_ distance: Int) -> Double { 1 / (1 + 0.35 * Double(max(0, distance - 1))) }

    static func hops(_ distance: Int) -> String { distance == 1 ? "1 hop" : "\(distance) hops" }

    /// The hops of `hit` as walked (its path), which may be more than its distance for scoring: an upstream
    /// reached along a failing chain past the depth is scored at the depth.
    static func hops(_ hit: GraphHit) -> String { hops(hit.path.count > 1 ? hit.path.count - 1 : hit.distance) }

    func timeFactor(gap: TimeInterval, sameEntity: Bool) -> Double {
        let close = sameEntity ? policy.reopenWindow : policy.closeOnset
        if gap <= close { return 1 }
        if gap >= policy.farOnset { return 0 }
        return 1 - (gap - close) / (policy.farOnset - close)
    }

    /// Everything about an arrival that does not depend on the incident it is compared with.
    mutating func prepare(_ arrival: AlertArrival, entity: EntityRef) -> ArrivalContext {
        let now = arrival.alert.receivedAt
        let upstreams = self.upstreams(of: entity, arrival)
        var causes: [EntityRef: (weight: Double, words: String)] = [:]
        var quietHubs: Set<EntityRef> = []
        var troubled: [(ref: EntityRef, distance: Int)] = []
        for hit in upstreams {
            let alerting = isAlerting(hit.ref)
            let fanIn = cachedFanIn(hit.ref)
            let cause = causeWeight(
                of: hit.ref, trouble: arrival.trouble[hit.ref], alerting: alerting,
                recentlyChanged: recentlyChanged(hit.ref, now: now), fanIn: fanIn,
                isBusier: arrival.busier.contains(hit.ref))
            causes[hit.ref] = cause
            if fanIn.share >= policy.hubShare && fanIn.count >= policy.hubMinimum && cause.weight < 0.5 {
                quietHubs.insert(hit.ref)
            }
            if arrival.trouble[hit.ref]?.isAnomalous == true || alerting { troubled.append((hit.ref, hit.distance)) }
        }
        // A troubled upstream with a recent change of its own has its own explanation: it is no silent hop.
        var beneath: [EntityRef: Set<EntityRef>] = [:]
        for hit in troubled where !recentlyChanged(hit.ref, now: now) {
            beneath[hit.ref] = Set(self.upstreams(of: hit.ref).map(\.ref))
        }
        return ArrivalContext(
            entity: entity, upstreams: upstreams, causes: causes, quietHubs: quietHubs, troubled: troubled,
            upstreamsOfTroubled: beneath,
            isUnexplained: isUnexplained(arrival, entity: entity, upstreams: upstreams),
            isExplainedAtOnset: isExplainedAtOnset(arrival, entity: entity))
    }

    /// Whether `ref` is a hub by the cached fan-in (nil when not computed).
    func cachedHub(_ ref: EntityRef) -> Bool? {
        fanInCache[ref].map { $0.share >= policy.hubShare && $0.count >= policy.hubMinimum }
    }

    func isAlerting(_ ref: EntityRef) -> Bool {
        (index.byEntity[ref] ?? []).contains { incidents[$0]?.isOpen == true }
    }

    mutating func cachedFanIn(_ ref: EntityRef) -> (count: Int, share: Double) {
        if let cached = fanInCache[ref] { return cached }
        let total = catalogSizeCache ?? catalogSize()
        catalogSizeCache = total
        let value = fanIn(ref, catalogSize: total)
        fanInCache[ref] = value
        return value
    }

    /// The strongest evidence that the arrival shares a cause with `incident`, or nil if none.
    func link(_ arrival: AlertArrival, context: ArrivalContext, to incident: IncidentRecord) -> Link? {
        let entity = context.entity
        let start = arrival.alert.startedAt
        let reach = max(policy.farOnset, policy.reopenWindow)
        let ongoing = ongoingCauses(arrival, context: context, incident: incident)
        if ongoing.isEmpty
            && (start < incident.firstOnset.addingTimeInterval(-reach)
                || start > incident.lastOnset.addingTimeInterval(reach))
        {
            return nil
        }
        var candidates: [Link] = []

        if incident.entities.contains(entity) {
            candidates.append(Link(score: 1, reason: "same entity \(entity)"))
        }
        // An alerting entity whose own signals are normal (a flapping check) hardly explains others; nor does
        // one that only posted a notice (severity info) and whose signals show nothing.
        // An entity's own failure alert is trouble though its signals are normal, for a direct caller that turned
        // bad with it (``ownFailureAlert``).
        func credibility(_ ref: EntityRef, caller: EntityRef? = nil) -> (factor: Double, words: String) {
            if arrival.trouble[ref] == .healthy, let caller,
                turnedBad(caller, withOwnFailureOf: ref, arrival: arrival, entity: entity)
            {
                return (
                    1, "; \(ref)'s signals are normal, but it alerts its own failure and \(caller) turned bad with it"
                )
            }
            if arrival.trouble[ref] == .healthy { return (0.3, "; \(ref)'s signals are normal") }
            let isNotice = ref == entity ? arrival.alert.severity == .info : incident.noticeOnly.contains(ref)
            if isNotice, arrival.trouble[ref]?.isAnomalous != true {
                return (0.3, "; \(ref) only posted a notice (severity info)")
            }
            return (1, "")
        }
        // A cause cannot start after its effect: trouble that began well before the upstream's did not come
        // from it (a caller of two failing services sides with the one whose failure it followed).
        func order(cause: EntityRef, causeOnset: Date?, effect: EntityRef, effectOnset: Date?) -> (
            factor: Double, words: String
        ) {
            guard let causeOnset, let effectOnset, effectOnset < causeOnset.addingTimeInterval(-policy.causeLead) else {
                return (1, "")
            }
            let lead = DurationText.format(causeOnset.timeIntervalSince(effectOnset))
            return (0.3, "; but \(effect)'s trouble began \(lead) before \(cause)'s")
        }
        // A caller that rode out a cause's failure for minutes and broke right after another upstream of its own
        // turned bad sides with that one (a service with two failing dependencies, years apart in time).
        func sidesWithLater(than cause: EntityRef, causeOnset: Date?) -> (factor: Double, words: String) {
            guard let effectOnset = arrival.onsets[entity], let causeOnset,
                effectOnset.timeIntervalSince(causeOnset) > policy.rideThrough
            else { return (1, "") }
            let later = context.upstreams.first { hit in
                guard hit.ref != cause, !incident.entities.contains(hit.ref),
                    arrival.trouble[hit.ref]?.isAnomalous == true, let onset = arrival.onsets[hit.ref],
                    onset <= effectOnset.addingTimeInterval(policy.causeLead / 2),
                    onset >= effectOnset.addingTimeInterval(-policy.rideThrough)
                else { return false }
                // Not a link of the same chain: neither depends on the other.
                let below = lake.dependencies(of: hit.ref, depth: policy.upstreamDepth, asOf: nil)
                let above = lake.dependencies(of: cause, depth: policy.upstreamDepth, asOf: nil)
                return !below.contains { $0.ref == cause } && !above.contains { $0.ref == hit.ref }
            }
            guard let later, let laterOnset = arrival.onsets[later.ref] else { return (1, "") }
            return (
                0.3,
                "; but \(entity) turned bad \(Self.gapWords(effectOnset.timeIntervalSince(causeOnset))) after \(cause)'s "
                    + "trouble and \(Self.gapWords(effectOnset.timeIntervalSince(laterOnset))) after \(later.ref)'s"
            )
        }
        for hit in context.upstreams where incident.entities.contains(hit.ref) {
            var credible = credibility(hit.ref, caller: entity)
            let sided = sidesWithLater(than: hit.ref, causeOnset: incident.troubleOnsets[hit.ref])
            credible.factor *= sided.factor
            credible.words += sided.words
            let ordered = order(
                cause: hit.ref, causeOnset: incident.troubleOnsets[hit.ref], effect: entity,
                effectOnset: arrival.onsets[entity])
            credible.factor *= ordered.factor
            credible.words += ordered.words
            candidates.append(
                Link(
                    score: Self.decay(hit.distance) * credible.factor,
                    reason: "\(entity) depends on alerting \(hit.ref) (\(Self.hops(hit)))\(credible.words)",
                    via: hit.ref))
        }
        // The arrival alerts its own failure, and a direct caller in the incident turned bad with it.
        var isOwnFailure = false
        if let anyPath = incident.upstreams[entity] {
            // Both ends must be credible: this entity in trouble, and the alerting one below it too.
            let below = incident.credibleUpstreams[entity] ?? anyPath
            var credible = credibility(entity, caller: below.via)
            isOwnFailure = arrival.trouble[entity] == .healthy && credible.factor == 1
            if incident.credibleUpstreams[entity] == nil {
                credible.factor *= 0.3
                credible.words += "; but \(below.via)'s own signals were normal when it alerted"
            }
            let ordered = order(
                cause: entity, causeOnset: arrival.onsets[entity], effect: below.via,
                effectOnset: incident.troubleOnsets[below.via])
            credible.factor *= ordered.factor
            credible.words += ordered.words
            candidates.append(
                Link(
                    score: Self.decay(below.distance) * credible.factor,
                    reason: "alerting \(below.via) depends on \(entity) (\(Self.hops(below.distance)))\(credible.words)"
                ))
        }
        var sharedCauses: Set<EntityRef> = []
        for hit in context.upstreams {
            guard let anyPath = incident.upstreams[hit.ref], var cause = context.causes[hit.ref] else { continue }
            var changedAt: Date?
            sharedCauses.insert(hit.ref)
            let theirs = incident.credibleUpstreams[hit.ref] ?? anyPath
            if arrival.trouble[hit.ref] == .healthy,
                let broke = changeBeforeCallers(
                    hit.ref, distance: hit.distance, theirs: theirs, arrival: arrival, context: context,
                    incident: incident)
            {
                // Normal signals do not clear a change whose callers broke right after it: a new contract.
                let fanIn = fanInCache[hit.ref] ?? self.fanIn(hit.ref)
                let isHub = fanIn.share >= policy.hubShare && fanIn.count >= policy.hubMinimum
                cause = (isHub ? 0.24 : 0.6, broke.words + (isHub ? "; a hub" : ""))
                changedAt = broke.at
            } else if arrival.trouble[hit.ref] == .healthy, hit.distance == 1, theirs.distance == 1,
                turnedBad(entity, withOwnFailureOf: hit.ref, arrival: arrival, entity: entity),
                turnedBad(theirs.via, withOwnFailureOf: hit.ref, arrival: arrival, entity: entity)
            {
                cause = (0.9, "its signals are normal, but it alerts its own failure and both turned bad with it")
            } else if cause.weight < 0.6, cachedHub(hit.ref) != true,
                let flood = writerFloodsReader(hit, arrival: arrival, context: context, incident: incident)
            {
                cause = (0.6, flood)
            } else if cachedHub(hit.ref) != true,
                let meeting = silentMeeting(
                    hit, theirs: theirs, arrival: arrival, context: context, incident: incident)
            {
                cause = (0.7, meeting)
            } else if (arrival.trouble[hit.ref] ?? .unknown) == .unknown, !isAlerting(hit.ref),
                context.isExplainedAtOnset, incident.explainedAtOnset.contains(theirs.via)
            {
                // Nothing seen on it, and each side has a cause of its own at its onset: the meeting point is a guess
                // both explanations make unnecessary (a writer's deploy, a reader's failing database).
                cause = (0.15, "\(cause.words), and both have an explanation of their own at their onset")
            }
            var score = cause.weight * Self.decay(hit.distance) * Self.decay(theirs.distance)
            var words = "shares \(hit.ref) (\(Self.hops(hit))) with \(theirs.via); \(hit.ref): \(cause.words)"
            if incident.credibleUpstreams[hit.ref] == nil {
                score *= 0.3
                words += "; but \(theirs.via)'s own signals were normal when it alerted"
            }
            let ordered = order(
                cause: hit.ref, causeOnset: arrival.onsets[hit.ref], effect: entity, effectOnset: arrival.onsets[entity]
            )
            let sided = sidesWithLater(than: hit.ref, causeOnset: arrival.onsets[hit.ref])
            score *= ordered.factor * sided.factor
            words += ordered.words + sided.words
            candidates.append(Link(score: score, reason: words, via: hit.ref, changedAt: changedAt))
        }
        if let org = sharedTenant(arrival.alert, incident) {
            let weight = tenantWeight(arrival, entity: entity, tenant: org, incident: incident)
            candidates.append(Link(score: weight.score, reason: "same tenant label \(org)\(weight.words)"))
        }
        guard var best = candidates.max(by: { $0.score < $1.score }) else { return nil }

        // How far apart in time: alert starts, or, when the signals say, when the trouble itself began (an alert
        // with a long `for:` fires late on trouble that started with the others').
        var gap = incident.onsets.map { abs($0.timeIntervalSince(arrival.alert.startedAt)) }.min() ?? 0
        if let mine = arrival.onsets[entity],
            let closest = incident.troubleOnsets.values.map({ abs($0.timeIntervalSince(mine)) }).min()
        {
            gap = min(gap, closest)
        }
        let sameEntity = best.reason.hasPrefix("same entity")
        best.score *= timeFactor(gap: gap, sameEntity: sameEntity)
        // Through a cause still in trouble at arrival, time runs from that trouble, not from the first alerts: a
        // late member (a batch job's first run) fails on the same cause that is still failing.
        for candidate in candidates {
            guard let via = candidate.via, let causeGap = ongoing[via], causeGap < gap else { continue }
            let score = candidate.score * timeFactor(gap: causeGap, sameEntity: false)
            guard score > best.score else { continue }
            best = candidate
            best.score = score
            best.reason += "; \(via) is still in trouble, which began \(Self.gapWords(causeGap)) from the incident's"
            gap = causeGap
        }
        if !arrival.symptoms.isEmpty && best.score < 1 {
            let theirs = incident.symptoms.values.reduce(into: Set<SignalType>()) { $0.formUnion($1) }
            if let common = arrival.symptoms.intersection(theirs).sorted(by: { $0.rawValue < $1.rawValue }).first {
                best.score = min(1, best.score + 0.15)
                best.reason += "; same symptom (\(common.rawValue))"
            }
        }
        if case .healthy = arrival.trouble[entity], !sameEntity, !isOwnFailure {
            // A tenant on the alert whose own breakdown value rose by the load ratio moved (retries into a broken
            // upstream), even when a large steady tenant keeps the total normal: that is a symptom.
            if let tenant = arrival.tenantLoadMoved.sorted().first {
                best.reason += "; \(entity)'s totals are normal, but \(tenant)'s own traffic there rose"
            } else {
                best.score *= 0.4
                best.reason += "; \(entity)'s own signals are normal"
            }
        }
        // An alert explained by a troubled upstream the incident does not share belongs elsewhere, unless that
        // upstream is itself a silent hop between the alert and a cause the incident shares.
        if !sameEntity {
            let rodeOut = ridden(context: context, arrival: arrival, changedAt: best.changedAt)
            let alternative =
                context.troubled.filter {
                    !sharedCauses.contains($0.ref) && !incident.entities.contains($0.ref)
                        && !isHop($0.ref, towards: sharedCauses, arrival: arrival, context: context)
                        && !rodeOut.contains($0.ref)
                }
                .map { Self.decay($0.distance) }.max() ?? 0
            if alternative >= best.score + 0.25 { return nil }
            // Trouble over before the entity broke was another episode: there was nothing left to ride out.
            let over = rodeOut.filter { ref in
                arrival.recovered[ref].map { $0 <= arrival.onsets[entity] ?? arrival.alert.startedAt } ?? false
            }
            if !rodeOut.subtracting(over).isEmpty {
                let names = rodeOut.subtracting(over).sorted().map(\.description).joined(separator: ", ")
                best.reason +=
                    "; \(entity) rode out \(names)'s trouble for over \(DurationText.format(policy.rideThrough)) "
                    + "and broke right after the change: not its explanation"
            }
            for ref in over.sorted() {
                best.reason +=
                    "; \(ref)'s trouble was over at \(Timestamp.clockTime(arrival.recovered[ref]!)), before \(entity) "
                    + "broke: another episode, not its explanation"
            }
        }
        best.reason += "; onset \(Self.gapWords(gap)) apart"
        return best
    }

    /// Whether the troubled upstream `ref`, unchanged of late, depends on one of `causes` (within the depth) and
    /// turned bad no earlier than it (by more than `causeLead`), both onsets known: then its trouble is the
    /// cause's, passed on, not a cause of its own.
    func isHop(_ ref: EntityRef, towards causes: Set<EntityRef>, arrival: AlertArrival, context: ArrivalContext)
        -> Bool
    {
        guard let beneath = context.upstreamsOfTroubled[ref] else { return false }
        return causes.contains { cause in
            guard beneath.contains(cause) else { return false }
            // Without both onsets (a cause with no signals) nothing shows the trouble was passed on.
            guard let mine = arrival.onsets[ref], let theirs = arrival.onsets[cause] else { return false }
            return mine >= theirs.addingTimeInterval(-policy.causeLead)
        }
    }

    /// Upstreams of the arrival that the incident shares (alerting in it, or upstream of it) and whose fault is
    /// still going at arrival, with the gap between the start of that trouble and the incident's nearest onset.
    func ongoingCauses(_ arrival: AlertArrival, context: ArrivalContext, incident: IncidentRecord) -> [EntityRef:
        TimeInterval]
    {
        var causes: [EntityRef: TimeInterval] = [:]
        for hit in context.upstreams where arrival.ongoing.contains(hit.ref) {
            guard incident.entities.contains(hit.ref) || incident.upstreams[hit.ref] != nil,
                let began = arrival.onsets[hit.ref]
            else { continue }
            let onsets = incident.onsets + Array(incident.troubleOnsets.values)
            guard let closest = onsets.map({ abs($0.timeIntervalSince(began)) }).min() else { continue }
            causes[hit.ref] = closest
        }
        return causes
    }

    static func gapWords(_ gap: TimeInterval) -> String {
        gap < 120 ? "\(Int(gap.rounded())) s" : DurationText.format(gap)
    }

    func recentlyChanged(_ ref: EntityRef, now: Date) -> Bool {
        let from = now.addingTimeInterval(-policy.recentChange)
        return !lake.deployments(on: [ref], from: from, to: now).isEmpty
            || !lake.changes(on: [ref], from: from, to: now).isEmpty
    }

    /// How many services and resources depend on `ref` (transitively), and their share of the catalog.
    func fanIn(_ ref: EntityRef, catalogSize: Int? = nil) -> (count: Int, share: Double) {
        let total = max(1, catalogSize ?? catalogSizeCache ?? self.catalogSize())
        let count = lake.dependents(of: ref, depth: nil, asOf: nil).count
        return (count, Double(count) / Double(total))
    }

    /// How many services and resources the catalog holds.
    func catalogSize() -> Int { lake.count(ofKind: "service") + lake.count(ofKind: "resource") }
}

/// Per-arrival facts shared by every incident it is compared with.
struct ArrivalContext {
    var entity: EntityRef
    var upstreams: [GraphHit]
    /// Weight of each upstream as a cause, with the words that explain it.
    var causes: [EntityRef: (weight: Double, words: String)]
    /// Hubs showing no trouble: they cannot carry a join.
    var quietHubs: Set<EntityRef>
    /// Upstreams that are anomalous or alerting, with their distance.
    var troubled: [(ref: EntityRef, distance: Int)]
    /// The direct dependencies of each troubled upstream without a recent change (to tell a hop from a cause).
    var upstreamsOfTroubled: [EntityRef: Set<EntityRef>] = [:]
    /// The entity is failing with nothing in sight to explain it (`Correlator.isUnexplained`).
    var isUnexplained = false
    /// The entity has an explanation of its own at its onset (`Correlator.isExplainedAtOnset`).
    var isExplainedAtOnset = false

    func isQuietHub(_ ref: EntityRef) -> Bool { quietHubs.contains(ref) }
}
