public import Foundation
public import MusterLake
public import MusterModel
public import MusterTelemetry

/// What the pipeline knows of an incident when it asks for a verdict.
public struct IncidentFacts: Sendable {
    public var id: IncidentID
    /// The instant of the investigation; nothing after it is read.
    public var now: Date
    /// Earliest alert start.
    public var firstOnset: Date
    /// Alerting services and resources, in order of first alert.
    public var alerting: [EntityRef]
    public var alerts: [Alert]

    public init(id: IncidentID, now: Date, firstOnset: Date, alerting: [EntityRef], alerts: [Alert]) {
        self.id = id
        self.now = now
        self.firstOnset = firstOnset
        self.alerting = alerting
        self.alerts = alerts
    }
}

/// The neighbourhood of an incident with every signal assessed once, shared by all hypotheses.
public struct InvestigationContext: Sendable {
    public var facts: IncidentFacts
    public var lake: any LakeReader
    public var metrics: any MetricSource
    public var playbook: Playbook
    /// Upstreams of the alerting entities: nearest distance, and which alerting entities sit below.
    public var upstreams: [EntityRef: (distance: Int, below: Set<EntityRef>)]
    /// Entities that share an upstream resource with an alerting entity (producers beside consumers).
    public var siblings: [EntityRef: EntityRef]
    /// Services with signals, not alerting, that depend on an upstream without signals of the alerting entities:
    /// they witness whether that upstream fails (witness -> upstream).
    public var witnesses: [EntityRef: EntityRef] = [:]
    /// Assessments per entity.
    public var assessments: [EntityRef: [SignalAssessment]]
    /// The samples read per entity and signal name, up to `facts.now`.
    public var samples: [EntityRef: [String: [Sample]]]
    /// Customers and orgs whose traffic reaches the neighbourhood and that someone acted on (a throttle) since the
    /// symptoms began (``tenantsActedOn(_:facts:from:lake:metrics:)``).
    var tenants: Set<EntityRef> = []
    /// Alerting entities where a tenant their alerts name rose 2x or more in the breakdown of their load.
    var tenantLoadRose: Set<EntityRef> = []
    /// The actions people took, judged once for every check (``ActionJudge``).
    var judged: ActionJudge.Judged = ([], [], [], [])

    /// Anomalous non-load assessments of an entity, earliest onset first. A fault that was over before the
    /// incident's first alert (a warm-up blip half an hour earlier) is another episode, not one of these; so is
    /// one that was over, and the entity quiet for `episodeQuiet`, before another of its faults began that is
    /// still going (the entity's trouble is dated by the episode still going). A mild fault long before the
    /// first alert does not date the trouble of an incident whose symptoms are severe (``isMildAndEarly(_:)``).
    public func faults(of ref: EntityRef) -> [SignalAssessment] {
        let found = (assessments[ref] ?? []).filter {
            $0.isAnomalous && $0.signal.type != .load && !isOverBeforeIncident($0) && !isMildAndEarly($0)
        }
        let going = found.filter { $0.recoveredAt == nil }.compactMap(\.onset).min()
        return found.filter { fault in
            guard let going, let recovered = fault.recoveredAt else { return true }
            return recovered > going.addingTimeInterval(-Self.episodeQuiet)
        }
        .sorted { ($0.onset ?? .distantFuture) < ($1.onset ?? .distantFuture) }
    }

    /// The faults of `refs` that ``faults(of:)`` sets aside as another episode or as a mild early condition, each
    /// in words that say why (at most `limit`), so that a reader sees what was not counted.
    func setAsideWords(of refs: [EntityRef], limit: Int = 2) -> [String] {
        var lines: [String] = []
        for ref in refs {
            let kept = Set(faults(of: ref).map(\.signal.name))
            for fault in assessments[ref] ?? []
            where fault.isAnomalous && fault.signal.type != .load && !isOverBeforeIncident(fault)
                && !kept.contains(fault.signal.name)
            {
                let why =
                    isMildAndEarly(fault)
                    ? "a mild change that began long before the alerts while the symptoms are severe: a condition, "
                        + "not the start of this failure"
                    : "an earlier episode, back to normal before the trouble still going began"
                lines.append("\(ref): \(fault.summary): \(why)")
            }
        }
        return Array(lines.prefix(limit))
    }

