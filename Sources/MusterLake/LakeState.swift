internal import Foundation
internal import MusterModel

/// The mutable state behind `ContextLake`'s lock: the graph, history, alert indexes and the store.
struct LakeState {
    var graph = LakeGraph()
    var history = HistoryLog()
    var alerts = AlertIndex()
    /// Scratch for traversals: a node is visited when its stamp equals the current generation, so
    /// no per-query allocation or clearing proportional to the catalog is needed.
    var visitStamp: [UInt32] = []
    var visitParent: [Int32] = []
    var visitGeneration: UInt32 = 0
    let store: (any LakeStore)?

    init(store: (any LakeStore)?) {
        self.store = store
    }

    /// Applies persisted or freshly validated records to memory (no validation, no write-through).
    mutating func apply(_ records: LakeRecords) {
        for version in records.versions { apply(version) }
        for deployment in records.deployments { history.add(deployment) }
        for change in records.changes { history.add(change) }
        for action in records.actions { history.add(action) }
        for shift in records.shifts { history.add(shift) }
    }

    private mutating func apply(_ version: EntityVersion) {
        let result = graph.add(version)
        guard result.changedCurrent, let node = graph.node(version.entity.ref) else { return }
        if let previous = result.previous { alerts.remove(previous, node: node) }
        alerts.add(version.entity, node: node)
    }

    /// Validates, persists, then applies a batch; memory is untouched when either step throws.
    mutating func write(_ records: LakeRecords) throws {
        try validate(records)
        if let store {
            do {
                try store.append(records)
            } catch {
                throw LakeError(.storage, "cannot store the write: \(error)")
            }
        }
        apply(records)
    }

    /// Every relation target must exist in the lake or in the batch; a batch names each entity once.
    func validate(_ records: LakeRecords) throws {
        var batch: Set<EntityRef> = []
        for version in records.versions where !batch.insert(version.entity.ref).inserted {
            throw LakeError(.duplicateEntity, "\(version.entity.ref) appears twice in one write")
        }
        for version in records.versions {
            for (relation, targets) in version.entity.relations.sorted(by: { $0.key < $1.key }) {
                for target in targets where !batch.contains(target) && !exists(target) {
                    throw LakeError(
                        .danglingReference,
                        "\(version.entity.ref): relation \(relation) -> \(target): \(target) does not exist in the lake"
                    )
                }
            }
        }
        for action in records.actions where !batch.contains(action.target) && !exists(action.target) {
            throw LakeError(
                .danglingReference,
                "action \(action.name) -> \(action.target): \(action.target) does not exist in the lake")
        }
    }

    func exists(_ ref: EntityRef) -> Bool {
        guard let node = graph.node(ref) else { return false }
        return graph.exists(node)
    }

    // MARK: Reads

    func entity(_ ref: EntityRef, asOf instant: Date?) -> Entity? {
        guard let node = graph.node(ref) else { return nil }
        return graph.version(of: node, asOf: instant)?.entity
    }

    /// Whether an as-of query can use the current indexes: nothing was written after `instant`.
    func isCurrent(_ instant: Date?) -> Bool {
        guard let instant else { return true }
        return instant >= graph.latestInstant
    }

    func related(_ ref: EntityRef, by name: String, asOf instant: Date?) -> [EntityRef] {
        guard let node = graph.node(ref), let relation = graph.existingRelationID(name) else { return [] }
        let nodes =
            isCurrent(instant)
            ? graph.neighbors(node, relation) : graph.neighbors(node, relation, asOf: instant ?? .distantFuture)
        return Set(nodes.map { graph.refs[Int($0)] }).sorted()
    }

