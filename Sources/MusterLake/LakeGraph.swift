internal import Foundation
internal import MusterModel

/// One adjacency entry: a relation (interned) and the node at the other end.
struct Edge: Hashable {
    var relation: UInt32
    var node: Int32
}

/// Entity versions and the relation index, addressed by compact `Int32` node ids.
///
/// `outgoing[a]` holds the relations `a` wrote in its latest version; `incoming[b]` mirrors them on the target
/// (with the relation as written, so an implied inverse is found by looking up the written name).
/// `everIncoming[b]` keeps every edge that any version ever wrote into `b`, for as-of traversals.
struct LakeGraph {
    private(set) var index: [EntityRef: Int32] = [:]
    private(set) var refs: [EntityRef] = []
    private(set) var versions: [[EntityVersion]] = []
    private(set) var outgoing: [[Edge]] = []
    private(set) var incoming: [[Edge]] = []
    private(set) var everIncoming: [[Edge]] = []
    private(set) var nodesByKind: [String: [Int32]] = [:]
    private var relationIDs: [String: UInt32] = [:]
    private(set) var relationNames: [String] = []
    private var inverses: [UInt32] = []
    /// The latest instant any version was written at.
    private(set) var latestInstant = Date.distantPast

    var count: Int { refs.count }

    func node(_ ref: EntityRef) -> Int32? { index[ref] }

    /// The interned id of a relation name, registering it and its inverse when new.
    mutating func relationID(_ name: String) -> UInt32 {
        if let id = relationIDs[name] { return id }
        let id = register(name)
        let inverseName = Relation.inverse(of: name)
        let inverseID = relationIDs[inverseName] ?? register(inverseName)
        inverses[Int(id)] = inverseID
        inverses[Int(inverseID)] = id
        return id
    }

    private mutating func register(_ name: String) -> UInt32 {
        let id = UInt32(relationNames.count)
        relationIDs[name] = id
        relationNames.append(name)
        inverses.append(id)
        return id
    }

    func existingRelationID(_ name: String) -> UInt32? { relationIDs[name] }

    func inverse(_ relation: UInt32) -> UInt32 { inverses[Int(relation)] }

    /// The node for `ref`, created empty when new.
    mutating func intern(_ ref: EntityRef) -> Int32 {
        if let node = index[ref] { return node }
        let node = Int32(refs.count)
        index[ref] = node
        refs.append(ref)
        versions.append([])
        outgoing.append([])
        incoming.append([])
        everIncoming.append([])
        nodesByKind[ref.kind, default: []].append(node)
        return node
    }

    /// Adds a version; when it becomes the latest, re-indexes the node's relations.
    /// Returns the previous latest entity when the current one changed (nil and `true` for a new node).
    mutating func add(_ version: EntityVersion) -> (changedCurrent: Bool, previous: Entity?) {
        let node = intern(version.entity.ref)
        let nodeIndex = Int(node)
        latestInstant = max(latestInstant, version.at)
        let previous = versions[nodeIndex].last?.entity
        let position = versions[nodeIndex].lastIndex { $0.at <= version.at }.map { $0 + 1 } ?? 0
        versions[nodeIndex].insert(version, at: position)
        for (name, targets) in version.entity.relations {
            let relation = relationID(name)
            for target in targets {
                let targetNode = intern(target)
                let edge = Edge(relation: relation, node: node)
                if !everIncoming[Int(targetNode)].contains(edge) { everIncoming[Int(targetNode)].append(edge) }
            }
        }
        guard position == versions[nodeIndex].count - 1 else { return (false, nil) }
        for edge in outgoing[nodeIndex] {
            incoming[Int(edge.node)].removeAll { $0.relation == edge.relation && $0.node == node }
        }
        var edges: [Edge] = []
        for (name, targets) in version.entity.relations.sorted(by: { $0.key < $1.key }) {
            let relation = relationID(name)
            for target in targets {
                let targetNode = intern(target)
                let edge = Edge(relation: relation, node: targetNode)
                guard !edges.contains(edge) else { continue }
                edges.append(edge)
                incoming[Int(targetNode)].append(Edge(relation: relation, node: node))
            }
        }
        outgoing[nodeIndex] = edges
        return (true, previous)
    }

    /// The version of a node in force at `instant` (nil = latest).
    func version(of node: Int32, asOf instant: Date?) -> EntityVersion? {
        let list = versions[Int(node)]
        guard let instant else { return list.last }
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].at <= instant { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : list[low - 1]
    }

    /// Whether a node has a version written (it may be a mere target, interned ahead of its entity).
    func exists(_ node: Int32) -> Bool { !versions[Int(node)].isEmpty }

    /// Current neighbours through `relation`: written edges plus the inverse of edges written towards the node.
    func neighbors(_ node: Int32, _ relation: UInt32) -> [Int32] {
        var result: [Int32] = []
        forEachNeighbor(node, relation) { result.append($0) }
        return result
    }

    /// Calls `body` for each current neighbour through `relation` (a node may come twice when an edge is
    /// written in both directions; callers that care deduplicate).
    @inline(__always)
    func forEachNeighbor(_ node: Int32, _ relation: UInt32, _ body: (Int32) -> Void) {
        let inverse = inverses[Int(relation)]
        outgoing.withUnsafeBufferPointer { outgoing in
            for edge in outgoing[Int(node)] where edge.relation == relation { body(edge.node) }
        }
        incoming.withUnsafeBufferPointer { incoming in
            for edge in incoming[Int(node)] where edge.relation == inverse { body(edge.node) }
        }
    }

    /// Neighbours through `relation` as the lake stood at `instant` (slower: reads versions).
    func neighbors(_ node: Int32, _ relation: UInt32, asOf instant: Date) -> [Int32] {
        guard let version = version(of: node, asOf: instant) else { return [] }
        let name = relationNames[Int(relation)]
        var result: [Int32] = []
        for target in version.entity.relations[name] ?? [] {
            if let targetNode = index[target], !result.contains(targetNode) { result.append(targetNode) }
        }
        let inverse = inverse(relation)
        let inverseName = relationNames[Int(inverse)]
        let ref = refs[Int(node)]
        for edge in everIncoming[Int(node)] where edge.relation == inverse && !result.contains(edge.node) {
            guard let source = self.version(of: edge.node, asOf: instant),
                source.entity.relations[inverseName]?.contains(ref) == true
            else { continue }
            result.append(edge.node)
        }
        return result
    }
}
