/// A reference to a lake entity, written `kind:id` (for example `service:actions-worker`).
public struct EntityRef: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The entity's kind: `service`, `resource`, `team`, `user`, `customer`, `org`, ...
    public var kind: String
    /// The entity's id, unique within its kind.
    public var id: String

    public init(kind: String, id: String) {
        self.kind = kind
        self.id = id
    }

    /// Parses `kind:id`; returns nil when either side is empty or the colon is missing.
    public init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let kind = String(text[..<colon])
        let id = String(text[text.index(after: colon)...])
        guard !kind.isEmpty, !id.isEmpty else { return nil }
        self.init(kind: kind, id: id)
    }

    public var description: String { "\(kind):\(id)" }

    public static func < (lhs: EntityRef, rhs: EntityRef) -> Bool {
        (lhs.kind, lhs.id) < (rhs.kind, rhs.id)
    }
}

extension EntityRef: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let ref = EntityRef(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not a reference of the form kind:id")
        }
        self = ref
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
