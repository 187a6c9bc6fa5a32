public import Foundation
public import MusterModel

/// The verdict a good triage reaches: the scenario's `expect` block.
public struct Expectation: Sendable {
    /// The incidents that must form, each exactly from its alert events.
    public var incidents: [ExpectedIncident]
    /// Alert event ids that must not join any expected incident.
    public var unrelated: [String]

    /// An expectation from its parts.
    public init(incidents: [ExpectedIncident], unrelated: [String] = []) {
        self.incidents = incidents
        self.unrelated = unrelated
    }
}

/// One incident that must form; every optional key is checked only when present.
public struct ExpectedIncident: Sendable {
    /// Ids of exactly the alert events that form the incident.
    public var events: [String]
    /// Teams that must be engaged (more may be).
    public var teams: [EntityRef]?
    /// On-call users that must be mentioned.
    public var notified: [EntityRef]?
    /// The top-ranked hypothesis.
    public var rootCause: ExpectedRootCause?
    /// Affected customers to name.
    public var customers: [EntityRef]?
    /// Actions that must be among the recommendations.
    public var actions: [ExpectedAction]?
    /// Action names the triage must advise against.
    public var avoid: [String]?
    /// Longest time from the incident's earliest alert event to its first triage message, in seconds.
    public var triagedWithin: TimeInterval?

    /// An expected incident; only `events` is required.
    public init(
        events: [String], teams: [EntityRef]? = nil, notified: [EntityRef]? = nil,
        rootCause: ExpectedRootCause? = nil, customers: [EntityRef]? = nil, actions: [ExpectedAction]? = nil,
        avoid: [String]? = nil, triagedWithin: TimeInterval? = nil
    ) {
        self.events = events
        self.teams = teams
        self.notified = notified
        self.rootCause = rootCause
        self.customers = customers
        self.actions = actions
        self.avoid = avoid
        self.triagedWithin = triagedWithin
    }
}

/// The expected top hypothesis: a root-cause kind and the entity it names.
public struct ExpectedRootCause: Sendable, Hashable {
    /// One of `ExpectedRootCause.kinds`.
    public var kind: String
    /// The customer, org, service, resource or infrastructure entity it names.
    public var entity: EntityRef

    /// A root cause from its parts.
    public init(kind: String, entity: EntityRef) {
        self.kind = kind
        self.entity = entity
    }

    /// Whether a hypothesis of `kind` naming `entity` is this root cause.
    public func matches(kind: String, entity: EntityRef) -> Bool { self.kind == kind && self.entity == entity }

    /// The root-cause kinds the format defines.
    public static let kinds: [String] = [
        "traffic-spike", "deployment", "config-change", "dependency", "saturation", "infrastructure",
    ]
}

/// A recommendation that must be made: an action name and its target.
public struct ExpectedAction: Sendable, Hashable {
    /// One of `ExpectedAction.names`.
    public var action: String
    /// What the action applies to (a team for `page`, a customer or org for `throttle`).
    public var target: EntityRef

    /// An action from its parts.
    public init(action: String, target: EntityRef) {
        self.action = action
        self.target = target
    }

    /// The action names the format defines.
    public static let names: [String] = [
        "restart", "scale-out", "rollback", "config-revert", "throttle", "failover", "page",
    ]
}
