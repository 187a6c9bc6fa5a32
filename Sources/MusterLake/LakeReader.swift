public import Foundation
public import MusterModel

/// Synchronous, read-only queries over the context lake.
///
/// Engines (correlation, investigation) depend on this protocol, not on `ContextLake`, so they can run
/// on fakes. Every call answers from memory in microseconds; `asOf: nil` means "latest", otherwise the
/// lake as it stood at that instant (entity versions written at or before it).
public protocol LakeReader: Sendable {
    /// The entity as of an instant; nil when it did not exist then.
    func entity(_ ref: EntityRef, asOf: Date?) -> Entity?
    /// Every entity of a kind, sorted by ref.
    func entities(ofKind kind: String, asOf: Date?) -> [Entity]
    /// How many entities of a kind exist now.
    func count(ofKind kind: String) -> Int
    /// Every version of an entity, oldest first.
    func history(of ref: EntityRef) -> [EntityVersion]
    /// Targets of a relation from `ref`, written or implied by an inverse (`owns` answers from `ownedBy`).
    func related(_ ref: EntityRef, by relation: String, asOf: Date?) -> [EntityRef]
    /// Entities that depend on `ref` (transitively), nearest first (then in write order); `depth` nil = unlimited.
    func dependents(of ref: EntityRef, depth: Int?, asOf: Date?) -> [GraphHit]
    /// Entities `ref` depends on (transitively), nearest first (then in write order); `depth` nil = unlimited.
    func dependencies(of ref: EntityRef, depth: Int?, asOf: Date?) -> [GraphHit]
    /// Users on call for a team at an instant (shifts are `[from, to)`), sorted.
    func onCall(team: EntityRef, at instant: Date) -> [EntityRef]
    /// Deployments on any of `targets` with `from <= at <= to`, oldest first.
    func deployments(on targets: Set<EntityRef>, from: Date, to: Date) -> [Deployment]
    /// Changes on any of `targets` with `from <= at <= to`, oldest first.
    func changes(on targets: Set<EntityRef>, from: Date, to: Date) -> [Change]
    /// Remediation actions on any of `targets` with `from <= at <= to`, oldest first.
    func actions(on targets: Set<EntityRef>, from: Date, to: Date) -> [ActionRecord]
    /// The service or resource an alert belongs to, by the spec's mapping rules; nil when unmapped.
    func entity(forAlert alert: Alert, asOf: Date?) -> EntityRef?
}

extension LakeReader {
    /// Owners of an entity (`ownedBy`); when it has none, the owners of what it is `partOf`, nearest first.
    public func owners(of ref: EntityRef, asOf: Date? = nil) -> [EntityRef] {
        var frontier = [ref]
        var seen: Set<EntityRef> = [ref]
        for _ in 0..<4 {
            let owners = Set(frontier.flatMap { related($0, by: Relation.ownedBy, asOf: asOf) })
            if !owners.isEmpty { return owners.sorted() }
            frontier = frontier.flatMap { related($0, by: Relation.partOf, asOf: asOf) }.filter {
                seen.insert($0).inserted
            }
            if frontier.isEmpty { break }
        }
        return []
    }

    /// Members of a team (`hasMember`, implied by users' `memberOf`).
    public func members(of team: EntityRef, asOf: Date? = nil) -> [EntityRef] {
        related(team, by: Relation.hasMember, asOf: asOf)
    }

    /// Customers that the given orgs belong to (`belongsTo`), sorted and unique.
    public func customers(ofOrgs orgs: some Sequence<EntityRef>, asOf: Date? = nil) -> [EntityRef] {
        Set(orgs.flatMap { related($0, by: Relation.belongsTo, asOf: asOf) }).sorted()
    }

    /// Who is affected when `ref` fails at `instant`: its dependents, the teams owning it and them,
    /// and those teams' on-call users at that instant.
    public func blastRadius(of ref: EntityRef, at instant: Date) -> BlastRadius {
        let hits = dependents(of: ref, depth: nil, asOf: instant)
        var teams: Set<EntityRef> = []
        for affected in [ref] + hits.map(\.ref) {
            teams.formUnion(owners(of: affected, asOf: instant))
        }
        var onCall: [EntityRef: [EntityRef]] = [:]
        for team in teams {
            let users = self.onCall(team: team, at: instant)
            if !users.isEmpty { onCall[team] = users }
        }
        return BlastRadius(origin: ref, dependents: hits, teams: teams.sorted(), onCall: onCall)
    }

    /// How many entities of a kind exist now (readers that can count without copying override this).
    public func count(ofKind kind: String) -> Int { entities(ofKind: kind, asOf: nil).count }

    public func entity(_ ref: EntityRef) -> Entity? { entity(ref, asOf: nil) }
    public func entities(ofKind kind: String) -> [Entity] { entities(ofKind: kind, asOf: nil) }
    public func related(_ ref: EntityRef, by relation: String) -> [EntityRef] { related(ref, by: relation, asOf: nil) }
    public func dependents(of ref: EntityRef, depth: Int? = nil) -> [GraphHit] {
        dependents(of: ref, depth: depth, asOf: nil)
    }
    public func dependencies(of ref: EntityRef, depth: Int? = nil) -> [GraphHit] {
        dependencies(of: ref, depth: depth, asOf: nil)
    }
    public func entity(forAlert alert: Alert) -> EntityRef? { entity(forAlert: alert, asOf: nil) }
}
