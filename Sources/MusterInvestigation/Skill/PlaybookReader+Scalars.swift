import MusterModel
import MusterYAML

/// Checked scalars: every wrong value names its field path, file, line and column.
extension PlaybookReader {
    /// A scalar list item with where it is written.
    struct Word {
        var text: String
        var path: String
        var mark: YAMLMark
    }

    func fields(_ node: YAMLNode, _ path: String) throws(YAMLError) -> YAMLFields {
        try YAMLFields(node, file: file, path: path)
    }

    func bool(_ section: YAMLFields, _ key: String) throws(YAMLError) -> Bool? {
        guard let value = section.optional(key) else { return nil }
        switch value.scalar {
        case "true": return true
        case "false": return false
        default: throw section.error(at: value, "\(section.path(of: key)): expected true or false")
        }
    }

    func number(_ section: YAMLFields, _ key: String, above low: Double) throws(YAMLError) -> Double? {
        guard let value = try section.optionalDouble(key) else { return nil }
        guard value > low, value.isFinite else { throw outOfRange(section, key, "greater than \(Self.text(low))") }
        return value
    }

    func number(_ section: YAMLFields, _ key: String, atLeast low: Double) throws(YAMLError) -> Double? {
        guard let value = try section.optionalDouble(key) else { return nil }
        guard value >= low, value.isFinite else { throw outOfRange(section, key, "at least \(Self.text(low))") }
        return value
    }

    /// A share in (0, 1], or [0, 1] when `allowsZero`.
    func share(_ section: YAMLFields, _ key: String, allowsZero: Bool = false) throws(YAMLError) -> Double? {
        guard let value = try section.optionalDouble(key) else { return nil }
        guard value <= 1, allowsZero ? value >= 0 : value > 0 else {
            throw outOfRange(section, key, allowsZero ? "between 0 and 1" : "greater than 0 and at most 1")
        }
        return value
    }

    func integer(_ section: YAMLFields, _ key: String, atLeast low: Int) throws(YAMLError) -> Int? {
        guard let value = section.optional(key) else { return nil }
        guard let text = value.scalar, let number = Int(text) else {
            throw section.error(at: value, "\(section.path(of: key)): expected a whole number")
        }
        guard number >= low else { throw outOfRange(section, key, "at least \(low)") }
        return number
    }

    /// A positive duration (`30m`, `6h`) in seconds.
    func duration(_ section: YAMLFields, _ key: String) throws(YAMLError) -> Double? {
        guard let value = try section.optionalDuration(key) else { return nil }
        guard value > 0 else { throw outOfRange(section, key, "a positive duration") }
        return value
    }

    /// A list of non-empty scalars (a single scalar reads as a list of one).
    func words(_ section: YAMLFields, _ key: String) throws(YAMLError) -> [Word] {
        var result: [Word] = []
        let items = section.list(key)
        for (index, item) in items.enumerated() {
            let path =
                section.optional(key)?.sequence == nil ? section.path(of: key) : "\(section.path(of: key))[\(index)]"
            guard let text = item.scalar, !text.isEmpty else {
                throw section.error(at: item, "\(path): expected a name")
            }
            result.append(Word(text: text, path: path, mark: item.mark))
        }
        return result
    }

    private func outOfRange(_ section: YAMLFields, _ key: String, _ expected: String) -> YAMLError {
        let node = section.optional(key) ?? section.node
        return section.error(
            at: node, "\(section.path(of: key)): '\(node.scalar ?? "?")' is out of range (expected \(expected))")
    }

    static func text(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
