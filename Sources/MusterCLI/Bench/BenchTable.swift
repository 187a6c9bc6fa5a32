/// One measured line of `muster bench`: what, how much, the target and whether it is met.
struct BenchRow: Sendable {
    var measure: String
    var result: String
    var target: String
    /// nil when the row has no target.
    var isMet: Bool?

    init(_ measure: String, _ result: String, target: String = "", isMet: Bool? = nil) {
        self.measure = measure
        self.result = result
        self.target = target
        self.isMet = isMet
    }
}

/// Renders bench rows as a fixed-width table, a row at a time so long runs show progress.
enum BenchTable {
    static let widths = (measure: 50, result: 26, target: 18)

    static var header: String {
        let line = String(repeating: "-", count: widths.measure + widths.result + widths.target + 6)
        return row(BenchRow("measure", "result", target: "target")) + "\n" + line
    }

    static func section(_ title: String) -> String { "\n== \(title)" }

    static func row(_ row: BenchRow) -> String {
        let verdict = row.isMet.map { $0 ? "ok" : "MISSED" } ?? ""
        return pad(row.measure, widths.measure) + "  " + pad(row.result, widths.result) + "  "
            + pad(row.target, widths.target) + "  " + verdict
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
