public import MusterModel

/// Everything the lake persists, as one batch: written together, loaded together.
public struct LakeRecords: Sendable, Hashable {
    /// Entity versions in write order (deployment and change entities included).
    public var versions: [EntityVersion]
    public var deployments: [Deployment]
    public var changes: [Change]
    public var actions: [ActionRecord]
    public var shifts: [OnCallShift]

    public init(
        versions: [EntityVersion] = [], deployments: [Deployment] = [], changes: [Change] = [],
        actions: [ActionRecord] = [], shifts: [OnCallShift] = []
    ) {
        self.versions = versions
        self.deployments = deployments
        self.changes = changes
        self.actions = actions
        self.shifts = shifts
    }
}

/// Durable storage behind the lake (SQLite now, PostgreSQL later).
///
/// The lake owns its store and calls it only while holding its own lock, synchronously, once per write
/// (write-through) and once at open (`load`). Implementations need not be thread-safe or `Sendable`.
public protocol LakeStore: AnyObject {
    /// Everything stored, versions in write order.
    func load() throws -> LakeRecords
    /// Appends one batch atomically (one transaction): all of it is stored or none.
    func append(_ records: LakeRecords) throws
}
