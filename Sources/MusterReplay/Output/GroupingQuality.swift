import MusterPipeline

/// Pairwise precision, recall and F1 of the grouping of alert events, over several replays.
///
/// Truth pairs are pairs of alert events that a scenario's `expect` puts in one incident; predicted
/// pairs are pairs that Muster put in one incident, counted among the events the scenario names
/// (an expected incident's events and `unrelated`) when at least one of the two is in an expected
/// incident: the spec says nothing of how unrelated events group among themselves.
public enum GroupingQuality {
    public struct Score: Sendable {
        public var truePairs = 0
        public var predictedPairs = 0
        public var correctPairs = 0
        public var precision: Double { predictedPairs == 0 ? 1 : Double(correctPairs) / Double(predictedPairs) }
        public var recall: Double { truePairs == 0 ? 1 : Double(correctPairs) / Double(truePairs) }
        public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
    }

    public static func score(_ results: [ReplayResult], scenarios: [String: Set<[String]>]) -> Score {
        var score = Score()
        for result in results {
            guard let groups = scenarios[result.scenario] else { continue }
            let named = Set(groups.flatMap { $0 })
            var truth: Set<[String]> = []
            for group in groups { truth.formUnion(pairs(group)) }
            var predicted: Set<[String]> = []
            let expected = Set(groups.filter { $0.count > 1 }.flatMap { $0 })
            for incident in result.incidents {
                let relevant = pairs(incident.events.filter(named.contains))
                predicted.formUnion(relevant.filter { expected.contains($0[0]) || expected.contains($0[1]) })
            }
            score.truePairs += truth.count
            score.predictedPairs += predicted.count
            score.correctPairs += truth.intersection(predicted).count
        }
        return score
    }

    static func pairs(_ events: [String]) -> Set<[String]> {
        let unique = Array(Set(events)).sorted()
        var result: Set<[String]> = []
        for i in unique.indices {
            for j in unique.indices where j > i { result.insert([unique[i], unique[j]]) }
        }
        return result
    }

    /// The report line printed under several replays.
    public static func render(_ results: [ReplayResult]) -> String {
        var groups: [String: Set<[String]>] = [:]
        for result in results { groups[result.scenario] = result.expectedGroups }
        let score = score(results, scenarios: groups)
        func percent(_ value: Double) -> String { "\(Int((value * 1000).rounded()) / 10)%" }
        return "Grouping over \(results.count) scenarios: pairwise precision \(percent(score.precision)), "
            + "recall \(percent(score.recall)), F1 \(percent(score.f1)) (\(score.correctPairs)/\(score.truePairs) true pairs found, \(score.predictedPairs) predicted)"
    }
}