    /// How long an entity must have been back to normal before another of its faults began for the earlier
    /// fault to be an episode of its own.
    static let episodeQuiet: TimeInterval = 3 * 60

    /// The fault recovered more than `episodeGap` before the incident's first alert started.
    func isOverBeforeIncident(_ fault: SignalAssessment) -> Bool {
        fault.recoveredAt.map { $0 < facts.firstOnset.addingTimeInterval(-Self.episodeGap) } ?? false
    }

    /// A mild fault (its worst less than `mildRatio` times its baseline; a saturation also below the exhausted
    /// level; never a health signal) that began more than `mildLead` before the first alert, in an incident where
    /// an alerting entity shows a severe symptom (`severeRatio` times its baseline or more, or a health signal
    /// down). A creep that no alert followed for that long is a condition, not the start of this failure.
    func isMildAndEarly(_ fault: SignalAssessment) -> Bool {
        guard isMild(fault), let onset = fault.onset,
            onset < facts.firstOnset.addingTimeInterval(-Self.mildLead)
        else { return false }
        return facts.alerting.contains { ref in
            (assessments[ref] ?? []).contains { $0.isAnomalous && $0.signal.type != .load && isSevere($0) }
        }
    }

    func isMild(_ fault: SignalAssessment) -> Bool {
        guard fault.signal.type != .health, fault.signal.type != .load, fault.baseline > 0 else { return false }
        if fault.signal.type == .saturation, fault.peak >= playbook.exhaustedLevel { return false }
        return fault.peak < Self.mildRatio * fault.baseline
    }

    func isSevere(_ fault: SignalAssessment) -> Bool {
        fault.signal.type == .health || fault.baseline <= 0 || fault.peak >= Self.severeRatio * fault.baseline
    }

    static let mildRatio = 2.0
    static let severeRatio = 5.0
    static let mildLead: TimeInterval = 15 * 60

    /// How long before the first alert a fault may have recovered and still be this incident's: alerts trail
    /// their faults (evaluation intervals, `for:` clauses, paging delays), so a short fault can be over by then.
    static let episodeGap: TimeInterval = 10 * 60

    /// Whether a load signal of `ref` rose by the spike ratio or more (not merely fell) and is still up or
    /// was up within this incident.
    public func hasLoadSpike(_ ref: EntityRef) -> Bool {
        (assessments[ref] ?? []).contains {
            $0.signal.type == .load && $0.isAnomalous && $0.peak > $0.baseline && $0.ratio >= playbook.spikeRatio
                && !isOverBeforeIncident($0)
        }
    }

    /// Earliest fault onset of an entity.
    public func faultOnset(of ref: EntityRef) -> Date? { faults(of: ref).first?.onset }

    /// When `ref` had faults and every one of them is back to normal by `facts.now`: the latest recovery.
    func recovery(of ref: EntityRef) -> Date? {
        let faults = faults(of: ref)
        guard !faults.isEmpty, faults.allSatisfy({ $0.recoveredAt != nil }) else { return nil }
        return faults.compactMap(\.recoveredAt).max()
    }

    /// Whether `ref` failed and has recovered since (``recovery(of:)``).
    func hasRecovered(_ ref: EntityRef) -> Bool { recovery(of: ref) != nil }

    /// When the alerting entities' symptoms began: their earliest fault onset, else the first alert.
    public var symptomOnset: Date {
        facts.alerting.compactMap { faultOnset(of: $0) }.min().map { min($0, facts.firstOnset) } ?? facts.firstOnset
    }

    /// Alerting entities that are `ref` or sit below it.
    public func covered(by ref: EntityRef) -> Set<EntityRef> {
        var set = upstreams[ref]?.below ?? []
        if facts.alerting.contains(ref) { set.insert(ref) }
        return set
    }

    public var alertingCount: Int { max(1, facts.alerting.count) }

    public func title(_ ref: EntityRef) -> String { lake.entity(ref, asOf: nil)?.displayName ?? ref.id }
}
