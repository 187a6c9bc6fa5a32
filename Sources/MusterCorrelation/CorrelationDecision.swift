public import MusterModel

/// What the correlator did with one alert delivery, with its reasons.
public struct CorrelationDecision: Hashable, Sendable {
    public enum Outcome: String, Hashable, Sendable {
        /// A new incident was opened for it.
        case opened
        /// It joined an open incident.
        case joined
        /// It updated an alert already known (retry, repeat, acknowledgement, resolution).
        case updated
        /// It reopened a resolved incident.
        case reopened
    }

    public var outcome: Outcome
    public var incident: IncidentID
    /// Incidents merged into `incident` because this alert bridged them.
    public var merged: [IncidentID]
    /// Why, in words a person can check (`joined inc-1: shares resource:x (1 hop) with service:y; onset 60 s apart`).
    public var reasons: [String]

    public init(outcome: Outcome, incident: IncidentID, merged: [IncidentID] = [], reasons: [String]) {
        self.outcome = outcome
        self.incident = incident
        self.merged = merged
        self.reasons = reasons
    }
}
