import Foundation
import MusterInvestigation
import Testing

@testable import MusterCLI

/// The calibration bench: source weights, held-out folds, the safe bar, the YAML block, scenario labels.
struct CalibrationStudyTests {
    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/scenarios")

    func samples(
        _ source: CalibrationSample.Source, _ group: String, score: Double, right: Int, wrong: Int, rank: Int = 1
    ) -> [CalibrationSample] {
        (0..<(right + wrong)).map {
            CalibrationSample(source: source, group: group, rank: rank, score: score, isCorrect: $0 < right)
        }
    }

    @Test func eachSourceWeighsTheSame() {
        // 10 right from the scenarios, 40 wrong from PetShop, all at 0.9: unweighted 0.2, weighted 0.5 before the
        // prior, which adds 4 samples at 0.9.
        var study = CalibrationStudy(
            samples: samples(.scenarios, "s", score: 0.9, right: 10, wrong: 0)
                + samples(.petshop, "p", score: 0.9, right: 0, wrong: 40))
        study.fitSources = [.scenarios, .petshop]
        let points = study.fitted.points
        #expect(points.count == 1)
        #expect(abs(points[0].probability - (25 + 3.6) / 54) < 1e-9)
    }

    @Test func theDefaultMapIsFittedOnTheScenariosAlone() {
        let scenarios = samples(.scenarios, "s", score: 0.9, right: 10, wrong: 0)
        let study = CalibrationStudy(samples: scenarios + samples(.petshop, "p", score: 0.9, right: 0, wrong: 40))
        #expect(study.fitted == CalibrationStudy(samples: scenarios).fitted)
        // 10 right plus the prior's 4 samples at 0.9, kept under the 0.98 clamp.
        #expect(abs(study.fitted.probability(ofScore: 0.9) - (10 + 3.6) / 14) < 1e-9)
    }

    @Test func theOtherSourceIsFittedWithoutTheSourceItPredicts() {
        let scenarios = samples(.scenarios, "s", score: 0.3, right: 9, wrong: 1)
        let petshop = samples(.petshop, "p", score: 0.3, right: 1, wrong: 9)
        var study = CalibrationStudy(samples: scenarios + petshop)
        let held = study.otherSource()
        study.fitSources = [.scenarios, .petshop]
        let fromPetShop = study.map(fittedOn: petshop).probability(ofScore: 0.3)
        let fromScenarios = study.map(fittedOn: scenarios).probability(ofScore: 0.3)
        #expect(held.prefix(10).allSatisfy { $0.score == fromPetShop })
        #expect(held.suffix(10).allSatisfy { $0.score == fromScenarios })
        #expect(fromPetShop < 0.3 && fromScenarios > 0.3)
    }

    @Test func aFoldKeepsAnIncidentTogetherAndOutOfItsOwnFit() {
        // Groups a, b, c, d dealt into 2 folds: a and c predict each other's fold out, b and d likewise.
        let groups: [(String, Int)] = [("a", 8), ("b", 1), ("c", 7), ("d", 2)]
        let all = groups.flatMap { samples(.scenarios, $0.0, score: 0.5, right: $0.1, wrong: 10 - $0.1) }
        var study = CalibrationStudy(samples: all)
        study.folds = 2
        let held = study.crossValidated()
        let odd = study.map(fittedOn: all.filter { ["b", "d"].contains($0.group) }).probability(ofScore: 0.5)
        let even = study.map(fittedOn: all.filter { ["a", "c"].contains($0.group) }).probability(ofScore: 0.5)
        for (sample, probability) in zip(all, held) {
            #expect(probability.score == (["a", "c"].contains(sample.group) ? odd : even))
            #expect(probability.isCorrect == sample.isCorrect)
        }
        #expect(odd < even)
    }

    @Test func theSafeBarIsTheGridStepBelowTheLowestRightScenarioTop() throws {
        let map = CalibrationMap([(0.5, 0.1), (0.9, 0.9)])
        let study = CalibrationStudy(
            samples: samples(.scenarios, "s1", score: 0.6, right: 1, wrong: 0, rank: 0)  // 0.3
                + samples(.scenarios, "s2", score: 0.9, right: 1, wrong: 0, rank: 0)
                + samples(.scenarios, "s3", score: 0.55, right: 0, wrong: 1, rank: 0)  // wrong: may abstain
                + samples(.petshop, "p", score: 0.5, right: 1, wrong: 0, rank: 0))  // not a scenario
        let safe = try #require(study.highestSafeBar(map))
        #expect(abs(safe.lowest - 0.3) < 1e-12)
        #expect(abs(safe.bar - 0.3) < 1e-12)
        let lower = CalibrationMap([(0.5, 0.1), (0.9, 0.5)])
        #expect(abs((study.highestSafeBar(lower)?.bar ?? 0) - 0.2) < 1e-12)  // 0.6 maps to 0.2
    }

    @Test func thePrintedBlockReadsBackAsTheSameMap() throws {
        let map = CalibrationMap([(0.13712, 0.0204), (0.5, 0.041), (0.9401, 0.90149)])
        let block = CalibrationReport.yaml(CalibrationReport.rounded(map))
        #expect(block == "calibration:\n  points: [[0.137, 0.020], [0.500, 0.041], [0.940, 0.901]]")
        let playbook = try SkillLoader.playbook(from: "version: 1\n" + block + "\n", file: "p.yaml")
        #expect(playbook.calibration == CalibrationReport.rounded(map))
    }

    @Test func scenarioHypothesesAreLabelledByTheExpectedRootCause() async throws {
        let path = Self.scenarios.appendingPathComponent("deploy-regression.yaml").path
        try #require(FileManager.default.fileExists(atPath: path))
        let labelled = try await CalibrationSet.scenarios([path])
        let groups = Set(labelled.map(\.group))
        #expect(groups.count == 1)
        #expect(labelled.map(\.rank) == Array(0..<labelled.count))
        #expect(labelled.count >= 2)
        #expect(labelled[0].isCorrect)
        #expect(labelled.dropFirst().allSatisfy { !$0.isCorrect })
        #expect(zip(labelled, labelled.dropFirst()).allSatisfy { $0.score >= $1.score })
    }
}
