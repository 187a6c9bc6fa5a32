public import Foundation
public import MusterLake
public import MusterModel

/// Groups alerts into incidents, one per cause, and records why each alert joined.
///
/// Pure and incremental: the pipeline feeds it one `AlertArrival` at a time on its own clock and
/// owns the value; nothing here reads a clock, a metric store or the network. Evidence for a join is
/// the catalog (same entity, one alerting entity depending on another, a shared upstream weighted by
/// distance and by the trouble it shows, shared orgs) scaled by how close the onsets are. Hubs that a
/// large share of the catalog depends on count only when they show trouble.
public struct Correlator: Sendable {
    public private(set) var incidents: [IncidentID: IncidentRecord] = [:]
    public private(set) var alerts: [String: TrackedAlert] = [:]
    public let policy: CorrelationPolicy
    let lake: any LakeReader
    private var nextNumber = 1
    /// Secondary dedup keys (PagerDuty incident id) to the primary key.
    private var aliases: [String: String] = [:]
    /// The current occurrence of an alert that fired again long after its incident resolved (dedup key ->
    /// the key its new occurrence is tracked under).
    private var occurrences: [String: String] = [:]
    var index = CorrelationIndex()
    /// Catalog facts that do not change between catalog upserts.
    var fanInCache: [EntityRef: (count: Int, share: Double)] = [:]
    var upstreamCache: [EntityRef: [GraphHit]] = [:]
    /// How many services and resources the catalog holds (the denominator of a fan-in share).
    var catalogSizeCache: Int?
    private var lastEviction = Date.distantPast
    /// The playbook's reminder patterns, compiled once (compiling them per alert was half of a storm's time).
    let reminders: ReminderMatcher

    public init(lake: any LakeReader, policy: CorrelationPolicy = CorrelationPolicy()) {
        self.lake = lake
        self.policy = policy
        self.reminders = ReminderMatcher(patterns: policy.reminderPatterns)
    }

    /// Open incidents and resolved ones, in order of opening; merged ones are folded into their target.
    public var visibleIncidents: [IncidentRecord] {
        incidents.values.filter { $0.status != .merged }.sorted { $0.id < $1.id }
    }

    /// The alerts of an incident, in order of arrival.
    public func alerts(of incident: IncidentID) -> [TrackedAlert] {
        incidents[incident]?.alertKeys.compactMap { alerts[$0] } ?? []
    }

    /// Forgets cached catalog facts (fan-in of hubs) after the catalog changed.
    public mutating func catalogChanged() {
        fanInCache = [:]
        upstreamCache = [:]
        catalogSizeCache = nil
    }

    /// Upstreams of an entity to the policy's depth, cached until the catalog changes.
    mutating func upstreams(of entity: EntityRef) -> [GraphHit] {
        if let cached = upstreamCache[entity] { return cached }
        let hits = lake.dependencies(of: entity, depth: policy.upstreamDepth, asOf: nil)
        upstreamCache[entity] = hits
        return hits
    }

    /// The upstreams of an arrival's entity: those within the depth, and the probe's deeper ones along a chain of
    /// failing upstreams, counted at the depth (the hops between fail visibly: they are no uncertain ground).
    mutating func upstreams(of entity: EntityRef, _ arrival: AlertArrival) -> [GraphHit] {
        let near = upstreams(of: entity)
        guard !arrival.deeper.isEmpty else { return near }
        let known = Set(near.map(\.ref))
        return near
            + arrival.deeper.filter { !known.contains($0.ref) }.map {
                GraphHit(ref: $0.ref, distance: min($0.distance, policy.upstreamDepth), path: $0.path)
            }
    }

    /// Takes a repeat of an alert already tracked and mapped to an entity (Alertmanager re-sends every firing
    /// alert each group interval, so most deliveries are these): the decision `ingest` reaches, and the entity,
    /// without the catalog lookup and trouble probe its arrival would need. Nil when the alert needs them: it is
    /// new, was unmapped, or fires again after it resolved.
    public mutating func ingestRepeat(_ alert: Alert, eventID: String) -> (
        decision: CorrelationDecision, entity: EntityRef
    )? {
        guard let key = knownKey(for: alert), let tracked = alerts[key], let entity = tracked.entity,
            !(alert.status == .firing && tracked.alert.status == .resolved)
        else { return nil }
        // Neither a remap (it is mapped) nor a new occurrence (it did not resolve): `ingest` updates it.
        return (ingest(AlertArrival(alert: alert, entity: entity, eventID: eventID)), entity)
    }

