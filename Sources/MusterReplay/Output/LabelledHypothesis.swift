public import MusterInvestigation

/// A hypothesis of a replayed incident whose root cause the scenario names, and whether it is that cause.
public struct LabelledHypothesis: Sendable {
    public var scenario: String
    /// The incident's id (`inc-1`).
    public var incident: String
    /// Its place in the verdict's ranking; 0 is the top hypothesis.
    public var rank: Int
    public var hypothesis: Hypothesis
    public var isCorrect: Bool

    public init(scenario: String, incident: String, rank: Int, hypothesis: Hypothesis, isCorrect: Bool) {
        self.scenario = scenario
        self.incident = incident
        self.rank = rank
        self.hypothesis = hypothesis
        self.isCorrect = isCorrect
    }
}
