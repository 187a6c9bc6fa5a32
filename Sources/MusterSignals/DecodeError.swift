/// Why a webhook body could not be turned into alerts; names the field path and, for bad JSON, the position.
public struct DecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is; the server maps every code to HTTP 400.
    public enum Code: String, Hashable, Sendable {
        /// The body is not JSON.
        case malformedJSON = "malformed_json"
        /// A required field is absent or null.
        case missingField = "missing_field"
        /// A field is present but has the wrong type or an unreadable value.
        case invalidField = "invalid_field"
        /// The payload declares a schema version this decoder does not speak.
        case unsupportedVersion = "unsupported_version"
    }

    public var code: Code
    /// The dotted path of the culprit, e.g. `event.data.id` or `alerts[2].startsAt`; empty for the whole body.
    public var path: String
    /// A human-readable reason.
    public var reason: String
    /// 1-based line of a JSON syntax error, when the parser reports one.
    public var line: Int?
    /// 1-based column of a JSON syntax error, when the parser reports one.
    public var column: Int?

    public init(_ code: Code, path: String, reason: String, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.path = path
        self.reason = reason
        self.line = line
        self.column = column
    }

    public var description: String {
        var text = path.isEmpty ? reason : "\(path): \(reason)"
        if let line {
            text += " (line \(line)" + (column.map { ", column \($0)" } ?? "") + ")"
        }
        return text
    }

    static func missing(_ path: String) -> DecodeError {
        DecodeError(.missingField, path: path, reason: "required field is missing")
    }

    static func invalid(_ path: String, _ reason: String) -> DecodeError {
        DecodeError(.invalidField, path: path, reason: reason)
    }
}
