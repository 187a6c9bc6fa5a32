/// A parsed `muster` command line.
public enum Command: Equatable, Sendable {
    case replay(paths: [String], json: Bool, skill: String?)
    case demo
    case lakeImport(paths: [String], db: String, json: Bool)
    case lakeShow(ref: String, db: String, json: Bool)
    case lakeDependents(ref: String, depth: Int?, db: String, json: Bool)
    case lakeBlastRadius(ref: String, db: String, json: Bool)
    case lakeOnCall(team: String, at: String?, db: String, json: Bool)
    /// `bench`: every section, or only those named with `--only` (see ``BenchSection``).
    case bench(scenarios: [String], only: Set<BenchSection> = [])
    case serve(config: String?, listen: String?, db: String?)
    /// `skill check DIR`: validate a skill against a lake (`db`) or a scenario's catalog and metrics.
    case skillCheck(dir: String, db: String?, scenario: String?)
    case help
}

/// A command line that does not parse; exit code 64.
public struct UsageError: Error, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { "\(message)\n\n\(CommandParser.usage)" }
}

/// The parts of `muster bench`, selectable with `--only a,b`.
public enum BenchSection: String, CaseIterable, Sendable {
    case replay, lake, storm, intake, petshop, calibration
}
