import MusterInvestigation

/// The `calibration` section of `muster bench`: reliability before and after, ECE and Brier per source, in
/// sample and held out, what the bar decides, and the fitted map as a playbook block.
struct CalibrationReport: Sendable {
    var study: CalibrationStudy
    /// The playbook in use: its map and bar are reported beside the fitted ones.
    var playbook: Playbook

    /// One row of the summary: a subset of the samples.
    struct Subset: Sendable {
        var name: String
        var includes: @Sendable (CalibrationSample) -> Bool
    }

    static let subsets: [Subset] =
        CalibrationSample.Source.allCases.flatMap { source in
            [
                Subset(name: "\(source.rawValue) top") { $0.source == source && $0.isTop },
                Subset(name: "\(source.rawValue) all") { $0.source == source },
            ]
        } + [Subset(name: "pooled top") { $0.isTop }, Subset(name: "pooled all") { _ in true }]

    /// The bar raw scores were held to before calibration (the old `confidence_bar`).
    static let rawBar = 0.5
    /// Bars the decision table tries on the fitted map.
    static let bars = [0.05, 0.1, 0.2, 0.3, 0.5]

    func lines() -> [String] {
        let samples = study.samples
        let fitted = study.fitted
        let columns: [(name: String, scores: [LabelledScore])] = [
            ("raw", samples.map(\.raw)), ("playbook", samples.map { $0.calibrated(by: playbook.calibration) }),
            ("fitted", samples.map { $0.calibrated(by: fitted) }),
            ("\(study.folds)-fold", study.crossValidated()), ("other-src", study.otherSource()),
        ]
        var lines = [labelledSet()]
        lines.append("  ECE (10 bins) and Brier score; fitted = in sample, \(study.folds)-fold = held out by incident,")
        lines.append("  other-src = fitted on the other source only (domain shift)")
        let names = columns.map { Self.pad($0.name, 10, left: true) }.joined()
        lines.append("  \(Self.pad("set", 16)) \(Self.pad("n", 4, left: true))  acc   | ECE\(names) | Brier\(names)")
        for subset in Self.subsets {
            let indices = samples.indices.filter { subset.includes(samples[$0]) }
            guard !indices.isEmpty else { continue }
            let tables = columns.map { column in ReliabilityTable(indices.map { column.scores[$0] }) }
            let ece = tables.map { Self.pad(Self.format($0.expectedCalibrationError), 10, left: true) }.joined()
            let brier = tables.map { Self.pad(Self.format($0.brierScore), 10, left: true) }.joined()
            lines.append(
                "  \(Self.pad(subset.name, 16)) \(Self.pad(String(indices.count), 4, left: true))  "
                    + "\(Self.format(tables[0].accuracy)) |    \(ece) |      \(brier)")
        }
        for subset in Self.subsets {
            let indices = samples.indices.filter { subset.includes(samples[$0]) }
            guard !indices.isEmpty else { continue }
            let tables = [0, 1, 3].map { column in ReliabilityTable(indices.map { columns[column].scores[$0] }) }
            lines += reliability(subset.name, tables: tables)
        }
        lines += decisions(fitted)
        lines += playbookBlock(fitted)
        return lines
    }

    // MARK: - Parts

    private func labelledSet() -> String {
        var parts: [String] = []
        for source in CalibrationSample.Source.allCases {
            let samples = study.samples.filter { $0.source == source }
            let tops = samples.filter(\.isTop)
            let right = tops.filter(\.isCorrect).count
            let probes = Set(samples.filter(\.isNormalProbe).map(\.group)).count
            parts.append(
                "\(source.rawValue) \(samples.count) hypotheses in \(Set(samples.map(\.group)).count) cases with one or more"
                    + (probes > 0 ? " (\(probes) normal probes)" : "") + ", top right \(right)/\(tops.count)")
        }
        return "  labelled set: " + parts.joined(separator: "; ")
    }

    /// Non-empty bins of the raw score, the playbook's map and the held-out fit, side by side.
    private func reliability(_ name: String, tables: [ReliabilityTable]) -> [String] {
        var lines = [
            "\n  reliability, \(name): raw score | playbook map | calibrated, held out (\(study.folds)-fold)",
            "    bin      " + Array(repeating: "     n   conf    acc", count: tables.count).joined(separator: " |"),
        ]
        for index in tables[0].bins.indices where tables.contains(where: { $0.bins[index].count > 0 }) {
            let bin = tables[0].bins[index]
            let cells = tables.map { table in
                let bin = table.bins[index]
                guard bin.count > 0 else { return "     -      -      -" }
                return Self.pad(String(bin.count), 6, left: true) + "  " + Self.format(bin.meanConfidence) + "  "
                    + Self.format(bin.accuracy)
            }
            let range = "\(Self.format(bin.lower, digits: 1))-\(Self.format(bin.upper, digits: 1))"
            lines.append("    \(range)  " + cells.joined(separator: " |"))
        }
        return lines
    }

