public import Foundation
public import MusterInvestigation
public import MusterModel

/// One thing the pipeline did, for the replay report and the live timeline.
public struct PipelineEvent: Hashable, Sendable {
    public var at: Date
    public var text: String

    public init(at: Date, text: String) {
        self.at = at
        self.text = text
    }
}

/// An incident as the pipeline reports it: the correlator's record plus the latest verdict.
public struct IncidentReport: Sendable {
    public var id: IncidentID
    public var status: String
    public var openedAt: Date
    public var resolvedAt: Date?
    /// Instant of the first triage message.
    public var triagedAt: Date?
    public var events: [String]
    public var alerts: [AlertReport]
    public var log: [PipelineEvent]
    public var verdict: Verdict?
    /// Everyone mentioned so far (on-call at the time their team was engaged).
    public var notified: [EntityRef]
    /// Teams engaged so far.
    public var teams: [EntityRef]
    /// How many triage messages (first post and updates) were produced.
    public var triageCount: Int
}

/// An incident in brief, for gauges and latency metrics.
public struct IncidentSummary: Sendable, Hashable {
    public var id: IncidentID
    public var isOpen: Bool
    public var openedAt: Date
    /// Instant of the first triage message.
    public var triagedAt: Date?
}

/// One alert of an incident, with why it joined.
public struct AlertReport: Sendable {
    public var key: String
    public var title: String
    public var source: String
    public var status: String
    public var entity: EntityRef?
    public var events: [String]
    public var reasons: [String]
}
