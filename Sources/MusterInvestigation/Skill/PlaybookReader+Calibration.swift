import MusterYAML

/// The `calibration` section: `points: [[score, probability], ...]`, scores increasing, probabilities never
/// decreasing; an empty list is the identity (confidence = raw score).
extension PlaybookReader {
    static let calibrationKeys: Set<String> = ["points"]

    func readCalibration(_ section: YAMLFields, into playbook: inout Playbook) throws(YAMLError) {
        try section.rejectUnknownKeys(allowed: Self.calibrationKeys)
        guard let list = section.optional("points") else { return }
        let path = section.path(of: "points")
        guard let items = list.sequence else {
            throw section.error(at: list, "\(path): expected a list of [score, probability] pairs")
        }
        var points: [CalibrationMap.Point] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard let pair = item.sequence, pair.count == 2 else {
                throw section.error(at: item, "\(itemPath): expected [score, probability]")
            }
            var numbers: [Double] = []
            for (position, node) in pair.enumerated() {
                guard let text = node.scalar, let number = Double(text), number.isFinite else {
                    throw section.error(at: node, "\(itemPath)[\(position)]: expected a number")
                }
                numbers.append(number)
            }
            points.append(CalibrationMap.Point(score: numbers[0], probability: numbers[1]))
            if let problem = CalibrationMap.problem(in: points) {
                throw section.error(at: item, "\(path)[\(problem.index)]: \(problem.message)")
            }
        }
        playbook.calibration = CalibrationMap(points: points)
    }
}
