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
        let kept = report.study.samples.filter {
            $0.source == .scenarios && $0.isTop && $0.isCorrect
                && playbook.calibration.probability(ofScore: $0.score) >= playbook.confidenceBar
        }
        let expected = Set(samples.filter { $0.source == .scenarios }.map(\.group)).count
        output(
            BenchTable.row(
                BenchRow(
                    "scenario root causes named with the playbook map", "\(kept.count) of \(expected)",
                    target: "all", isMet: kept.count == expected)))
        for line in report.lines() { output(line) }
    }
}