    /// Attributes a retried delivery of `alert` (a webhook sent again under the same delivery id) to the alert
    /// already tracked and its incident without correlating it again: the event is the incident's, though it
    /// changes nothing. Answers the incident, or nil when the first copy left nothing tracked.
    @discardableResult
    public mutating func attributeRetry(of alert: Alert, eventID: String) -> IncidentID? {
        guard let key = knownKey(for: alert), var tracked = alerts[key] else { return nil }
        var incident = tracked.incident
        while let target = incidents[incident]?.mergedInto { incident = target }
        tracked.events.append(eventID)
        alerts[key] = tracked
        incidents[incident]?.events.append(eventID)
        return incident
    }

    /// Takes one alert delivery and says what became of it.
    public mutating func ingest(_ arrival: AlertArrival) -> CorrelationDecision {
        let now = arrival.alert.receivedAt
        defer { if arrival.alert.status == .resolved { resolveMerged(into: arrival.alert, now: now) } }
        if let forget = policy.forgetResolvedAfter, now.timeIntervalSince(lastEviction) >= 60 {
            lastEviction = now
            evictResolved(before: now.addingTimeInterval(-forget))
        }
        // Taken out of the table while it changes, so appending to its events does not copy them (an alert
        // Alertmanager re-sends every few minutes collects thousands).
        var key = arrival.alert.dedupKey
        var unmapped: IncidentID?
        if let known = existingKey(for: arrival) {
            if let tracked = alerts[known], let from = remapped(tracked, by: arrival) {
                // First seen before the catalog knew its entity, it maps now: correlated afresh under a key of
                // its own, and the incident it opened unmapped follows it. The old copy is superseded.
                key = "\(arrival.alert.dedupKey)@\(Int(now.timeIntervalSince1970))"
                occurrences[arrival.alert.dedupKey] = key
                aliases[aliasKey(arrival.alert)] = key
                alerts[known]?.alert.status = .resolved
                unmapped = from
            } else if let tracked = alerts[known], isNewOccurrence(of: tracked, arrival: arrival, now: now) {
                // Fired again after its incident resolved and the reopen window passed (or on trouble that began
                // after it resolved): a new occurrence, correlated afresh (it may have another cause), tracked
                // under a key of its own.
                key = "\(arrival.alert.dedupKey)@\(Int(now.timeIntervalSince1970))"
                occurrences[arrival.alert.dedupKey] = key
                aliases[aliasKey(arrival.alert)] = key
            } else if var tracked = alerts.removeValue(forKey: known) {
                return update(&tracked, with: arrival, now: now)
            }
        }
        var best: (id: IncidentID, link: Link)?
        var bridged: [(IncidentID, Link)] = []
        let reminder = reminderPattern(of: arrival.alert)
        if let entity = arrival.entity, reminder == nil {
            let context = prepare(arrival, entity: entity)
            for id in candidates(for: arrival, context: context) {
                guard let incident = incidents[id], isCandidate(incident, now: now),
                    !beganAfterResolution(arrival, entity: entity, incident: incident),
                    let link = link(arrival, context: context, to: incident)
                else { continue }
                if link.score >= policy.joinThreshold {
                    bridged.append((incident.id, link))
                    if best == nil || link.score > best!.link.score
                        || (link.score == best!.link.score && incident.id < best!.id)
                    {
                        best = (incident.id, link)
                    }
                }
            }
        }
        guard let best else {
            let id = open(arrival, key: key, now: now)
            let moved = follow(unmapped, into: id, at: now, by: arrival)
            let reason = reminder.map { "opened: a reminder (it matches '\($0)'), not a failure: kept on its own" }
            return CorrelationDecision(
                outcome: .opened, incident: id, merged: moved, reasons: [reason ?? openingReason(arrival)])
        }
        var outcome = CorrelationDecision.Outcome.joined
        if incidents[best.id]?.status == .resolved {
            incidents[best.id]?.status = .open
            incidents[best.id]?.resolvedAt = nil
            incidents[best.id]?.log.append((now, "reopened by \(arrival.eventID): \(best.link.reason)"))
            outcome = .reopened
        }
        let reason = "joined \(best.id): \(best.link.reason)"
        attach(arrival, key: key, to: best.id, reasons: [reason])
        var merged: [IncidentID] = []
        for (other, link) in bridged where other != best.id && incidents[other]?.isOpen == true {
            merge(other, into: best.id, at: now, reason: "merged into \(best.id) by \(arrival.eventID): \(link.reason)")
            merged.append(other)
        }
        merged += follow(unmapped, into: best.id, at: now, by: arrival)
        return CorrelationDecision(outcome: outcome, incident: best.id, merged: merged, reasons: [reason])
    }

