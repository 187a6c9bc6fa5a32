public import MusterModel

/// Checks a skill's playbook against a lake: every action it recommends must be registered by some entity
/// (`properties.actions`), every signal name and metric it reads must be declared by some entity's
/// `properties.signals`, and, when the metrics themselves are known, every metric must have been seen.
///
/// Signal types, kinds and keys are checked when the skill loads (`SkillLoader`); this checks what only the
/// lake can confirm. Each problem is a `SkillError` at the line that names it.
public struct SkillCheck: Sendable {
    /// Entities of the lake, any kinds.
    public var entities: [Entity]
    /// Metric names that have samples; nil when unknown (a lake without a metric store).
    public var metrics: Set<String>?

    public init(entities: [Entity], metrics: Set<String>? = nil) {
        self.entities = entities
        self.metrics = metrics
    }

    /// Problems with `skill`'s own references, in file order; empty when it fits the lake.
    public func problems(of skill: Skill) -> [SkillError] {
        let actions = Set(entities.flatMap(\.registeredActions))
        let signals = entities.flatMap(\.signals)
        let signalNames = Set(signals.map(\.name))
        let declaredMetrics = Set(signals.map(\.metric))
        var problems: [SkillError] = []
        for reference in skill.references {
            var message: String?
            switch reference.kind {
            case .action where !actions.contains(reference.name):
                message =
                    "no entity registers the action '\(reference.name)' (properties.actions)"
                    + Self.suggestion(reference.name, among: actions)
            case .signal where !signalNames.contains(reference.name):
                message =
                    "no entity declares a signal named '\(reference.name)' (properties.signals)"
                    + Self.suggestion(reference.name, among: signalNames)
            case .metric where !declaredMetrics.contains(reference.name):
                message =
                    "no entity declares a signal on the metric '\(reference.name)'"
                    + Self.suggestion(reference.name, among: declaredMetrics)
            case .metric where metrics.map { !$0.contains(reference.name) } ?? false:
                message = "the metric '\(reference.name)' was never seen (no samples)"
            default:
                break
            }
            if let message {
                problems.append(
                    SkillError(
                        file: reference.file, line: reference.line, column: reference.column,
                        message: "\(reference.field): \(message)"))
            }
        }
        return problems.sorted { ($0.file, $0.line, $0.column) < ($1.file, $1.line, $1.column) }
    }

    /// `; did you mean 'x'?` for the closest known name within a third of its length, else nothing.
    static func suggestion(_ name: String, among known: Set<String>) -> String {
        let scored = known.map { ($0, distance(name, $0)) }.filter { $0.1 <= max(2, name.count / 3) }
        guard let best = scored.min(by: { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }) else { return "" }
        return "; did you mean '\(best.0)'?"
    }

    /// Levenshtein distance.
    static func distance(_ lhs: String, _ rhs: String) -> Int {
        let left = Array(lhs)
        let right = Array(rhs)
        guard !left.isEmpty else { return right.count }
        var previous = Array(0...right.count)
        for (i, leftCharacter) in left.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: right.count)
            for (j, rightCharacter) in right.enumerated() {
                current[j + 1] = min(
                    previous[j + 1] + 1, current[j] + 1, previous[j] + (leftCharacter == rightCharacter ? 0 : 1))
            }
            previous = current
        }
        return previous[right.count]
    }
}
