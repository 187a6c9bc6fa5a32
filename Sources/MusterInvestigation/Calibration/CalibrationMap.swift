/// A monotone map from a hypothesis' raw score to the probability that it is right.
///
/// Piecewise linear between its points and flat beyond the first and the last; with no points it is the
/// identity (the confidence is the raw score). `IsotonicFit` fits one on incidents whose cause is known;
/// the playbook's `calibration.points` holds it (`Playbook.calibration`).
public struct CalibrationMap: Hashable, Sendable {
    /// One knot: a raw score and the probability of being right at that score.
    public struct Point: Hashable, Sendable {
        public var score: Double
        public var probability: Double

        public init(score: Double, probability: Double) {
            self.score = score
            self.probability = probability
        }
    }

    /// Scores strictly increasing, probabilities non-decreasing, all within [0, 1].
    public let points: [Point]

    /// The map that leaves every score as it is.
    public static let identity = CalibrationMap(points: [])

    /// A map through `points`, which must pass `problem(in:)`.
    public init(points: [Point]) {
        if let problem = Self.problem(in: points) {
            preconditionFailure("calibration point \(problem.index): \(problem.message)")
        }
        self.points = points
    }

    /// A map through `(score, probability)` pairs, which must pass `problem(in:)`.
    public init(_ pairs: [(Double, Double)]) {
        self.init(points: pairs.map { Point(score: $0.0, probability: $0.1) })
    }

    /// Whether the map leaves every score as it is.
    public var isIdentity: Bool { points.isEmpty }

    /// The probability of being right for a hypothesis with raw score `score`.
    public func probability(ofScore score: Double) -> Double {
        guard let first = points.first, let last = points.last else { return score }
        if score <= first.score { return first.probability }
        if score >= last.score { return last.probability }
        guard let upper = points.firstIndex(where: { $0.score >= score }), upper > 0 else { return first.probability }
        let low = points[upper - 1]
        let high = points[upper]
        let position = (score - low.score) / (high.score - low.score)
        return low.probability + position * (high.probability - low.probability)
    }

    /// The first point that breaks the rules, with its index and what is wrong; nil when there is none.
    public static func problem(in points: [Point]) -> (index: Int, message: String)? {
        for (index, point) in points.enumerated() {
            guard (0...1).contains(point.score) else { return (index, "score \(point.score) is not within 0...1") }
            guard (0...1).contains(point.probability) else {
                return (index, "probability \(point.probability) is not within 0...1")
            }
            guard index > 0 else { continue }
            let previous = points[index - 1]
            guard point.score > previous.score else {
                return (index, "score \(point.score) does not increase (the previous point has \(previous.score))")
            }
            guard point.probability >= previous.probability else {
                return (
                    index,
                    "probability \(point.probability) decreases (the previous point has \(previous.probability)); "
                        + "the map must be monotone"
                )
            }
        }
        return nil
    }
}
