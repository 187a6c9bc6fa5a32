public import Foundation

/// A deployment of a service: history in the lake.
public struct Deployment: Hashable, Codable, Sendable {
    public var target: EntityRef
    public var at: Date
    public var version: String?
    public var by: EntityRef?
    public var commit: String?

    public init(target: EntityRef, at: Date, version: String? = nil, by: EntityRef? = nil, commit: String? = nil) {
        self.target = target
        self.at = at
        self.version = version
        self.by = by
        self.commit = commit
    }
}

/// A configuration or operational change on an entity: history in the lake.
public struct Change: Hashable, Codable, Sendable {
    public var target: EntityRef
    public var at: Date
    public var summary: String
    public var by: EntityRef?

    public init(target: EntityRef, at: Date, summary: String, by: EntityRef? = nil) {
        self.target = target
        self.at = at
        self.summary = summary
        self.by = by
    }
}

/// A remediation a person took (restart, scale-out, ...), recorded for judging whether it helped.
public struct ActionRecord: Hashable, Codable, Sendable {
    public var name: String
    public var target: EntityRef
    public var at: Date
    public var by: EntityRef?
    /// `succeeded` or `failed`: whether the action ran, not whether it helped.
    public var result: String?

    public init(name: String, target: EntityRef, at: Date, by: EntityRef? = nil, result: String? = nil) {
        self.name = name
        self.target = target
        self.at = at
        self.by = by
        self.result = result
    }
}

/// A person on call for a team in `[from, to)`.
public struct OnCallShift: Hashable, Codable, Sendable {
    public var team: EntityRef
    public var user: EntityRef
    public var from: Date
    public var to: Date

    public init(team: EntityRef, user: EntityRef, from: Date, to: Date) {
        self.team = team
        self.user = user
        self.from = from
        self.to = to
    }

    public func contains(_ instant: Date) -> Bool { from <= instant && instant < to }
}
