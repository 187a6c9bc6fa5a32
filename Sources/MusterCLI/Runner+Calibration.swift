import Foundation
import MusterInvestigation

extension Runner {
    /// The `calibration` bench section: labels every hypothesis of the scenarios (`paths`) and of PetShop
    /// (`petshop`, skipped when absent), then reports reliability and prints the fitted playbook block.
    func benchCalibration(_ paths: [String], petshop: URL) async throws {
        output(BenchTable.section("calibration: is a confidence of p right p of the time? (labelled hypotheses)"))
        var samples = try await CalibrationSet.scenarios(paths)
        if FileManager.default.fileExists(atPath: petshop.path) {
            samples += try await CalibrationSet.petShop(datasetRoot: petshop).samples
        } else {
            output("PetShop dataset not found at \(petshop.path): scenarios only")
        }
        let playbook = Playbook.standard
        let report = CalibrationReport(study: CalibrationStudy(samples: samples), playbook: playbook)
        let scenarioTops = samples.filter { $0.source == .scenarios && $0.isTop }
        let confident = scenarioTops.filter {
            $0.isCorrect && playbook.calibration.probability(ofScore: $0.score) >= playbook.confidenceBar
        }
        let cases = Set(samples.filter { $0.source == .scenarios }.map(\.group)).count
        output(
            BenchTable.row(
                BenchRow(
                    "scenario root causes ranked first", "\(scenarioTops.filter(\.isCorrect).count) of \(cases)",
                    target: "all", isMet: scenarioTops.filter(\.isCorrect).count == cases)))
        output(
            BenchTable.row(
                BenchRow(
                    "  ... and above the bar (\(playbook.confidenceBar)) with the playbook map",
                    "\(confident.count) of \(cases)")))
        for line in report.lines() { output(line) }
    }
}
