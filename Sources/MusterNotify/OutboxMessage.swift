public import Foundation
public import MusterModel

/// What an outbox row asks for: one Slack or PagerDuty call.
public enum OutboxKind: String, Hashable, Codable, Sendable, CaseIterable {
    /// The root message of an incident; its `channel`/`ts` are recorded in `slack_roots`.
    case slackPost = "slack.post"
    /// `chat.update` of the incident's root message.
    case slackUpdate = "slack.update"
    /// A reply in the thread of the incident's root message.
    case slackThread = "slack.thread"
    /// One line in a team's channel pointing at the incident.
    case slackCrosspost = "slack.crosspost"
    case pagerDutyNote = "pagerduty.note"
    case pagerDutyMerge = "pagerduty.merge"

    var isSlack: Bool { rawValue.hasPrefix("slack.") }
}

/// Where a row stands.
public enum OutboxStatus: String, Hashable, Codable, Sendable {
    /// Waiting for its `next_attempt_at` or its dependency.
    case pending
    case sent
    /// Not sent because a newer row of the same supersede group replaced it (an older card edit).
    case skipped
    /// Given up: a permanent error, too many attempts, or a dependency that failed.
    case failedPermanent = "failed-permanent"
}

/// A call to enqueue: its idempotency key, kind, arguments and what it waits for.
public struct OutboxMessage: Hashable, Sendable {
    /// Unique per call; enqueueing a key that exists is a no-op.
    public var key: String
    public var kind: OutboxKind
    /// The arguments, as the worker reads them for `kind` (see `OutboxNotifier`).
    public var payload: JSONValue
    /// The key of a row that must be sent before this one (an update needs the root post).
    public var dependsOn: String?
    /// When set, enqueueing this row skips every pending row of the same group enqueued before it.
    public var supersedeGroup: String?

    public init(
        key: String, kind: OutboxKind, payload: JSONValue, dependsOn: String? = nil, supersedeGroup: String? = nil
    ) {
        self.key = key
        self.kind = kind
        self.payload = payload
        self.dependsOn = dependsOn
        self.supersedeGroup = supersedeGroup
    }
}

/// A stored outbox row.
public struct OutboxRow: Hashable, Sendable {
    public var id: Int64
    public var key: String
    public var kind: OutboxKind
    public var payload: JSONValue
    public var dependsOn: String?
    public var supersedeGroup: String?
    public var status: OutboxStatus
    /// Attempts made so far.
    public var attempts: Int
    public var createdAt: Date
    public var nextAttemptAt: Date
    public var lastError: String?
    /// What the call returned (Slack `channel`/`ts`, PagerDuty note id), once sent.
    public var result: JSONValue?
}
