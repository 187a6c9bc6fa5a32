public import MusterModel

/// A position in a YAML text, 1-based.
public struct YAMLMark: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// One node of a parsed YAML document, with the mark where it starts.
public struct YAMLNode: Sendable {
    /// The node's content.
    public enum Content: Sendable {
        /// A scalar and whether it was written plain (unquoted), which decides its typing.
        case scalar(String, isPlain: Bool)
        case sequence([YAMLNode])
        /// Mapping entries in document order; keys are scalars.
        case mapping([(key: String, keyMark: YAMLMark, value: YAMLNode)])
    }

    public var content: Content
    public var mark: YAMLMark

    public init(_ content: Content, mark: YAMLMark) {
        self.content = content
        self.mark = mark
    }

    /// The scalar text, when this is a scalar.
    public var scalar: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// The items, when this is a sequence.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The entries, when this is a mapping.
    public var mapping: [(key: String, value: YAMLNode)]? {
        if case .mapping(let entries) = content { return entries.map { ($0.key, $0.value) } }
        return nil
    }

    /// The value at `key`, when this is a mapping that has it.
    public subscript(key: String) -> YAMLNode? {
        if case .mapping(let entries) = content { return entries.first { $0.key == key }?.value }
        return nil
    }

    /// The mark of `key` itself, when this is a mapping that has it.
    public func markOfKey(_ key: String) -> YAMLMark? {
        if case .mapping(let entries) = content { return entries.first { $0.key == key }?.keyMark }
        return nil
    }

    /// Whether this is a null scalar (`~`, `null`, or empty and plain).
    public var isNull: Bool {
        if case .scalar(let text, let isPlain) = content { return isPlain && YAMLScalar.isNull(text) }
        return false
    }

    /// The node as JSON: plain scalars are typed (null, bool, number), quoted ones stay strings.
    public func json() -> JSONValue {
        switch content {
        case .scalar(let text, let isPlain):
            return isPlain ? YAMLScalar.typed(text) : .string(text)
        case .sequence(let items):
            return .array(items.map { $0.json() })
        case .mapping(let entries):
            var members: [String: JSONValue] = [:]
            for entry in entries { members[entry.key] = entry.value.json() }
            return .object(members)
        }
    }
}

/// YAML 1.2 core-schema typing of plain scalars.
enum YAMLScalar {
    static func isNull(_ text: String) -> Bool {
        text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    static func typed(_ text: String) -> JSONValue {
        if isNull(text) { return .null }
        switch text {
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let first = text.first, first.isNumber || first == "-" || first == "+" || first == ".",
            text.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }), let number = Double(text)
        {
            return .number(number)
        }
        return .string(text)
    }
}
