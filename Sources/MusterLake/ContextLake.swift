public import Foundation
public import MusterModel
internal import Synchronization

/// The context lake: the time-versioned system of record for entities, relations and history.
///
/// Thread safety: all state (graph, indexes, history and the store with its SQLite handles) lives in one
/// `Mutex<LakeState>`; every read and write takes the lock for its whole duration and only `Sendable`
/// values leave it, so the class is `Sendable` without `@unchecked`. Reads are synchronous and answer from
/// memory; writes validate, write through to the store in one transaction, then update memory.
public final class ContextLake: LakeReader {
    let state: Mutex<LakeState>

    /// Opens a lake over `store`, loading everything it holds into memory.
    public init(store: sending (any LakeStore)?) throws {
        var initial = LakeState(store: store)
        if let store = initial.store { initial.apply(try store.load()) }
        state = Mutex(initial)
    }

    /// A lake with no persistence, for tests and replay.
    public static func inMemory() -> ContextLake {
        let state = LakeState(store: nil)
        return ContextLake(state: state)
    }

    private init(state: sending LakeState) {
        self.state = Mutex(state)
    }

    /// Opens (creating or migrating) the SQLite file at `path` and loads it into memory.
    public static func open(path: String) throws -> ContextLake {
        try ContextLake(store: SQLiteLakeStore(path: path))
    }

    /// Number of entities (every kind, deployment and change entities included).
    public var entityCount: Int { state.withLock { $0.graph.count } }

    /// Writes entities as versions at `instant`, replacing their previous content.
    ///
    /// The batch is validated as a whole: relations may point at entities of the same batch in any order.
    /// Throws `LakeError.danglingReference` naming the entity, the relation and the missing ref.
    public func upsert(_ entities: [Entity], at instant: Date) throws {
        try write(LakeRecords(versions: entities.map { EntityVersion(entity: $0, at: instant) }))
    }

    /// Records a deployment and its `deployment:<target-id>@<version>` entity (relation `deploys`).
    public func record(_ deployment: Deployment) throws {
        try write(LakeRecords(versions: [Self.entityVersion(of: deployment)], deployments: [deployment]))
    }

    /// Records a change and its `change:<target-id>@<instant>` entity (relation `changes`).
    public func record(_ change: Change) throws {
        try write(LakeRecords(versions: [Self.entityVersion(of: change)], changes: [change]))
    }

    /// Records a remediation a person took; its target must exist.
    public func record(_ action: ActionRecord) throws {
        try write(LakeRecords(actions: [action]))
    }

    /// Adds an on-call shift.
    public func addShift(_ shift: OnCallShift) throws {
        try write(LakeRecords(shifts: [shift]))
    }

    /// Writes a mixed batch atomically (validated together, stored in one transaction).
    public func write(_ records: LakeRecords) throws {
        try state.withLock { state in try state.write(records) }
    }

    static func entityVersion(of deployment: Deployment) -> EntityVersion {
        let suffix = deployment.version ?? Timestamp.format(deployment.at)
        var properties: [String: JSONValue] = ["at": .string(Timestamp.format(deployment.at))]
        if let version = deployment.version { properties["version"] = .string(version) }
        if let commit = deployment.commit { properties["commit"] = .string(commit) }
        if let by = deployment.by { properties["by"] = .string(by.description) }
        let entity = Entity(
            ref: EntityRef(kind: "deployment", id: "\(deployment.target.id)@\(suffix)"),
            title: "Deploy \(deployment.target.id) \(suffix)", properties: properties,
            relations: [Relation.deploys: [deployment.target]])
        return EntityVersion(entity: entity, at: deployment.at)
    }

    static func entityVersion(of change: Change) -> EntityVersion {
        var properties: [String: JSONValue] = [
            "at": .string(Timestamp.format(change.at)), "summary": .string(change.summary),
        ]
        if let by = change.by { properties["by"] = .string(by.description) }
        let entity = Entity(
            ref: EntityRef(kind: "change", id: "\(change.target.id)@\(Timestamp.format(change.at))"),
            title: change.summary, properties: properties, relations: [Relation.changes: [change.target]])
        return EntityVersion(entity: entity, at: change.at)
    }
}
