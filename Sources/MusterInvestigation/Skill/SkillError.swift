public import MusterYAML

/// An invalid skill, or a skill that does not fit the lake: names the file, the 1-based line and column, and
/// what is wrong. Renders as `file:line:col: message` (`file: message` when it has no position).
public struct SkillError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the error has no position (an unreadable file).
    public var line: Int
    public var column: Int
    /// What is wrong, starting with the field path when one applies (`thresholds.sigmas: expected a number`).
    public var message: String

    public init(file: String, line: Int = 0, column: Int = 0, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// A YAML syntax or schema error, its line moved down by `lineOffset` (front matter starts on line 2).
    public init(_ error: YAMLError, lineOffset: Int = 0) {
        self.init(
            file: error.file, line: error.mark.line + lineOffset, column: error.mark.column, message: error.message)
    }

    public var description: String {
        line > 0 ? "\(file):\(line):\(column): \(message)" : "\(file): \(message)"
    }
}
