public import Foundation

/// Where an alert came from.
public enum AlertSource: String, Codable, Sendable, CaseIterable {
    case pagerduty, alertmanager, grafana, generic
}

/// The lifecycle state of an alert as its source reports it.
public enum AlertStatus: String, Codable, Sendable {
    case firing, acknowledged, resolved
}

/// Normalized severity; sources' own words are mapped onto these.
public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
    case info, warning, error, critical

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        case .critical: 3
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    /// Maps a source's severity or urgency word (`high`, `P1`, `page`, `warn`, ...) onto a severity.
    public init(word: String?) {
        switch word?.lowercased() ?? "" {
        case "critical", "high", "p1", "p2", "page", "fatal", "emergency", "alert", "sev1", "sev2": self = .critical
        case "error", "err", "major", "p3", "sev3": self = .error
        case "warning", "warn", "low", "minor", "p4", "sev4": self = .warning
        case "info", "informational", "none", "p5", "ok", "debug": self = .info
        default: self = .warning
        }
    }
}

/// One alert, normalized from any source's wire format.
public struct Alert: Hashable, Codable, Sendable {
    public var source: AlertSource
    /// The source's own id for this alert (PagerDuty incident id, Alertmanager fingerprint, generic `id`).
    public var sourceID: String
    /// The key that identifies the same alert across deliveries and sources.
    public var dedupKey: String
    public var status: AlertStatus
    public var title: String
    public var severity: Severity
    public var labels: [String: String]
    /// When the condition started, from the payload.
    public var startedAt: Date
    /// When Muster received it.
    public var receivedAt: Date
    /// Hints for mapping to the lake that are not labels: the PagerDuty service id, the generic `service`.
    public var hints: [String: String]

    public init(
        source: AlertSource, sourceID: String, dedupKey: String, status: AlertStatus, title: String,
        severity: Severity, labels: [String: String] = [:], startedAt: Date, receivedAt: Date,
        hints: [String: String] = [:]
    ) {
        self.source = source
        self.sourceID = sourceID
        self.dedupKey = dedupKey
        self.status = status
        self.title = title
        self.severity = severity
        self.labels = labels
        self.startedAt = startedAt
        self.receivedAt = receivedAt
        self.hints = hints
    }

    /// The `alertname` label, or the title.
    public var name: String { labels["alertname"] ?? title }
}

/// Hint keys carried in `Alert.hints`.
public enum AlertHint {
    /// PagerDuty `data.service.id`.
    public static let pagerDutyServiceID = "pagerduty_service_id"
    /// PagerDuty `data.service.summary`.
    public static let pagerDutyServiceName = "pagerduty_service_name"
    /// PagerDuty `data.incident_key` (Alertmanager's fingerprint when routed through it).
    public static let incidentKey = "incident_key"
    /// The generic format's `service`: an entity id.
    public static let service = "service"
    /// Event id of the delivery (PagerDuty `event.id`), for retries.
    public static let deliveryID = "delivery_id"
    /// The PagerDuty incident this one was merged into (`resolve_reason.incident.id`): it resolves with that one.
    public static let pagerDutyMergedInto = "pagerduty_merged_into"
}
