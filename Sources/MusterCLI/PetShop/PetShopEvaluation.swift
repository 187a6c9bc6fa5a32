import Foundation

/// Top-k recall, abstentions and specificity of Muster on PetShop, grouped as the paper reports them.
struct PetShopEvaluation: Sendable {
    /// One scored issue.
    struct Scored: Sendable {
        var scenario: String
        var split: String
        var targetMetric: String
        var truth: String
        var outcome: PetShopOutcome
    }

    /// Figures of one group of issues.
    struct Figures: Sendable {
        var count = 0
        var top1 = 0
        var top3 = 0
        /// Muster named no root cause (the ranking still counts towards top-k).
        var abstained = 0
        /// Muster named a root cause and it was the right node.
        var namedRight = 0

        mutating func add(_ scored: Scored) {
            count += 1
            if scored.outcome.ranks(scored.truth, within: 1) { top1 += 1 }
            if scored.outcome.ranks(scored.truth, within: 3) { top3 += 1 }
            if scored.outcome.isAbstention { abstained += 1 }
            if scored.outcome.rootCause == scored.truth { namedRight += 1 }
        }

        func share(_ part: Int) -> Double { count == 0 ? 0 : Double(part) / Double(count) }
    }

    var settings: PetShopSettings
    var scored: [Scored] = []
    /// Normal-vs-normal probes per scenario: (probes, probes with no root cause named).
    var specificity: [String: (probes: Int, quiet: Int)] = [:]
    /// What Muster said on each normal-vs-normal probe (the right answer is none).
    var probeOutcomes: [PetShopOutcome] = []

    /// Figures of the issues that pass `filter`.
    func figures(_ filter: (Scored) -> Bool) -> Figures {
        var figures = Figures()
        for item in scored where filter(item) { figures.add(item) }
        return figures
    }

    /// Runs every issue of `splits` in `scenarios`, plus `probes` normal-vs-normal probes per scenario.
    static func run(
        dataset: PetShopDataset, scenarios: [String], splits: [String], settings: PetShopSettings, probes: Int = 0
    ) async throws -> PetShopEvaluation {
        var evaluation = PetShopEvaluation(settings: settings)
        for scenario in scenarios {
            let adapter = try PetShopAdapter(dataset: dataset, scenario: scenario, mapping: settings.mapping)
            var alerting = "PetSite"
            for split in splits {
                for issue in try dataset.issues(scenario, split: split) {
                    let item = try adapter.makeCase(issue)
                    alerting = item.alertingNode
                    let outcome = await item.investigate(settings)
                    evaluation.scored.append(
                        Scored(
                            scenario: scenario, split: split, targetMetric: item.targetMetric,
                            truth: item.rootCause ?? "", outcome: outcome))
                }
            }
            guard probes > 0 else { continue }
            var quiet = 0
            let splitPoints = normalSplitPoints(rows: adapter.normal.times.count, count: probes)
            for split in splitPoints {
                let probe = try adapter.makeNormalCase(split: split, alerting: alerting, metric: "latency")
                let outcome = await probe.investigate(settings)
                evaluation.probeOutcomes.append(outcome)
                if outcome.isAbstention { quiet += 1 }
            }
            evaluation.specificity[scenario] = (splitPoints.count, quiet)
        }
        return evaluation
    }

    /// Evenly spaced split points that leave at least 4 h of history before and 5 rows after each.
    static func normalSplitPoints(rows: Int, count: Int) -> [Int] {
        let first = 48
        let last = rows - 5
        guard last > first, count > 0 else { return [] }
        if count == 1 { return [first] }
        return (0..<count).map { first + ($0 * (last - first)) / (count - 1) }
    }
}
