public import Foundation
public import MusterModel
public import MusterTelemetry

/// A loaded, validated incident scenario (format version 1): the world as it stood, what happened, and the
/// verdict a good triage reaches. Every instant is absolute, computed from `start` and the file's offsets.
public struct Scenario: Sendable {
    /// `[a-z0-9-]+`, unique within a suite.
    public var name: String
    /// Free text about the incident.
    public var description: String?
    /// The file it was loaded from, as given to the loader.
    public var file: String
    /// The virtual clock's origin; offsets in the file are relative to it.
    public var start: Date
    /// Entities loaded into the lake before the timeline starts, in file order.
    public var catalog: [Entity]
    /// On-call shifts; a team without one has nobody on call.
    public var oncall: [OnCallShift]
    /// Generated time series, when the scenario has any.
    public var metrics: MetricsSpec?
    /// Events sorted by `at`; ties keep file order.
    public var timeline: [TimelineEvent]
    /// The verdict to check, when the scenario states one.
    public var expect: Expectation?

    /// A scenario from its parts; `timeline` must already be sorted by `at`.
    public init(
        name: String, description: String? = nil, file: String, start: Date, catalog: [Entity],
        oncall: [OnCallShift] = [], metrics: MetricsSpec? = nil, timeline: [TimelineEvent], expect: Expectation? = nil
    ) {
        self.name = name
        self.description = description
        self.file = file
        self.start = start
        self.catalog = catalog
        self.oncall = oncall
        self.metrics = metrics
        self.timeline = timeline
        self.expect = expect
    }
}

/// One event of a scenario's timeline.
public struct TimelineEvent: Sendable {
    /// The scenario-local key `expect` refers to; always present on alert events.
    public var id: String?
    /// The absolute instant: the scenario's `start` plus `offset`.
    public var at: Date
    /// Seconds from the scenario's `start`, as written in `at`.
    public var offset: TimeInterval
    /// The line of the event in the scenario file, for messages.
    public var line: Int
    /// What the event carries.
    public var payload: TimelinePayload

    /// An event at `offset` seconds from the scenario's start (`at`).
    public init(id: String?, at: Date, offset: TimeInterval, line: Int, payload: TimelinePayload) {
        self.id = id
        self.at = at
        self.offset = offset
        self.line = line
        self.payload = payload
    }

    /// Whether this is an alert event.
    public var isAlert: Bool {
        if case .alert = payload { return true }
        return false
    }
}

/// What a timeline event carries: exactly one of these.
public enum TimelinePayload: Sendable {
    /// An alert delivery: the body exactly as `source` POSTs it.
    case alert(source: AlertSource, payload: JSONValue)
    /// A deployment of a service (`Deployment.target`).
    case deploy(Deployment)
    /// A configuration or operational change on an entity.
    case change(Change)
    /// A remediation a person took outside the engine.
    case action(ActionRecord)
    /// A whole catalog entity upserted (replaced) at this instant.
    case entity(Entity)
}
