public import Foundation
public import MusterCorrelation
public import MusterInvestigation
public import MusterLake
public import MusterModel
public import MusterSignals
public import MusterTelemetry

/// The one path every signal takes, in replay and live: decode, map to the lake, correlate, investigate.
///
/// The caller owns time: it passes the instant of each input and calls `advance(to:)` so that
/// follow-ups (judging an action a few minutes after it) run at the right virtual or wall-clock instant.
public actor TriagePipeline {
    public let lake: ContextLake
    public let metrics: any MetricSource
    let investigator: Investigator
    let probe: TroubleProbe
    var correlator: Correlator
    var verdicts: [IncidentID: Verdict] = [:]
    var triagedAt: [IncidentID: Date] = [:]
    var triageCounts: [IncidentID: Int] = [:]
    var notified: [IncidentID: [EntityRef]] = [:]
    var teams: [IncidentID: [EntityRef]] = [:]
    var followUps: [(at: Date, incident: IncidentID)] = []
    var deliveries = DeliveryLog()
    private var batching = false
    private var touched: Set<IncidentID> = []
    /// Receives every triage message; nil in replay.
    let notifier: (any TriageNotifier)?
    /// Everything the pipeline did, in order (the latest `logLimit` events when that is set).
    public private(set) var log: [PipelineEvent] = []
    var incidentLogs: [IncidentID: [PipelineEvent]] = [:]
    /// How many events `log` keeps; nil keeps all (replay). A server runs for months: it sets one.
    let logLimit: Int?
    /// How many events an incident's own log keeps, the latest (an alert re-sent every minute adds one each).
    static let incidentLogLimit = 1_000

    public init(
        lake: ContextLake, metrics: any MetricSource, playbook: Playbook = .standard,
        policy: CorrelationPolicy = CorrelationPolicy(), notifier: (any TriageNotifier)? = nil, logLimit: Int? = nil
    ) {
        self.notifier = notifier
        self.logLimit = logLimit
        self.lake = lake
        self.metrics = metrics
        self.investigator = Investigator(lake: lake, metrics: metrics, playbook: playbook)
        // The probe asks "is it in trouble right now?": a change still in its first sample counts.
        var probing = SignalAnalyzer(playbook: playbook)
        probing.minimumOpenRun = 1
        self.probe = TroubleProbe(lake: lake, metrics: metrics, analyzer: probing, depth: policy.upstreamDepth)
        var policy = policy
        if policy.reminderPatterns.isEmpty { policy.reminderPatterns = playbook.reminderAlerts }
        self.correlator = Correlator(lake: lake, policy: policy)
    }

    /// Decodes one delivery from `source` and takes each of its alerts through correlation and triage.
    @discardableResult
    ///
    /// `deliveryID` is the transport's id of this delivery (`X-Webhook-Id`); a PagerDuty `event.id` counts
    /// too. A delivery seen before is a retry: it is acknowledged and not processed again.
    public func receive(
        _ source: AlertSource, payload: JSONValue, eventID: String, at now: Date, deliveryID: String? = nil
    ) async throws -> [String] {
        let delivery = try SignalDecoder.decode(source, payload: payload, receivedAt: now)
        return await receive(delivery, source: source, eventID: eventID, at: now, deliveryID: deliveryID)
    }

    /// `receive` for a delivery already decoded (the live intake decodes each body once, before it answers).
    @discardableResult
    public func receive(
        _ delivery: Delivery, source: AlertSource, eventID: String, at now: Date, deliveryID: String? = nil
    ) async -> [String] {
        let ids = [deliveryID, delivery.alerts.first?.hints[AlertHint.deliveryID]].compactMap { $0 }
        if let retry = ids.first(where: { !deliveries.insert("\(source.rawValue):\($0)") }) {
            // Not processed twice, but the event is still the incident's: its output lists every alert event.
            let incident = delivery.alerts.compactMap { correlator.attributeRetry(of: $0, eventID: eventID) }.first
            note(now, "\(eventID): duplicate delivery \(retry) ignored (a webhook retry)", incident: incident)
            return []
        }
        if let ignored = delivery.ignored {
            note(now, "\(eventID): ignored (\(ignored))")
            return []
        }
        var outcomes: [String] = []
        for alert in delivery.alerts {
            outcomes.append(await take(alert, eventID: eventID, now: now))
        }
        return outcomes
    }

    private func take(_ alert: Alert, eventID: String, now: Date) async -> String {
        let (decision, entity) = await correlate(alert, eventID: eventID, now: now)
        let what =
            "\(eventID) (\(alert.source.rawValue) \(alert.status.rawValue), \(entity?.description ?? "unmapped")): "
            + decision.reasons.joined(separator: "; ")
        note(now, what, incident: decision.incident)
        for merged in decision.merged {
            note(now, "\(merged) merged into \(decision.incident)", incident: decision.incident)
        }
        // A re-sent firing alert re-triages a verdict older than `retriageAfter`: the cause can move while
        // the same alerts keep firing (one upstream recovers, another fails).
        let stale = verdicts[decision.incident].map { now.timeIntervalSince($0.at) >= Self.retriageAfter } ?? true
        if decision.outcome != .updated || alert.status == .firing && stale {
            if alert.status != .resolved {
                if batching {
                    touched.insert(decision.incident)
                } else {
                    await triage(decision.incident, at: now)
                }
            }
        }
        return what
    }

    /// The correlator's decision on `alert`, and the entity it maps to. A repeat of a tracked alert needs neither
    /// the catalog lookup nor the trouble probe.
    private func correlate(_ alert: Alert, eventID: String, now: Date) async -> (CorrelationDecision, EntityRef?) {
        if let repeated = correlator.ingestRepeat(alert, eventID: eventID) { return repeated }
        let entity = lake.entity(forAlert: alert, asOf: now)
        var arrival = AlertArrival(alert: alert, entity: entity, eventID: eventID)
        if let entity {
            let probed = await probe.probe(entity, now: now)
            arrival.trouble = probed.trouble
            arrival.symptoms = probed.symptoms
            arrival.onsets = probed.onsets
            arrival.isLoadShifted = probed.isLoadShifted
            arrival.ongoing = probed.ongoing
            arrival.deeper = probed.deeper
            arrival.exhausted = probed.exhausted
            arrival.severeOnsets = probed.severeOnsets
            arrival.busier = probed.busier
            arrival.recovered = probed.recovered
            if !probed.isLoadShifted {
                arrival.tenantLoadMoved = await probe.tenantLoadMoved(
                    entity, tenants: Correlator.tenants(of: alert), now: now)
            }
        }
        return (correlator.ingest(arrival), entity)
    }

    /// How old a verdict may get while its alerts keep firing before an update recomputes it.
    static let retriageAfter: TimeInterval = 5 * 60

    /// Takes a burst of deliveries with one triage per touched incident at the end, instead of one per
    /// alert: in a storm the verdict is recomputed per batch and Slack sees one edit, not hundreds.
    /// Call `beginBatch()`, take the deliveries, then `endBatch(at:)`.
    public func beginBatch() { batching = true }

    /// Ends a batch: triages every incident its deliveries touched, once, at `now`.
    public func endBatch(at now: Date) async {
        batching = false
        let incidents = touched.sorted()
        touched = []
        for id in incidents where correlator.incidents[id]?.isOpen == true {
            await triage(id, at: now)
        }
        forgetEvicted()
    }

    /// Drops what the pipeline keeps per incident for incidents the correlator no longer keeps (it forgets
    /// resolved ones after a day in the live server).
    private func forgetEvicted() {
        guard verdicts.count > correlator.incidents.count || incidentLogs.count > correlator.incidents.count else {
            return
        }
        let kept = Set(correlator.incidents.keys)
        verdicts = verdicts.filter { kept.contains($0.key) }
        incidentLogs = incidentLogs.filter { kept.contains($0.key) }
        triagedAt = triagedAt.filter { kept.contains($0.key) }
        triageCounts = triageCounts.filter { kept.contains($0.key) }
        notified = notified.filter { kept.contains($0.key) }
        teams = teams.filter { kept.contains($0.key) }
    }

    /// Records a deploy, change, action or catalog upsert that happened at `now`.
    public func record(_ payload: HistoryInput, at now: Date) async throws {
        switch payload {
        case .deploy(let deployment):
            try lake.record(deployment)
            note(now, "deploy \(deployment.target) \(deployment.version ?? "") recorded")
        case .change(let change):
            try lake.record(change)
            note(now, "change on \(change.target) recorded: \(change.summary)")
        case .action(let action):
            try lake.record(action)
            let instants = investigator.playbook.judgingInstants(after: action).map {
                Timestamp.clockTime(now.addingTimeInterval($0.timeIntervalSince(action.at)))
            }
            note(
                now,
                "\(action.name) of \(action.target) by \(action.by?.description ?? "someone") recorded; judged at "
                    + instants.joined(separator: ", again at ")
            )
            for incident in correlator.visibleIncidents where incident.isOpen {
                for instant in investigator.playbook.judgingInstants(after: action) {
                    followUps.append((now.addingTimeInterval(instant.timeIntervalSince(action.at)), incident.id))
                }
            }
        case .entity(let entity):
            try lake.upsert([entity], at: now)
            correlator.catalogChanged()
            await probe.catalogChanged()
            note(now, "catalog upsert \(entity.ref)")
        }
    }

    /// Runs every follow-up due at or before `now`, in time order.
    public func advance(to now: Date) async {
        while let next = followUps.enumerated().min(by: { $0.element.at < $1.element.at }), next.element.at <= now {
            followUps.remove(at: next.offset)
            guard correlator.incidents[next.element.incident]?.isOpen == true else { continue }
            await triage(next.element.incident, at: next.element.at)
        }
    }

    /// The instant of the earliest pending follow-up.
    public var nextFollowUp: Date? { followUps.map(\.at).min() }

    private func triage(_ id: IncidentID, at now: Date) async {
        guard let record = correlator.incidents[id] else { return }
        let alerts = correlator.alerts(of: id).map(\.alert)
        let facts = IncidentFacts(
            id: id, now: now, firstOnset: record.firstOnset, alerting: record.entities, alerts: alerts)
        let verdict = await investigator.investigate(facts)
        if let target = await mergeSharedSource(id, verdict: verdict, firstOnset: record.firstOnset, at: now) {
            await triage(target, at: now)
            return
        }
        let previous = verdicts[id]
        verdicts[id] = verdict
        triageCounts[id, default: 0] += 1
        if triagedAt[id] == nil { triagedAt[id] = now }
        var users = notified[id] ?? []
        for user in verdict.notified where !users.contains(user) { users.append(user) }
        notified[id] = users
        var engaged = teams[id] ?? []
        let newTeams = verdict.teams.filter { !engaged.contains($0) }
        engaged += newTeams
        teams[id] = engaged
        let cause =
            verdict.rootCause.map { "\($0.kind.rawValue) \($0.entity) (\(Int(($0.confidence * 100).rounded()))%)" }
            ?? "no confident root cause"
        let verb = previous == nil ? "triage posted" : "triage updated"
        note(now, "\(id) \(verb): \(cause); notify \(users.map(\.description).joined(separator: ", "))", incident: id)
        if let notifier {
            let card = TriageCard(incident: id, verdict: verdict, notified: users, lake: lake)
            var channels: [EntityRef: String] = [:]
            for team in engaged {
                if let channel = lake.entity(team, asOf: nil)?.properties["slack_channel"]?.stringValue {
                    channels[team] = channel
                }
            }
            let firstKey = record.alertKeys.first ?? id.description
            let update = TriageUpdate(
                incident: id, incidentKey: "\(firstKey)@\(Int(record.openedAt.timeIntervalSince1970))",
                revision: triageCounts[id] ?? 1, at: now, verdict: verdict, text: card.text,
                blocks: card.blocks, notified: users, mentions: users.map(card.mention), teams: engaged,
                teamChannels: channels, newTeams: newTeams,
                pagerDutyIncidents: correlator.alerts(of: id).filter { $0.alert.source == .pagerduty }.map(
                    \.alert.sourceID),
                summary: cause)
            await notifier.publish(update)
        }
    }

    /// When `verdict` confidently names the same customer or org as another open incident's does, folds the later
    /// incident into the earlier one (its triage state too) and returns the one that remains.
    private func mergeSharedSource(_ id: IncidentID, verdict: Verdict, firstOnset: Date, at now: Date) async
        -> IncidentID?
    {
        let rule = SharedSourceMerge(window: correlator.policy.farOnset)
        let this = SharedSourceMerge.Candidate(id: id, firstOnset: firstOnset, rootCause: verdict.rootCause)
        let others = correlator.visibleIncidents.filter(\.isOpen).map {
            SharedSourceMerge.Candidate(id: $0.id, firstOnset: $0.firstOnset, rootCause: verdicts[$0.id]?.rootCause)
        }
        guard let partner = rule.partner(of: this, among: others), let cause = verdict.rootCause else { return nil }
        let (source, target) = partner.id < id ? (id, partner.id) : (partner.id, id)
        let reason = "both investigations trace the spike to \(cause.entity)"
        guard correlator.merge(source, into: target, at: now, because: reason) else { return nil }
        note(now, "\(source) merged into \(target): \(reason)", incident: target)
        triagedAt[target] = [triagedAt[target], triagedAt[source]].compactMap { $0 }.min()
        for user in notified[source] ?? [] where !(notified[target] ?? []).contains(user) {
            notified[target, default: []].append(user)
        }
        for team in teams[source] ?? [] where !(teams[target] ?? []).contains(team) {
            teams[target, default: []].append(team)
        }
        incidentLogs[target, default: []] += incidentLogs[source] ?? []
        verdicts[source] = nil
        return target
    }

    private func note(_ at: Date, _ text: String, incident: IncidentID? = nil) {
        let event = PipelineEvent(at: at, text: text)
        log.append(event)
        // Trimmed a tenth at a time, so appending stays cheap.
        if let logLimit, log.count > logLimit + logLimit / 10 { log.removeFirst(log.count - logLimit) }
        if let incident {
            incidentLogs[incident, default: []].append(event)
            let limit = Self.incidentLogLimit
            if let count = incidentLogs[incident]?.count, count > limit + limit / 10 {
                incidentLogs[incident]?.removeFirst(count - limit)
            }
        }
    }

    /// Every incident the correlator keeps (merged ones folded in), with its latest verdict.
    /// The open and recently resolved incidents in brief: cheap enough to call after every batch.
    public func summaries() -> [IncidentSummary] {
        correlator.visibleIncidents.map { record in
            IncidentSummary(
                id: record.id, isOpen: record.isOpen, openedAt: record.openedAt, triagedAt: triagedAt[record.id])
        }
    }

    public func reports() -> [IncidentReport] {
        correlator.visibleIncidents.map { record in
            let alerts = correlator.alerts(of: record.id).map { tracked in
                AlertReport(
                    key: tracked.key, title: tracked.alert.title, source: tracked.alert.source.rawValue,
                    status: tracked.alert.status.rawValue, entity: tracked.entity, events: tracked.events,
                    reasons: tracked.reasons)
            }
            var seen: Set<String> = []
            let events = record.events.filter { seen.insert($0).inserted }
            return IncidentReport(
                id: record.id, status: record.status.rawValue, openedAt: record.openedAt, resolvedAt: record.resolvedAt,
                triagedAt: triagedAt[record.id], events: events, alerts: alerts,
                log: incidentLogs[record.id] ?? [], verdict: verdicts[record.id], notified: notified[record.id] ?? [],
                teams: teams[record.id] ?? [], triageCount: triageCounts[record.id] ?? 0)
        }
    }
}

/// History the pipeline records in the lake.
public enum HistoryInput: Sendable {
    case deploy(Deployment)
    case change(Change)
    case action(ActionRecord)
    case entity(Entity)
}