    /// The open incident `tracked` opened while no entity matched it, when `arrival` (the same alert) maps now
    /// and every alert of that incident is unmapped.
    private func remapped(_ tracked: TrackedAlert, by arrival: AlertArrival) -> IncidentID? {
        guard tracked.entity == nil, arrival.entity != nil, let incident = incidents[tracked.incident], incident.isOpen,
            incident.alertKeys.allSatisfy({ alerts[$0]?.entity == nil })
        else { return nil }
        return incident.id
    }

    /// Merges the unmapped incident an alert left into the one it went to; the merged ids.
    private mutating func follow(
        _ unmapped: IncidentID?, into target: IncidentID, at now: Date, by arrival: AlertArrival
    )
        -> [IncidentID]
    {
        guard let unmapped, unmapped != target, incidents[unmapped]?.isOpen == true else { return [] }
        merge(
            unmapped, into: target, at: now, reason: "merged into \(target): \(arrival.eventID) maps to an entity now")
        return [unmapped]
    }

    /// Folds open incident `source` into open incident `target` on evidence found outside correlation (both
    /// investigations named the same source); false when either is not open.
    @discardableResult
    public mutating func merge(_ source: IncidentID, into target: IncidentID, at now: Date, because reason: String)
        -> Bool
    {
        guard source != target, incidents[source]?.isOpen == true, incidents[target]?.isOpen == true else {
            return false
        }
        merge(source, into: target, at: now, reason: "merged into \(target): \(reason)")
        return true
    }

    // MARK: - Dedup and lifecycle

    private func existingKey(for arrival: AlertArrival) -> String? {
        let alert = arrival.alert
        if let key = knownKey(for: alert) { return key }
        // The same alert through another source: same entity, its name in the other's title.
        guard let entity = arrival.entity else { return nil }
        for trackedKey in index.alertKeysByEntity[entity] ?? [] {
            guard let tracked = alerts[trackedKey], tracked.alert.source != alert.source,
                tracked.alert.status != .resolved
                    && abs(tracked.alert.startedAt.timeIntervalSince(alert.startedAt)) <= policy.crossSourceWindow
            else { continue }
            let names = [tracked.alert.name, alert.name]
            if alert.title.contains(names[0]) || tracked.alert.title.contains(names[1]) { return tracked.key }
        }
        return nil
    }

    /// The key `alert` is tracked under by its own identity: its latest occurrence, its dedup key, or its id at
    /// its source.
    private func knownKey(for alert: Alert) -> String? {
        if let current = occurrences[alert.dedupKey], alerts[current] != nil { return current }
        if alerts[alert.dedupKey] != nil { return alert.dedupKey }
        return aliases[aliasKey(alert)]
    }

    func aliasKey(_ alert: Alert) -> String { "\(alert.source.rawValue):\(alert.sourceID)" }

