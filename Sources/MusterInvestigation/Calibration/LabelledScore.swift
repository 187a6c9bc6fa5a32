/// A hypothesis' score (raw, or a calibrated probability) and whether the hypothesis was right.
public struct LabelledScore: Hashable, Sendable {
    public var score: Double
    public var isCorrect: Bool

    public init(score: Double, isCorrect: Bool) {
        self.score = score
        self.isCorrect = isCorrect
    }
}
