/// How well probabilities match outcomes: equal-width bins of confidence with their observed accuracy, the
/// expected calibration error and the Brier score.
public struct ReliabilityTable: Hashable, Sendable {
    /// The samples whose confidence falls in `lower..<upper` (the last bin includes 1).
    public struct Bin: Hashable, Sendable {
        public var lower: Double
        public var upper: Double
        public var count: Int
        /// Mean confidence of its samples; 0 when empty.
        public var meanConfidence: Double
        /// Share of its samples that were right; 0 when empty.
        public var accuracy: Double
    }

    /// Every bin, empty ones included, lowest first.
    public var bins: [Bin]
    public var count: Int
    /// Sum over bins of (bin count / count) x |accuracy - mean confidence|; 0 without samples.
    public var expectedCalibrationError: Double
    /// Mean of (confidence - outcome)^2, outcome 1 when right and 0 when wrong; 0 without samples.
    public var brierScore: Double
    /// Share of the samples that were right.
    public var accuracy: Double

    /// The table of `samples`, each `score` read as a probability, in `binCount` bins.
    public init(_ samples: [LabelledScore], binCount: Int = 10) {
        precondition(binCount >= 1, "a reliability table needs a bin")
        var sums = Array(repeating: (count: 0, confidence: 0.0, correct: 0), count: binCount)
        var squares = 0.0
        for sample in samples {
            let index = min(binCount - 1, max(0, Int(sample.score * Double(binCount))))
            sums[index].count += 1
            sums[index].confidence += sample.score
            if sample.isCorrect { sums[index].correct += 1 }
            let outcome = sample.isCorrect ? 1.0 : 0.0
            squares += (sample.score - outcome) * (sample.score - outcome)
        }
        count = samples.count
        bins = sums.enumerated().map { index, sum in
            Bin(
                lower: Double(index) / Double(binCount), upper: Double(index + 1) / Double(binCount), count: sum.count,
                meanConfidence: sum.count > 0 ? sum.confidence / Double(sum.count) : 0,
                accuracy: sum.count > 0 ? Double(sum.correct) / Double(sum.count) : 0)
        }
        let total = Double(max(1, count))
        expectedCalibrationError = bins.reduce(0) {
            $0 + Double($1.count) / total * abs($1.accuracy - $1.meanConfidence)
        }
        brierScore = squares / total
        accuracy = Double(samples.filter(\.isCorrect).count) / total
    }
}
