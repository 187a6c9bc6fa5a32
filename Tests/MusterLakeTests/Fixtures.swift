import Foundation
import MusterLake
import MusterModel

/// A small catalog: api -> db, worker -> db, web -> api; teams, users, orgs and customers.
enum Fixtures {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    static func at(_ minutes: Double) -> Date { start.addingTimeInterval(minutes * 60) }

    static func ref(_ text: String) -> EntityRef {
        guard let ref = EntityRef(text) else { fatalError("bad fixture ref \(text)") }
        return ref
    }

    static func entity(
        _ text: String, _ relations: [String: [String]] = [:], properties: [String: JSONValue] = [:]
    ) -> Entity {
        Entity(ref: ref(text), properties: properties, relations: relations.mapValues { $0.map(ref) })
    }

    static var catalog: [Entity] {
        [
            entity("service:web", ["dependsOn": ["service:api"], "ownedBy": ["team:frontend"]]),
            entity("service:api", ["dependsOn": ["resource:db"], "ownedBy": ["team:backend"]]),
            entity("service:worker", ["dependsOn": ["resource:db"], "ownedBy": ["team:backend"]]),
            entity("resource:db", ["ownedBy": ["team:platform"]], properties: ["type": "database"]),
            entity("team:frontend"), entity("team:backend"), entity("team:platform"),
            entity("user:ann", ["memberOf": ["team:backend"]]),
            entity("user:bob", ["memberOf": ["team:backend"]]),
            entity("user:cy", ["memberOf": ["team:platform"]]),
            entity("customer:acme"), entity("customer:globex"),
            entity("org:acme-prod", ["belongsTo": ["customer:acme"]]),
            entity("org:acme-dev", ["belongsTo": ["customer:acme"]]),
            entity("org:globex-1", ["belongsTo": ["customer:globex"]]),
        ]
    }

    static func lake() throws -> ContextLake {
        let lake = ContextLake.inMemory()
        try lake.upsert(catalog, at: start)
        return lake
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    init(stringLiteral value: String) { self = .string(value) }
}
