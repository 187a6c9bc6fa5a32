/// An incident's id, `inc-1`, `inc-2`, ... in order of opening.
public struct IncidentID: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var number: Int

    public init(_ number: Int) { self.number = number }

    public var description: String { "inc-\(number)" }

    public static func < (lhs: IncidentID, rhs: IncidentID) -> Bool { lhs.number < rhs.number }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        number = Int(text.dropFirst(4)) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// How much an entity looked in trouble when an alert arrived, as the pipeline's probe saw it.
public enum Trouble: Hashable, Sendable {
    /// A non-load signal is anomalous (reason names signal and values).
    case anomalous(String)
    /// Only a load signal moved (a load change is evidence, not a fault).
    case loadShift(String)
    /// It has signals and they are normal.
    case healthy
    /// It has no signals: nothing is known.
    case unknown

    /// Whether a fault is visible.
    public var isAnomalous: Bool {
        if case .anomalous = self { return true }
        return false
    }
}
