public import Foundation
public import MusterModel
internal import Synchronization

extension ContextLake {
    public func entity(_ ref: EntityRef, asOf instant: Date?) -> Entity? {
        state.withLock { $0.entity(ref, asOf: instant) }
    }

    public func entities(ofKind kind: String, asOf instant: Date?) -> [Entity] {
        state.withLock { state in
            let nodes = state.graph.nodesByKind[kind] ?? []
            return nodes.compactMap { state.graph.version(of: $0, asOf: instant)?.entity }.sorted { $0.ref < $1.ref }
        }
    }

    /// How many entities of a kind exist now, without copying them.
    public func count(ofKind kind: String) -> Int {
        state.withLock { state in
            (state.graph.nodesByKind[kind] ?? []).reduce(0) {
                $0 + (state.graph.version(of: $1, asOf: nil) == nil ? 0 : 1)
            }
        }
    }

    public func history(of ref: EntityRef) -> [EntityVersion] {
        state.withLock { state in state.graph.node(ref).map { state.graph.versions[Int($0)] } ?? [] }
    }

    public func related(_ ref: EntityRef, by relation: String, asOf instant: Date?) -> [EntityRef] {
        state.withLock { $0.related(ref, by: relation, asOf: instant) }
    }

    public func dependents(of ref: EntityRef, depth: Int?, asOf instant: Date?) -> [GraphHit] {
        state.withLock { $0.traverse(from: ref, by: Relation.dependencyOf, depth: depth, asOf: instant) }
    }

    public func dependencies(of ref: EntityRef, depth: Int?, asOf instant: Date?) -> [GraphHit] {
        state.withLock { $0.traverse(from: ref, by: Relation.dependsOn, depth: depth, asOf: instant) }
    }

    /// Transitive dependents with their distance only, without paths: the shape of a recursive SQL query.
    public func dependentRefs(of ref: EntityRef, depth: Int?) -> [(ref: EntityRef, distance: Int)] {
        state.withLock { $0.reach(from: ref, by: Relation.dependencyOf, depth: depth, asOf: nil) }
    }

    /// Transitive traversal over any relation (its implied inverse included), nearest first.
    public func traverse(from ref: EntityRef, by relation: String, depth: Int?, asOf instant: Date?) -> [GraphHit] {
        state.withLock { $0.traverse(from: ref, by: relation, depth: depth, asOf: instant) }
    }

    public func onCall(team: EntityRef, at instant: Date) -> [EntityRef] {
        state.withLock { $0.history.onCall(team: team, at: instant) }
    }

    /// Every shift of a team, by start.
    public func shifts(of team: EntityRef) -> [OnCallShift] {
        state.withLock { $0.history.shifts[team] ?? [] }
    }

    public func deployments(on targets: Set<EntityRef>, from: Date, to: Date) -> [Deployment] {
        state.withLock { HistoryLog.window($0.history.deployments, targets: targets, from: from, to: to, at: \.at) }
    }

    public func changes(on targets: Set<EntityRef>, from: Date, to: Date) -> [Change] {
        state.withLock { HistoryLog.window($0.history.changes, targets: targets, from: from, to: to, at: \.at) }
    }

    public func actions(on targets: Set<EntityRef>, from: Date, to: Date) -> [ActionRecord] {
        state.withLock { HistoryLog.window($0.history.actions, targets: targets, from: from, to: to, at: \.at) }
    }

    public func entity(forAlert alert: Alert, asOf instant: Date?) -> EntityRef? {
        state.withLock { $0.entity(forAlert: alert, asOf: instant) }
    }

    /// Every relation name in use (written names and their inverses), sorted.
    public var relationNames: [String] { state.withLock { $0.graph.relationNames.sorted() } }
}