    /// Breadth-first over `relation` from `ref`, each hit with the path found.
    ///
    /// Hits come nearest first; within one distance, in the order the entities were first written (node id),
    /// which is deterministic and avoids string comparisons on this hot path.
    /// Breadth-first levels from `ref` over a relation; parents are left in `visitParent`.
    mutating func levels(from start: Int32, relation: UInt32, depth: Int?, asOf instant: Date?) -> [[Int32]] {
        let current = isCurrent(instant)
        let limit = depth ?? Int.max
        if visitStamp.count < graph.count {
            visitStamp += [UInt32](repeating: 0, count: graph.count - visitStamp.count)
            visitParent += [Int32](repeating: -1, count: graph.count - visitParent.count)
        }
        visitGeneration &+= 1
        if visitGeneration == 0 {
            for index in visitStamp.indices { visitStamp[index] = 0 }
            visitGeneration = 1
        }
        let generation = visitGeneration
        // Move the scratch out of `self` so the closure below may write it while `graph` is read.
        var stamp = visitStamp
        var parent = visitParent
        visitStamp = []
        visitParent = []
        defer {
            visitStamp = stamp
            visitParent = parent
        }
        let graph = self.graph
        stamp[Int(start)] = generation
        parent[Int(start)] = -1
        var levels: [[Int32]] = []
        var frontier = [start]
        while !frontier.isEmpty && levels.count < limit {
            var next: [Int32] = []
            for node in frontier {
                if current {
                    graph.forEachNeighbor(node, relation) { neighbor in
                        if stamp[Int(neighbor)] != generation {
                            stamp[Int(neighbor)] = generation
                            parent[Int(neighbor)] = node
                            next.append(neighbor)
                        }
                    }
                } else {
                    for neighbor in graph.neighbors(node, relation, asOf: instant ?? .distantFuture)
                    where stamp[Int(neighbor)] != generation {
                        stamp[Int(neighbor)] = generation
                        parent[Int(neighbor)] = node
                        next.append(neighbor)
                    }
                }
            }
            next.sort()
            if !next.isEmpty { levels.append(next) }
            frontier = next
        }
        return levels
    }

    /// Transitive neighbours with distances only (the shape a recursive SQL query returns).
    mutating func reach(from ref: EntityRef, by name: String, depth: Int?, asOf instant: Date?) -> [(
        ref: EntityRef, distance: Int
    )] {
        guard let start = graph.node(ref), let relation = graph.existingRelationID(name) else { return [] }
        let refs = graph.refs
        var result: [(ref: EntityRef, distance: Int)] = []
        for (offset, level) in levels(from: start, relation: relation, depth: depth, asOf: instant).enumerated() {
            for node in level { result.append((refs[Int(node)], offset + 1)) }
        }
        return result
    }

    mutating func traverse(from ref: EntityRef, by name: String, depth: Int?, asOf instant: Date?) -> [GraphHit] {
        guard let start = graph.node(ref), let relation = graph.existingRelationID(name) else { return [] }
        let levels = levels(from: start, relation: relation, depth: depth, asOf: instant)
        let parent = visitParent
        var hits: [GraphHit] = []
        hits.reserveCapacity(levels.reduce(0) { $0 + $1.count })
        let refs = graph.refs
        for (offset, level) in levels.enumerated() {
            let distance = offset + 1
            for node in level {
                // Initialize each slot once: no placeholder copies to release on this hot path.
                let path = [EntityRef](unsafeUninitializedCapacity: distance + 1) { buffer, count in
                    var cursor = node
                    for index in stride(from: distance, to: 0, by: -1) {
                        buffer.initializeElement(at: index, to: refs[Int(cursor)])
                        cursor = parent[Int(cursor)]
                    }
                    buffer.initializeElement(at: 0, to: ref)
                    count = distance + 1
                }
                hits.append(GraphHit(ref: refs[Int(node)], distance: distance, path: path))
            }
        }
        return hits
    }

    func entity(forAlert alert: Alert, asOf instant: Date?) -> EntityRef? {
        if isCurrent(instant) {
            return alerts.node(for: alert, refs: graph.refs).map { graph.refs[Int($0)] }
        }
        var index = AlertIndex()
        for node in 0..<Int32(graph.count) {
            if let version = graph.version(of: node, asOf: instant) { index.add(version.entity, node: node) }
        }
        return index.node(for: alert, refs: graph.refs).map { graph.refs[Int($0)] }
    }
}
