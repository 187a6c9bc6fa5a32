public import MusterModel

/// Typed, checked access to a YAML mapping that reports errors with file, line and field path.
///
/// `path` is the dotted field path of the mapping (`timeline[3].alert`), used in every message.
public struct YAMLFields: Sendable {
    public let node: YAMLNode
    public let file: String
    public let path: String

    /// Wraps `node`, which must be a mapping.
    public init(_ node: YAMLNode, file: String, path: String) throws(YAMLError) {
        guard node.mapping != nil else {
            throw YAMLError(
                file: file, mark: node.mark, message: "\(path.isEmpty ? "document" : path): expected a mapping")
        }
        self.node = node
        self.file = file
        self.path = path
    }

    /// The path of a child field.
    public func path(of key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Throws on the first key not in `allowed`.
    public func rejectUnknownKeys(allowed: Set<String>) throws(YAMLError) {
        for (key, _) in node.mapping ?? [] where !allowed.contains(key) {
            let mark = node.markOfKey(key) ?? node.mark
            throw YAMLError(
                file: file, mark: mark,
                message: "\(path(of: key)): unknown key (expected one of: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    public func optional(_ key: String) -> YAMLNode? {
        guard let value = node[key], !value.isNull else { return nil }
        return value
    }

    public func required(_ key: String) throws(YAMLError) -> YAMLNode {
        guard let value = optional(key) else { throw error("\(path(of: key)): required field is missing") }
        return value
    }

    public func string(_ key: String) throws(YAMLError) -> String {
        let value = try required(key)
        guard let text = value.scalar else { throw error(at: value, "\(path(of: key)): expected a scalar") }
        return text
    }

    public func optionalString(_ key: String) throws(YAMLError) -> String? {
        guard let value = optional(key) else { return nil }
        guard let text = value.scalar else { throw error(at: value, "\(path(of: key)): expected a scalar") }
        return text
    }

    public func optionalDouble(_ key: String) throws(YAMLError) -> Double? {
        guard let value = optional(key) else { return nil }
        guard let text = value.scalar, let number = Double(text) else {
            throw error(at: value, "\(path(of: key)): expected a number")
        }
        return number
    }

    /// A duration (`90m`, `-2h`, `1h30m`) in seconds.
    public func duration(_ key: String) throws(YAMLError) -> Double {
        let value = try required(key)
        return try Self.duration(value, file: file, path: path(of: key))
    }

    public func optionalDuration(_ key: String) throws(YAMLError) -> Double? {
        guard let value = optional(key) else { return nil }
        return try Self.duration(value, file: file, path: path(of: key))
    }

    public static func duration(_ value: YAMLNode, file: String, path: String) throws(YAMLError) -> Double {
        guard let text = value.scalar, let seconds = DurationText.seconds(text) else {
            throw YAMLError(
                file: file, mark: value.mark,
                message: "\(path): '\(value.scalar ?? "?")' is not a duration (like 90m, 1h30m, -2h, 45s)")
        }
        return seconds
    }

    /// A reference `kind:id`.
    public func ref(_ key: String) throws(YAMLError) -> EntityRef {
        let value = try required(key)
        return try Self.ref(value, file: file, path: path(of: key))
    }

    public func optionalRef(_ key: String) throws(YAMLError) -> EntityRef? {
        guard let value = optional(key) else { return nil }
        return try Self.ref(value, file: file, path: path(of: key))
    }

    public static func ref(_ value: YAMLNode, file: String, path: String) throws(YAMLError) -> EntityRef {
        guard let text = value.scalar, let ref = EntityRef(text) else {
            throw YAMLError(
                file: file, mark: value.mark, message: "\(path): '\(value.scalar ?? "?")' is not a reference kind:id")
        }
        return ref
    }

    /// A list, or a single item read as a list of one.
    public func list(_ key: String) -> [YAMLNode] {
        guard let value = optional(key) else { return [] }
        return value.sequence ?? [value]
    }

    public func error(_ message: String) -> YAMLError {
        YAMLError(file: file, mark: node.mark, message: message)
    }

    public func error(at value: YAMLNode, _ message: String) -> YAMLError {
        YAMLError(file: file, mark: value.mark, message: message)
    }
}