    private mutating func update(_ tracked: inout TrackedAlert, with arrival: AlertArrival, now: Date)
        -> CorrelationDecision
    {
        let wasResolved = tracked.alert.status == .resolved
        var incomingAlert = arrival.alert
        if incomingAlert.source != tracked.alert.source && incomingAlert.status == .firing {
            incomingAlert.status = tracked.alert.status == .resolved ? .firing : tracked.alert.status
        }
        var incident = tracked.incident
        while let target = incidents[incident]?.mergedInto { incident = target }
        tracked.incident = incident
        tracked.alert = incomingAlert
        tracked.alert.startedAt = min(tracked.alert.startedAt, arrival.alert.startedAt)
        tracked.events.append(arrival.eventID)
        alerts[tracked.key] = tracked
        aliases[aliasKey(arrival.alert)] = tracked.key
        incidents[incident]?.events.append(arrival.eventID)
        var outcome = CorrelationDecision.Outcome.updated
        var reason = "updated \(tracked.key): \(arrival.alert.status.rawValue) from \(arrival.alert.source.rawValue)"
        if arrival.alert.status == .firing, wasResolved, incidents[incident]?.status == .resolved {
            let resolvedAt = incidents[incident]?.resolvedAt ?? now
            if now.timeIntervalSince(resolvedAt) <= policy.reopenWindow {
                incidents[incident]?.status = .open
                incidents[incident]?.resolvedAt = nil
                incidents[incident]?.log.append((now, "reopened: \(tracked.key) fired again"))
                outcome = .reopened
                reason =
                    "reopened \(incident): \(tracked.key) fired again within \(DurationText.format(policy.reopenWindow))"
            }
        }
        // Only a resolve can finish an incident (an alert re-sent while firing used to check every alert of it).
        if tracked.alert.status == .resolved { resolveIfDone(incident, now: now) }
        return CorrelationDecision(outcome: outcome, incident: incident, reasons: [reason])
    }

    /// PagerDuty incidents merged into `alert`'s resolve with it: a merge was no recovery, this is.
    private mutating func resolveMerged(into alert: Alert, now: Date) {
        guard alert.source == .pagerduty else { return }
        let merged = alerts.values.filter {
            $0.alert.source == .pagerduty && $0.alert.hints[AlertHint.pagerDutyMergedInto] == alert.sourceID
                && $0.alert.status != .resolved
        }
        for tracked in merged {
            alerts[tracked.key]?.alert.status = .resolved
            resolveIfDone(tracked.incident, now: now)
        }
    }

    private mutating func resolveIfDone(_ id: IncidentID, now: Date) {
        guard let incident = incidents[id], incident.isOpen else { return }
        let allResolved = incident.alertKeys.allSatisfy { alerts[$0]?.alert.status == .resolved }
        if allResolved {
            incidents[id]?.status = .resolved
            incidents[id]?.resolvedAt = now
            incidents[id]?.log.append((now, "resolved: all \(incident.alertKeys.count) alerts resolved"))
        }
    }

    private func isCandidate(_ incident: IncidentRecord, now: Date) -> Bool {
        switch incident.status {
        case .open: return true
        case .merged: return false
        case .resolved:
            guard let resolvedAt = incident.resolvedAt else { return false }
            return now.timeIntervalSince(resolvedAt) <= policy.reopenWindow
        }
    }

    /// Trouble that began after a resolved incident had resolved is a new episode, not that incident again.
    private func beganAfterResolution(_ arrival: AlertArrival, entity: EntityRef, incident: IncidentRecord) -> Bool {
        guard incident.status == .resolved, let resolvedAt = incident.resolvedAt, let onset = arrival.onsets[entity]
        else { return false }
        return onset > resolvedAt
    }

    /// A firing alert whose earlier occurrence resolved with its incident longer than the reopen window ago; or
    /// sooner, when its entity's trouble began after the incident resolved and nothing else of that incident is
    /// in trouble again (a new failure of the same service, which may have another cause).
    private func isNewOccurrence(of tracked: TrackedAlert, arrival: AlertArrival, now: Date) -> Bool {
        guard arrival.alert.status == .firing, tracked.alert.status == .resolved,
            let incident = incidents[tracked.incident], incident.status == .resolved,
            let resolvedAt = incident.resolvedAt
        else { return false }
        if now.timeIntervalSince(resolvedAt) > policy.reopenWindow { return true }
        guard let entity = arrival.entity, beganAfterResolution(arrival, entity: entity, incident: incident) else {
            return false
        }
        let before = Set(incident.entities).union(incident.upstreams.keys).subtracting([entity])
        return before.isDisjoint(with: arrival.ongoing)
    }

