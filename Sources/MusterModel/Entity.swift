/// One node of the context lake: a service, resource, team, person, customer, org, deployment, ...
public struct Entity: Hashable, Codable, Sendable {
    public var ref: EntityRef
    public var title: String?
    /// Open properties (`type`, `signals`, `actions`, `replicas`, `slack_channel`, ...).
    public var properties: [String: JSONValue]
    /// Outgoing relations by name, as written (`ownedBy`, `dependsOn`, ...). Inverses are implied by the lake.
    public var relations: [String: [EntityRef]]

    public init(
        ref: EntityRef, title: String? = nil, properties: [String: JSONValue] = [:],
        relations: [String: [EntityRef]] = [:]
    ) {
        self.ref = ref
        self.title = title
        self.properties = properties
        self.relations = relations
    }

    /// The display name: the title, else the id.
    public var displayName: String { title ?? ref.id }

    /// `properties.type`, for resources.
    public var type: String? { properties["type"]?.stringValue }

    /// Remediation actions registered for this entity (`properties.actions`).
    public var registeredActions: [String] { properties["actions"]?.arrayValue?.compactMap(\.stringValue) ?? [] }

    /// Current replica count where the entity scales horizontally.
    public var replicas: Int? { properties["replicas"]?.doubleValue.map { Int($0) } }

    /// The signals that describe this entity (`properties.signals`); malformed items are skipped.
    public var signals: [SignalSpec] {
        properties["signals"]?.arrayValue?.compactMap(SignalSpec.init(json:)) ?? []
    }
}

/// Relation names that carry meaning, and their implied inverses.
public enum Relation {
    public static let ownedBy = "ownedBy"
    public static let owns = "owns"
    public static let memberOf = "memberOf"
    public static let hasMember = "hasMember"
    public static let dependsOn = "dependsOn"
    public static let dependencyOf = "dependencyOf"
    public static let belongsTo = "belongsTo"
    public static let hasOrg = "hasOrg"
    public static let partOf = "partOf"
    public static let hasPart = "hasPart"
    public static let deploys = "deploys"
    public static let deployedBy = "deployedBy"
    public static let changes = "changes"
    public static let changedBy = "changedBy"

    private static let pairs: [(String, String)] = [
        (ownedBy, owns), (memberOf, hasMember), (dependsOn, dependencyOf), (belongsTo, hasOrg),
        (partOf, hasPart), (deploys, deployedBy), (changes, changedBy),
        ("providesApi", "apiProvidedBy"), ("consumesApi", "apiConsumedBy"), ("hasParent", "parentOf"),
    ]

    /// The inverse name of a relation: `ownedBy` -> `owns` and back; unknown names get `<name>Inverse`.
    public static func inverse(of name: String) -> String {
        for (forward, backward) in pairs {
            if name == forward { return backward }
            if name == backward { return forward }
        }
        return name + "Inverse"
    }
}
