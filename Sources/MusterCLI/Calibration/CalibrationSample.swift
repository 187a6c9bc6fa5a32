import MusterInvestigation

/// One labelled hypothesis: where it comes from, its case, its rank, its raw score and whether it was right.
struct CalibrationSample: Hashable, Sendable {
    /// Where the labels come from.
    enum Source: String, CaseIterable, Sendable {
        /// Replayed scenarios (public and our own): right when kind and entity match `expect.root_cause`.
        case scenarios
        /// PetShop issues (right when the entity is the labelled node) and normal-period probes (all wrong).
        case petshop
    }

    var source: Source
    /// The incident or PetShop case it belongs to: folds keep a case's hypotheses together.
    var group: String
    /// 0 for the top hypothesis.
    var rank: Int
    var score: Double
    var isCorrect: Bool
    /// A PetShop normal-period probe: there is no cause to find, so naming one is a false alarm.
    var isNormalProbe = false

    var isTop: Bool { rank == 0 }

    /// The raw score as a probability.
    var raw: LabelledScore { LabelledScore(score: score, isCorrect: isCorrect) }

    /// The score through `map`.
    func calibrated(by map: CalibrationMap) -> LabelledScore {
        LabelledScore(score: map.probability(ofScore: score), isCorrect: isCorrect)
    }
}
