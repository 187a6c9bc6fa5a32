/// What a signal measures; `load` is neutral, `health` is 1 when healthy, the others are worse when higher.
public enum SignalType: String, Codable, Sendable, CaseIterable {
    case load, errors, latency, saturation, lag, health
}

/// A metric that describes an entity, as declared in its `properties.signals`.
public struct SignalSpec: Hashable, Codable, Sendable {
    public var name: String
    public var type: SignalType
    public var metric: String
    public var match: [String: String]
    /// The metric is a counter: use its per-second rate.
    public var isRate: Bool
    /// A label whose values are entity ids of `breakdownKind`.
    public var breakdown: String?
    public var breakdownKind: String?

    public init(
        name: String, type: SignalType, metric: String, match: [String: String] = [:], isRate: Bool = false,
        breakdown: String? = nil, breakdownKind: String? = nil
    ) {
        self.name = name
        self.type = type
        self.metric = metric
        self.match = match
        self.isRate = isRate
        self.breakdown = breakdown
        self.breakdownKind = breakdownKind
    }

    /// Reads a signal from its JSON form; nil when a required field is missing or of the wrong type.
    public init?(json: JSONValue) {
        guard let name = json["name"]?.stringValue, let typeName = json["type"]?.stringValue,
            let type = SignalType(rawValue: typeName), let metric = json["metric"]?.stringValue
        else { return nil }
        var match: [String: String] = [:]
        for (key, value) in json["match"]?.objectValue ?? [:] { match[key] = value.stringValue }
        self.init(
            name: name, type: type, metric: metric, match: match, isRate: json["rate"]?.boolValue ?? false,
            breakdown: json["breakdown"]?.stringValue,
            breakdownKind: json["breakdown_kind"]?.stringValue ?? json["breakdown"]?.stringValue)
    }

    /// Whether higher values of this signal are worse (false for `load` and `health`).
    public var isHigherWorse: Bool { type != .load && type != .health }
}
