public import MusterModel
public import MusterYAML

extension YAMLNode {
    /// The node as JSON with conservative typing of plain scalars, for open payloads.
    ///
    /// Unlike `json()`, a plain scalar becomes a number only when it is written like a JSON number with no
    /// exponent and no leading zeros (`42`, `-3`, `0.95`) and is exact as a `Double` (at most 2^53).
    /// `true`/`false` and `null`/`~`/empty keep their YAML 1.2 core-schema meaning. Everything else stays a
    /// string, so hex fingerprints (`0e12345`, `9e12`), ids with leading zeros (`007`), dotted versions
    /// (`3.4.1`) and timestamps are never corrupted. Quoted scalars are always strings.
    public func payloadJSON() -> JSONValue {
        switch content {
        case .scalar(let text, let isPlain):
            return isPlain ? PayloadScalar.typed(text) : .string(text)
        case .sequence(let items):
            return .array(items.map { $0.payloadJSON() })
        case .mapping:
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping ?? [] { members[key] = value.payloadJSON() }
            return .object(members)
        }
    }
}

/// Conservative typing of plain payload scalars.
enum PayloadScalar {
    static func typed(_ text: String) -> JSONValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: return number(text).map(JSONValue.number) ?? .string(text)
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?` with a magnitude of at most 2^53; nil otherwise.
    static func number(_ text: String) -> Double? {
        var digits = Substring(text)
        if digits.hasPrefix("-") { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit),
            whole == "0" || !whole.hasPrefix("0")
        else { return nil }
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.allSatisfy(\.isASCIIDigit) else { return nil }
        }
        guard let value = Double(text), abs(value) <= 9_007_199_254_740_992 else { return nil }
        return value
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
