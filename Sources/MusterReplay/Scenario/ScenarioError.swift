public import MusterYAML

/// An invalid scenario: names the file, the 1-based line and column, the field path and what is wrong.
///
/// Renders as `file:line:col: field: message` (the field part is left out when no field applies, such as a
/// YAML syntax error, and the position when there is none, such as an unreadable file).
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    /// The scenario file as given to the loader.
    public var file: String
    /// 1-based line, 0 when the error has no position.
    public var line: Int
    /// 1-based column, 0 when the error has no position.
    public var column: Int
    /// The dotted field path, `timeline[3].alert.source`; empty when no field applies.
    public var field: String
    /// What is wrong, without the position or field.
    public var message: String

    /// An error at `line`:`column` of `file` (0:0 when it has no position).
    public init(file: String, line: Int, column: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    /// An error at `mark` in `file`.
    public init(file: String, mark: YAMLMark, field: String, message: String) {
        self.init(file: file, line: mark.line, column: mark.column, field: field, message: message)
    }

    /// Wraps a YAML syntax or `YAMLFields` error, splitting its leading `field: ` off the message.
    public init(_ error: YAMLError) {
        var field = ""
        var message = error.message
        if let separator = message.firstRange(of: ": "), !message[..<separator.lowerBound].contains(" ") {
            field = String(message[..<separator.lowerBound])
            message = String(message[separator.upperBound...])
        }
        self.init(file: error.file, mark: error.mark, field: field, message: message)
    }

    /// `file:line:col: field: message`.
    public var description: String {
        let position = line > 0 ? "\(file):\(line):\(column): " : "\(file): "
        return position + (field.isEmpty ? "" : "\(field): ") + message
    }
}
