/// Builds PromQL text: series selectors with string literals escaped as PromQL (Go) strings.
enum PromQL {
    /// `name{key="value",...}` with the matchers sorted by key; just `name` without matchers.
    ///
    /// Throws `invalidQuery` for a metric or label name PromQL cannot spell.
    static func selector(name: String, matching: [String: String]) throws(TelemetryError) -> String {
        guard isMetricName(name) else {
            throw TelemetryError(.invalidQuery, reason: "\"\(name)\" is not a valid Prometheus metric name")
        }
        guard !matching.isEmpty else { return name }
        var pairs: [String] = []
        for (key, value) in matching.sorted(by: { $0.key < $1.key }) {
            guard isLabelName(key) else {
                throw TelemetryError(.invalidQuery, reason: "\"\(key)\" is not a valid Prometheus label name")
            }
            pairs.append("\(key)=\(quoted(value))")
        }
        return name + "{" + pairs.joined(separator: ",") + "}"
    }

    /// `value` as a double-quoted PromQL string: backslash, quote and control characters escaped.
    static func quoted(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": text += "\\\\"
            case "\"": text += "\\\""
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
    static func isMetricName(_ name: String) -> Bool {
        isIdentifier(name, extra: ":")
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`
    static func isLabelName(_ name: String) -> Bool {
        isIdentifier(name, extra: nil)
    }

    private static func isIdentifier(_ name: String, extra: Unicode.Scalar?) -> Bool {
        guard let first = name.unicodeScalars.first else { return false }
        func isWordStart(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_" || scalar == extra
        }
        return isWordStart(first) && name.unicodeScalars.allSatisfy { isWordStart($0) || ("0"..."9").contains($0) }
    }
}
