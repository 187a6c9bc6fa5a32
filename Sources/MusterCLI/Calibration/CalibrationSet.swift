import Foundation
import MusterInvestigation
import MusterModel
import MusterReplay

/// Collects the labelled hypotheses calibration is measured and fitted on.
enum CalibrationSet {
    /// Every hypothesis of every scenario incident whose expected root cause is known (`ExpectationChecker`'s
    /// matching: kind and entity).
    static func scenarios(_ paths: [String]) async throws -> [CalibrationSample] {
        var samples: [CalibrationSample] = []
        for path in paths {
            let result = try await ReplayDriver().run(try ScenarioLoader.load(path: path))
            samples += result.labelled.map {
                CalibrationSample(
                    source: .scenarios, group: "\($0.scenario)/\($0.incident)", rank: $0.rank,
                    score: $0.hypothesis.score, isCorrect: $0.isCorrect)
            }
        }
        return samples
    }

    /// Every hypothesis of every PetShop issue (train and test, right when it names the labelled node) and of
    /// every normal-period probe (all wrong), with the default engine and the mapping the PetShop bench picks.
    static func petShop(datasetRoot: URL) async throws -> (samples: [CalibrationSample], mapping: PetShopMapping) {
        let dataset = PetShopDataset(root: datasetRoot)
        let scenarios = try PetShopBench.usableScenarios(dataset).usable
        let mapping = try await PetShopBench.chooseMapping(dataset, scenarios: scenarios).mapping
        let evaluation = try await PetShopEvaluation.run(
            dataset: dataset, scenarios: scenarios, splits: ["train", "test"],
            settings: PetShopSettings(mapping: mapping), probes: PetShopBench.probes)
        var samples: [CalibrationSample] = []
        for item in evaluation.scored {
            samples += labelled(item.outcome, truth: item.truth)
        }
        for outcome in evaluation.probeOutcomes {
            samples += labelled(outcome, truth: nil).map {
                var probe = $0
                probe.isNormalProbe = true
                return probe
            }
        }
        return (samples, mapping)
    }

    private static func labelled(_ outcome: PetShopOutcome, truth: String?) -> [CalibrationSample] {
        outcome.hypotheses.enumerated().map { rank, hypothesis in
            CalibrationSample(
                source: .petshop, group: outcome.name, rank: rank, score: hypothesis.score,
                isCorrect: truth == hypothesis.entity.id)
        }
    }
}
