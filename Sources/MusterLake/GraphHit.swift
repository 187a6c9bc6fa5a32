public import Foundation
public import MusterModel

/// An entity reached by a graph traversal, with how far and by which path.
public struct GraphHit: Hashable, Sendable, Codable {
    /// The entity reached.
    public var ref: EntityRef
    /// Number of hops from the origin (1 = direct).
    public var distance: Int
    /// The path found, origin first and `ref` last (`distance + 1` refs).
    public var path: [EntityRef]

    public init(ref: EntityRef, distance: Int, path: [EntityRef]) {
        self.ref = ref
        self.distance = distance
        self.path = path
    }
}

/// What a failure of `origin` reaches: dependents, owning teams, their on-call users.
public struct BlastRadius: Hashable, Sendable, Codable {
    public var origin: EntityRef
    /// Transitive dependents, nearest first.
    public var dependents: [GraphHit]
    /// Owners of the origin and of every dependent, sorted.
    public var teams: [EntityRef]
    /// On-call users per team at the instant asked; teams with nobody on call are absent.
    public var onCall: [EntityRef: [EntityRef]]

    public init(origin: EntityRef, dependents: [GraphHit], teams: [EntityRef], onCall: [EntityRef: [EntityRef]]) {
        self.origin = origin
        self.dependents = dependents
        self.teams = teams
        self.onCall = onCall
    }

    /// Every on-call user of every team, sorted and unique.
    public var onCallUsers: [EntityRef] { Set(onCall.values.flatMap { $0 }).sorted() }

    enum CodingKeys: String, CodingKey { case origin, dependents, teams, onCall }

    /// The on-call map is written keyed by the team's `kind:id` (a dictionary keyed by a non-string
    /// type would encode as a flat list).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(origin, forKey: .origin)
        try container.encode(dependents, forKey: .dependents)
        try container.encode(teams, forKey: .teams)
        try container.encode(
            Dictionary(uniqueKeysWithValues: onCall.map { ($0.key.description, $0.value) }), forKey: .onCall)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        origin = try container.decode(EntityRef.self, forKey: .origin)
        dependents = try container.decode([GraphHit].self, forKey: .dependents)
        teams = try container.decode([EntityRef].self, forKey: .teams)
        let byText = try container.decode([String: [EntityRef]].self, forKey: .onCall)
        onCall = Dictionary(
            uniqueKeysWithValues: byText.compactMap { key, value in EntityRef(key).map { ($0, value) } })
    }
}

/// One version of an entity: its content from instant `at` until the next version.
public struct EntityVersion: Hashable, Sendable, Codable {
    public var entity: Entity
    public var at: Date

    public init(entity: Entity, at: Date) {
        self.entity = entity
        self.at = at
    }
}
