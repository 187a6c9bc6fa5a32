import MusterInvestigation

/// Fits the calibration map on labelled hypotheses and measures it in sample, by k-fold cross-validation
/// (folds keep each incident's hypotheses together) and leaving one source out.
struct CalibrationStudy: Sendable {
    var samples: [CalibrationSample]
    var fit = IsotonicFit()
    /// Folds of the cross-validation.
    var folds = 5

    /// The sources the default map is fitted on. Only the scenarios: they are the domain Muster triages (a
    /// catalog, minute-resolution signals, a deploy and change history). PetShop (5-minute samples, normal data
    /// months away from the issues) is measured through the map as a domain-shift test, not fitted on.
    var fitSources: Set<CalibrationSample.Source> = [.scenarios]

    /// The map fitted on the `fitSources` samples of `subset`, each source weighing the same however many
    /// hypotheses it holds.
    func map(fittedOn all: [CalibrationSample]) -> CalibrationMap {
        let subset = all.filter { fitSources.contains($0.source) }
        guard !subset.isEmpty else { return .identity }
        var counts: [CalibrationSample.Source: Int] = [:]
        for sample in subset { counts[sample.source, default: 0] += 1 }
        let share = Double(subset.count) / Double(counts.count)
        return fit.map(subset.map(\.raw), weights: subset.map { share / Double(counts[$0.source] ?? 1) })
    }

    /// The map fitted on every sample.
    var fitted: CalibrationMap { map(fittedOn: samples) }

    /// Each sample's probability from a map fitted on the samples outside its fold, in `samples` order.
    func heldOut(by fold: (CalibrationSample) -> Int) -> [LabelledScore] {
        let keys = samples.map(fold)
        var result = samples.map(\.raw)
        for key in Set(keys) {
            let map = map(fittedOn: samples.indices.filter { keys[$0] != key }.map { samples[$0] })
            for index in samples.indices where keys[index] == key { result[index] = samples[index].calibrated(by: map) }
        }
        return result
    }

    /// k-fold cross-validation: incidents (cases) in name order, dealt round-robin into `folds` folds.
    func crossValidated() -> [LabelledScore] {
        let groups = Set(samples.map(\.group)).sorted()
        let fold = Dictionary(uniqueKeysWithValues: groups.enumerated().map { ($1, $0 % folds) })
        return heldOut { fold[$0.group] ?? 0 }
    }

    /// Each source's probabilities from a map fitted on the other sources only: the domain-shift test.
    func otherSource() -> [LabelledScore] {
        var everySource = self
        everySource.fitSources = Set(CalibrationSample.Source.allCases)
        return everySource.heldOut { CalibrationSample.Source.allCases.firstIndex(of: $0.source) ?? 0 }
    }

    /// The highest bar on a 0.05 grid that every right scenario top hypothesis clears through `map`, so no
    /// scenario verdict that is right today becomes an abstention; nil without such hypotheses.
    func highestSafeBar(_ map: CalibrationMap) -> (bar: Double, lowest: Double)? {
        let tops = samples.filter { $0.source == .scenarios && $0.isTop && $0.isCorrect }
        guard let lowest = tops.map({ map.probability(ofScore: $0.score) }).min() else { return nil }
        return ((lowest / 0.05 + 1e-9).rounded(.down) * 0.05, lowest)
    }
}
