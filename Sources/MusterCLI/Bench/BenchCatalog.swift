import MusterModel

/// A deterministic, layered catalog for the lake bench: teams, users, resources and services.
///
/// Proportions of `size` entities: 1% teams, 9% users (`memberOf` a team), 30% resources (`ownedBy` a team;
/// those above the bottom layer `dependsOn` one resource below) and 60% services in six layers (`ownedBy`
/// a team, three `dependsOn` each: the bottom layer on resources, the others on two services one layer
/// down and one service two layers down or a resource). Targets are picked near the dependent's position,
/// so dependents stay clustered as in a real estate of microservices. 100,000 entities give 300,000 relations.
struct BenchCatalog {
    var entities: [Entity] = []
    var relationCount = 0
    /// Services and resources, the refs worth asking for dependents.
    var components: [EntityRef] = []

    static func team(_ index: Int) -> EntityRef { EntityRef(kind: "team", id: "team-\(index)") }
    static func user(_ index: Int) -> EntityRef { EntityRef(kind: "user", id: "user-\(index)") }
    static func resource(_ index: Int) -> EntityRef { EntityRef(kind: "resource", id: "res-\(index)") }
    static func service(_ index: Int) -> EntityRef { EntityRef(kind: "service", id: "svc-\(index)") }

    init(size: Int, seed: UInt64 = 20_261_120) {
        var random = BenchRandom(seed: seed)
        let teams = max(1, size / 100)
        let users = size * 9 / 100
        let resources = max(1, size * 30 / 100)
        let services = size - teams - users - resources
        let serviceLayers = 6
        let serviceLayer = max(1, services / serviceLayers)
        let resourceLayer = max(1, size * 9 / 100)
        entities.reserveCapacity(size)

        func near(_ position: Int, in range: Range<Int>, spread: Int) -> Int {
            guard !range.isEmpty else { return range.lowerBound }
            let target = position + random.within(-spread...spread)
            return min(range.upperBound - 1, max(range.lowerBound, target))
        }
        func add(_ ref: EntityRef, title: String, properties: [String: JSONValue], relations: [String: [EntityRef]]) {
            relationCount += relations.values.reduce(0) { $0 + $1.count }
            entities.append(Entity(ref: ref, title: title, properties: properties, relations: relations))
        }

        for index in 0..<teams {
            add(
                Self.team(index), title: "Team \(index)", properties: ["slack_channel": .string("#team-\(index)")],
                relations: [:])
        }
        for index in 0..<users {
            add(
                Self.user(index), title: "User \(index)", properties: [:],
                relations: [Relation.memberOf: [Self.team(index * teams / max(1, users))]])
        }
        let resourceTypes = ["postgres", "redis", "kafka", "s3", "mysql"]
        for index in 0..<resources {
            var relations = [Relation.ownedBy: [Self.team(index * teams / resources)]]
            if index >= resourceLayer {
                let below = index - resourceLayer
                let layerStart = below - below % resourceLayer
                relations[Relation.dependsOn] = [
                    Self.resource(near(below, in: layerStart..<min(index, layerStart + resourceLayer), spread: 20))
                ]
            }
            add(
                Self.resource(index), title: "Resource \(index)",
                properties: ["type": .string(resourceTypes[index % resourceTypes.count])], relations: relations)
            components.append(Self.resource(index))
        }
        for index in 0..<services {
            let layer = min(serviceLayers - 1, index / serviceLayer)
            let position = index - layer * serviceLayer
            var targets: [EntityRef] = []
            func pick(_ make: () -> EntityRef) {
                for _ in 0..<16 {
                    let ref = make()
                    if !targets.contains(ref) {
                        targets.append(ref)
                        return
                    }
                }
            }
            let resourcePosition = position * resources / serviceLayer
            if layer == 0 {
                for _ in 0..<3 { pick { Self.resource(near(resourcePosition, in: 0..<resources, spread: 30)) } }
            } else {
                let previous = (layer - 1) * serviceLayer
                for _ in 0..<2 {
                    pick {
                        Self.service(near(previous + position, in: previous..<(previous + serviceLayer), spread: 20))
                    }
                }
                if layer >= 2 && random.chance(0.5) {
                    let twoDown = (layer - 2) * serviceLayer
                    pick { Self.service(near(twoDown + position, in: twoDown..<(twoDown + serviceLayer), spread: 20)) }
                } else {
                    pick { Self.resource(near(resourcePosition, in: 0..<resources, spread: 30)) }
                }
            }
            let relations = [Relation.ownedBy: [Self.team(index % teams)], Relation.dependsOn: targets]
            add(
                Self.service(index), title: "Service \(index)",
                properties: ["type": .string("service"), "replicas": .number(3)], relations: relations)
            components.append(Self.service(index))
        }
    }

    /// `count` distinct components, chosen deterministically.
    func sample(_ count: Int, seed: UInt64 = 99) -> [EntityRef] {
        var random = BenchRandom(seed: seed)
        var chosen: [EntityRef] = []
        var seen: Set<Int> = []
        while chosen.count < min(count, components.count) {
            let index = random.below(components.count)
            if seen.insert(index).inserted { chosen.append(components[index]) }
        }
        return chosen
    }
}
