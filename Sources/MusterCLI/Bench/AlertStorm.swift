import Foundation
import MusterCorrelation
import MusterLake
import MusterModel
import MusterPipeline

/// A deterministic alert storm over a generated catalog, for the correlation bench.
///
/// The catalog: `teams` teams, a few shared resources and five hubs, and `services` services in five layers
/// (each on two services one layer down, the bottom layer on a shared resource; a fifth of them also on a hub).
/// The alerts, sorted by arrival: real incidents (an upstream service fails and the services up to three
/// hops above it alert within minutes, then resolve) and flapping noise (random services firing and resolving
/// the same alert over and over), `alerts` deliveries in all.
struct AlertStorm {
    var catalog: [Entity] = []
    var arrivals: [AlertArrival] = []
    /// Real incidents: the failing upstream and the dedup keys of the alerts it caused.
    var incidents: [(origin: EntityRef, keys: Set<String>)] = []

    static let start = Date(timeIntervalSince1970: 1_795_000_000)
    static let day: TimeInterval = 24 * 3600

    init(services: Int = 5_000, teams: Int = 300, alerts: Int = 100_000, incidentCount: Int = 25, seed: UInt64 = 4_242)
    {
        var random = BenchRandom(seed: seed)
        let layers = 5
        let layerSize = max(1, services / layers)
        let sharedResources = max(1, teams / 5)
        let hubs = (0..<5).map { EntityRef(kind: "resource", id: "hub-\($0)") }
        let team = { (index: Int) in EntityRef(kind: "team", id: "team-\(index)") }
        let service = { (index: Int) in EntityRef(kind: "service", id: "svc-\(index)") }
        for index in 0..<teams { catalog.append(Entity(ref: team(index), title: "Team \(index)")) }
        for (index, hub) in hubs.enumerated() {
            catalog.append(Entity(ref: hub, title: "Hub \(index)", relations: [Relation.ownedBy: [team(index)]]))
        }
        for index in 0..<sharedResources {
            catalog.append(
                Entity(
                    ref: EntityRef(kind: "resource", id: "db-\(index)"), title: "Database \(index)",
                    properties: ["type": .string("postgres")], relations: [Relation.ownedBy: [team(index % teams)]]))
        }
        var dependents: [[Int]] = Array(repeating: [], count: services)
        for index in 0..<services {
            let layer = min(layers - 1, index / layerSize)
            var targets: [EntityRef] = []
            if layer == 0 {
                targets.append(
                    EntityRef(kind: "resource", id: "db-\(index * sharedResources / layerSize % sharedResources)"))
            } else {
                let below = (layer - 1) * layerSize
                let position = index - layer * layerSize
                for _ in 0..<2 {
                    let target = below + min(layerSize - 1, max(0, position + random.within(-10...10)))
                    if !targets.contains(service(target)) {
                        targets.append(service(target))
                        dependents[target].append(index)
                    }
                }
            }
            if random.chance(0.2) { targets.append(hubs[random.below(hubs.count)]) }
            catalog.append(
                Entity(
                    ref: service(index), title: "Service \(index)", properties: ["type": .string("service")],
                    relations: [Relation.ownedBy: [team(index * teams / services)], Relation.dependsOn: targets]))
        }

        var events: [(at: Date, arrival: AlertArrival)] = []
        func deliver(_ key: String, _ name: String, _ ref: EntityRef, fired: Date, at: Date, status: AlertStatus) {
            let alert = Alert(
                source: .alertmanager, sourceID: key, dedupKey: key, status: status, title: "\(name) on \(ref.id)",
                severity: name == "Flapping" ? .warning : .critical, labels: ["alertname": name, "service": ref.id],
                startedAt: fired, receivedAt: at)
            events.append((at, AlertArrival(alert: alert, entity: ref, eventID: "e\(events.count)")))
        }

        // Real incidents: an upstream in the bottom two layers fails; everything up to 3 hops above alerts.
        for number in 0..<incidentCount {
            let origin = random.below(min(services, 2 * layerSize))
            let onset = Self.start.addingTimeInterval(Self.day * (Double(number) + 0.5) / Double(incidentCount))
            var affected = [(origin, 0)]
            var seen: Set<Int> = [origin]
            var frontier = [origin]
            for distance in 1...3 {
                frontier = frontier.flatMap { dependents[$0] }.filter { seen.insert($0).inserted }
                affected += frontier.prefix(60 - affected.count).map { ($0, distance) }
            }
            var keys: Set<String> = []
            for (index, distance) in affected {
                for name in ["HighErrorRate", "HighLatency"] {
                    let key = "incident-\(number)/\(name)/svc-\(index)"
                    let fired = onset.addingTimeInterval(Double(distance * 45 + random.below(60)))
                    deliver(key, name, service(index), fired: fired, at: fired.addingTimeInterval(5), status: .firing)
                    let resolved = fired.addingTimeInterval(Double(random.within(1_200...2_400)))
                    deliver(key, name, service(index), fired: fired, at: resolved, status: .resolved)
                    keys.insert(key)
                }
            }
            incidents.append((service(origin), keys))
        }

        // Flapping noise until the storm has `alerts` deliveries.
        var flapper = 0
        while events.count < alerts {
            let index = random.below(services)
            let key = "flap-\(flapper)/svc-\(index)"
            flapper += 1
            var fired = Self.start.addingTimeInterval(Double(random.below(Int(Self.day))))
            while events.count < alerts && fired < Self.start.addingTimeInterval(Self.day) {
                deliver(key, "Flapping", service(index), fired: fired, at: fired.addingTimeInterval(2), status: .firing)
                let resolved = fired.addingTimeInterval(Double(random.within(60...240)))
                if events.count < alerts {
                    deliver(key, "Flapping", service(index), fired: fired, at: resolved, status: .resolved)
                }
                fired = resolved.addingTimeInterval(Double(random.within(300...3_600)))
            }
        }
        arrivals = events.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
            .map(\.element.arrival)
    }
}