    private mutating func open(_ arrival: AlertArrival, key: String, now: Date) -> IncidentID {
        let id = IncidentID(nextNumber)
        nextNumber += 1
        incidents[id] = IncidentRecord(id: id, at: now, onset: arrival.alert.startedAt)
        attach(arrival, key: key, to: id, reasons: [])
        return id
    }

    private func openingReason(_ arrival: AlertArrival) -> String {
        guard let entity = arrival.entity else {
            return "opened: unmapped alert (no catalog entity matches its labels), kept on its own"
        }
        // Said only where an upstream without signals could have seemed the meeting place.
        let silent = arrival.trouble.contains { ref, trouble in
            guard ref != entity, case .unknown = trouble else { return false }
            return true
        }
        guard let exhausted = arrival.exhausted, silent else {
            return "opened: no open incident shares a cause with \(entity)"
        }
        return "opened: no open incident shares a cause with \(entity); its own \(exhausted) is exhausted, "
            + "a failure in plain sight: an upstream without signals is not where it meets another's"
    }

    private mutating func attach(_ arrival: AlertArrival, key: String, to id: IncidentID, reasons: [String]) {
        let isReminder = reminderPattern(of: arrival.alert) != nil
        let tracked = TrackedAlert(
            key: key, alert: arrival.alert, entity: arrival.entity, incident: id, events: [arrival.eventID],
            reasons: reasons, symptoms: arrival.symptoms)
        alerts[key] = tracked
        aliases[aliasKey(arrival.alert)] = key
        guard var incident = incidents[id] else { return }
        incident.alertKeys.append(key)
        incident.events.append(arrival.eventID)
        incident.onsets.append(arrival.alert.startedAt)
        incident.firstOnset = min(incident.firstOnset, arrival.alert.startedAt)
        incident.lastOnset = max(incident.lastOnset, arrival.alert.startedAt)
        if let entity = arrival.entity {
            let isNotice = arrival.alert.severity == .info
            if !incident.entities.contains(entity) {
                incident.entities.append(entity)
                if isNotice { incident.noticeOnly.insert(entity) }
            } else if !isNotice {
                incident.noticeOnly.remove(entity)
            }
            incident.symptoms[entity, default: []].formUnion(arrival.symptoms)
            switch arrival.trouble[entity] {
            case .unknown, nil: break
            default: incident.loadChecked.insert(entity)
            }
            if arrival.isLoadShifted || !arrival.tenantLoadMoved.isEmpty { incident.loadMoved.insert(entity) }
            if let onset = arrival.onsets[entity] {
                incident.troubleOnsets[entity] = min(incident.troubleOnsets[entity] ?? onset, onset)
            }
            let upstreams = self.upstreams(of: entity, arrival)
            if isUnexplained(arrival, entity: entity, upstreams: upstreams) { incident.unexplained.insert(entity) }
            if isExplainedAtOnset(arrival, entity: entity) { incident.explainedAtOnset.insert(entity) }
            let credible = arrival.trouble[entity] != .healthy
            for hit in upstreams {
                if credible, (incident.credibleUpstreams[hit.ref]?.distance ?? Int.max) > hit.distance {
                    incident.credibleUpstreams[hit.ref] = (hit.distance, entity)
                }
                if let known = incident.upstreams[hit.ref], known.distance <= hit.distance { continue }
                incident.upstreams[hit.ref] = (hit.distance, entity)
            }
            // A reminder carries no join: later alerts do not find its incident, nor count its entity alerting.
            if !isReminder { index.add(id, entity: entity, upstreams: upstreams.map(\.ref)) }
            index.alertKeysByEntity[entity, default: []].insert(key)
        }
        if !isReminder {
            for tenant in Self.tenants(of: arrival.alert) { index.addTenant(id, tenant) }
        }
        incidents[id] = incident
        if arrival.alert.status == .resolved { resolveIfDone(id, now: arrival.alert.receivedAt) }
    }

