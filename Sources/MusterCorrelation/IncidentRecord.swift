public import Foundation
public import MusterModel

/// An alert as the correlator tracks it across deliveries and sources.
public struct TrackedAlert: Hashable, Sendable {
    /// The dedup key it is known by.
    public var key: String
    /// The latest normalized delivery.
    public var alert: Alert
    public var entity: EntityRef?
    public var incident: IncidentID
    /// Scenario event ids or delivery ids that carried it, in order.
    public var events: [String]
    /// Why it joined its incident (empty for the alert that opened it).
    public var reasons: [String]
    /// What the probe saw on its entity when it arrived.
    public var symptoms: Set<SignalType>
}

/// One incident: its alerts, entities, lifecycle and the record of how it grew.
public struct IncidentRecord: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable { case open, resolved, merged }

    public var id: IncidentID
    public var status: Status
    public var openedAt: Date
    public var resolvedAt: Date?
    /// Dedup keys of its alerts, in order of arrival.
    public var alertKeys: [String]
    /// Alerting entities, in order of first alert.
    public var entities: [EntityRef]
    /// Every event id that touched one of its alerts, in order.
    public var events: [String]
    /// Earliest alert start among its alerts.
    public var firstOnset: Date
    /// Alert starts, for time proximity.
    public var onsets: [Date]
    /// Latest alert start, to skip incidents far away in time without scanning `onsets`.
    public var lastOnset: Date
    /// Upstreams of its entities with the nearest distance and through which entity.
    public var upstreams: [EntityRef: (distance: Int, via: EntityRef)]
    /// The same, only through alerting entities whose own signals were not normal when they alerted:
    /// a flapping check on a healthy service does not vouch for a cause upstream of it.
    public var credibleUpstreams: [EntityRef: (distance: Int, via: EntityRef)]
    /// Symptoms seen per entity.
    public var symptoms: [EntityRef: Set<SignalType>]
    /// When each alerting entity's own trouble began, from its signals (earliest seen).
    public var troubleOnsets: [EntityRef: Date]
    /// Entities whose every alert here is a notice (severity info): a notice reports no failure, so it hardly
    /// vouches for a cause of others' trouble.
    public var noticeOnly: Set<EntityRef> = []
    /// Alerting entities whose signals were checked when they alerted, and those of them whose load had moved:
    /// a tenant label ties alerts together only where that tenant's traffic can have done something.
    public var loadChecked: Set<EntityRef> = []
    public var loadMoved: Set<EntityRef> = []
    /// Alerting entities that were failing when they alerted with nothing in sight to explain it: no change of
    /// their own, and every upstream of theirs normal or without signals.
    public var unexplained: Set<EntityRef> = []
    /// Alerting entities with an explanation of their own at their onset (a deploy or change of their own just
    /// before, an upstream of theirs down or stepped with them): a changed upstream that looks healthy does not tie
    /// them to others.
    public var explainedAtOnset: Set<EntityRef> = []
    /// Merges, reopenings and resolutions, in words, with their instant.
    public var log: [(at: Date, note: String)]
    /// The incident this one was merged into.
    public var mergedInto: IncidentID?

    public static func == (lhs: IncidentRecord, rhs: IncidentRecord) -> Bool {
        lhs.id == rhs.id && lhs.status == rhs.status && lhs.alertKeys == rhs.alertKeys && lhs.events == rhs.events
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    init(id: IncidentID, at: Date, onset: Date) {
        self.id = id
        self.status = .open
        self.openedAt = at
        self.alertKeys = []
        self.entities = []
        self.events = []
        self.firstOnset = onset
        self.lastOnset = onset
        self.onsets = []
        self.upstreams = [:]
        self.credibleUpstreams = [:]
        self.symptoms = [:]
        self.troubleOnsets = [:]
        self.log = []
    }

    public var isOpen: Bool { status == .open }
}