    /// What each bar decides: scenario causes kept, PetShop causes named (right), normal probes named.
    private func decisions(_ fitted: CalibrationMap) -> [String] {
        var rows: [(String, CalibrationMap, Double)] = [
            ("raw score (before)", .identity, Self.rawBar),
            ("playbook map and bar", playbook.calibration, playbook.confidenceBar),
        ]
        rows += Self.bars.map { ("fitted map", fitted, $0) }
        var lines = [
            "\n  what the bar decides (top hypotheses)",
            "    map                    bar   scenario causes kept   petshop named (right)   probes named",
        ]
        let tops = study.samples.filter(\.isTop)
        for (name, map, bar) in rows {
            let named = tops.filter { map.probability(ofScore: $0.score) >= bar }
            let scenarios = tops.filter { $0.source == .scenarios && $0.isCorrect }
            let kept = named.filter { $0.source == .scenarios && $0.isCorrect }.count
            let issues = named.filter { $0.source == .petshop && !$0.isNormalProbe }
            let probes = named.filter(\.isNormalProbe).count
            lines.append(
                "    \(Self.pad(name, 21)) \(Self.format(bar, digits: 2))   "
                    + Self.pad("\(kept)/\(scenarios.count)", 20, left: true) + "   "
                    + Self.pad("\(issues.count) (\(issues.filter(\.isCorrect).count))", 21, left: true) + "   "
                    + Self.pad(String(probes), 12, left: true))
        }
        return lines
    }

    private func playbookBlock(_ fitted: CalibrationMap) -> [String] {
        let rounded = Self.rounded(fitted)
        var lines = ["\n  fitted map (\(fitDescription)):"]
        lines += Self.yaml(rounded).split(separator: "\n").map { "    \($0)" }
        if let safe = study.highestSafeBar(rounded) {
            lines.append(
                "  lowest calibrated right scenario top: \(Self.format(safe.lowest)); highest bar on a 0.05 grid that "
                    + "keeps every one confident: \(Self.format(safe.bar, digits: 2)) (the playbook's: "
                    + "\(Self.format(playbook.confidenceBar, digits: 2)))")
        }
        lines.append(
            rounded == playbook.calibration
                ? "  the playbook's map is this fit"
                : "  the playbook's map differs: paste the block into skills/default/assets/playbook.yaml and "
                    + "DefaultSkill.swift (see docs/calibration.md)")
        return lines
    }

    private var fitDescription: String {
        let fit = study.fit
        return
            "fitted on \(study.fitSources.map(\.rawValue).sorted().joined(separator: " + ")), "
            + "\(Self.format(fit.gridWidth, digits: 2)) score grid, pool adjacent violators, "
            + ">= \(Int(fit.minimumCount)) per point, <= \(fit.maximumPoints) points, prior \(Int(fit.priorWeight)) "
            + "at the raw score, within \(Self.format(fit.floor, digits: 2))...\(Self.format(fit.ceiling, digits: 2))"
    }

    // MARK: - Formatting

    /// The playbook's `calibration` block for `map`.
    static func yaml(_ map: CalibrationMap) -> String {
        let points = map.points.map { "[\(format($0.score)), \(format($0.probability))]" }.joined(separator: ", ")
        return "calibration:\n  points: [\(points)]"
    }

    /// `map` with its numbers at 3 decimals, as the YAML block writes them.
    static func rounded(_ map: CalibrationMap) -> CalibrationMap {
        var points: [CalibrationMap.Point] = []
        for point in map.points {
            let rounded = CalibrationMap.Point(
                score: (point.score * 1000).rounded() / 1000, probability: (point.probability * 1000).rounded() / 1000)
            if CalibrationMap.problem(in: points + [rounded]) == nil { points.append(rounded) }
        }
        return CalibrationMap(points: points)
    }

    static func format(_ value: Double, digits: Int = 3) -> String { BenchStats.format(value, digits: digits) }

    static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        PetShopBench.pad(text, width, left: left)
    }
}