    private mutating func merge(_ source: IncidentID, into target: IncidentID, at now: Date, reason: String) {
        guard let from = incidents[source], var into = incidents[target] else { return }
        for key in from.alertKeys {
            alerts[key]?.incident = target
            alerts[key]?.reasons.append(reason)
            into.alertKeys.append(key)
        }
        let notices = from.noticeOnly.filter { !into.entities.contains($0) || into.noticeOnly.contains($0) }
            .union(into.noticeOnly.filter { !from.entities.contains($0) || from.noticeOnly.contains($0) })
        for entity in from.entities where !into.entities.contains(entity) { into.entities.append(entity) }
        into.noticeOnly = notices
        into.events += from.events
        into.onsets += from.onsets
        into.firstOnset = min(into.firstOnset, from.firstOnset)
        into.lastOnset = max(into.lastOnset, from.lastOnset)
        into.openedAt = min(into.openedAt, from.openedAt)
        for (ref, value) in from.upstreams {
            if let known = into.upstreams[ref], known.distance <= value.distance { continue }
            into.upstreams[ref] = value
        }
        for (ref, value) in from.credibleUpstreams {
            if let known = into.credibleUpstreams[ref], known.distance <= value.distance { continue }
            into.credibleUpstreams[ref] = value
        }
        for (ref, symptoms) in from.symptoms { into.symptoms[ref, default: []].formUnion(symptoms) }
        into.loadChecked.formUnion(from.loadChecked)
        into.unexplained.formUnion(from.unexplained)
        into.explainedAtOnset.formUnion(from.explainedAtOnset)
        into.loadMoved.formUnion(from.loadMoved)
        into.troubleOnsets.merge(from.troubleOnsets) { min($0, $1) }
        into.log.append((now, reason))
        let tenants = from.alertKeys.compactMap { alerts[$0]?.alert }.flatMap(Self.tenants(of:))
        index.move(source, to: target, entities: from.entities, upstreams: from.upstreams.keys, tenants: tenants)
        incidents[target] = into
        incidents[source]?.status = .merged
        incidents[source]?.mergedInto = target
        incidents[source]?.log.append((now, reason))
    }
}

extension Correlator {
    /// Tenant label values of an alert (`org=acme`), which tie alerts of one customer together.
    public static func tenants(of alert: Alert) -> [String] {
        ["org", "customer", "tenant", "account"].compactMap { label in alert.labels[label].map { "\(label)=\($0)" } }
    }

    /// Incidents that could share a cause with the arrival, by the inverted indexes; sorted for determinism.
    func candidates(for arrival: AlertArrival, context: ArrivalContext) -> [IncidentID] {
        var found: Set<IncidentID> = []
        found.formUnion(index.byEntity[context.entity] ?? [])
        found.formUnion(index.byUpstream[context.entity] ?? [])
        for hit in context.upstreams {
            found.formUnion(index.byEntity[hit.ref] ?? [])
            // A quiet hub cannot carry a join on its own: do not even look at who else sits on it.
            if context.isQuietHub(hit.ref) { continue }
            found.formUnion(index.byUpstream[hit.ref] ?? [])
        }
        for tenant in Self.tenants(of: arrival.alert) { found.formUnion(index.byTenant[tenant] ?? []) }
        return found.sorted()
    }

    /// Drops incidents resolved before `cutoff` with their alerts, so memory follows open incidents.
    mutating func evictResolved(before cutoff: Date) {
        let stale = incidents.values.filter { incident in
            switch incident.status {
            case .resolved: return (incident.resolvedAt ?? cutoff) < cutoff
            case .merged:
                return incidents[incident.mergedInto ?? incident.id].map {
                    $0.status == .resolved && ($0.resolvedAt ?? cutoff) < cutoff
                } ?? true
            case .open: return false
            }
        }
        for incident in stale {
            let tracked = incident.alertKeys.compactMap { alerts[$0] }
            let tenants = tracked.flatMap { Self.tenants(of: $0.alert) }
            index.remove(incident.id, entities: incident.entities, upstreams: incident.upstreams.keys, tenants: tenants)
            for alert in tracked where alert.incident == incident.id {
                alerts[alert.key] = nil
                aliases[aliasKey(alert.alert)] = nil
                if let entity = alert.entity { index.alertKeysByEntity[entity]?.remove(alert.key) }
            }
            incidents[incident.id] = nil
        }
    }
}
