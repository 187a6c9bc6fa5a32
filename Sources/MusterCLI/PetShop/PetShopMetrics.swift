import Foundation

/// One PetShop `metrics.csv`: columns named by (node, metric, statistic), rows by unix timestamp.
///
/// The file has a 3-row header (`microservice`, `metric`, `statistic`), a 4th row `unix_timestamp,,,`,
/// then one row per 5-minute step whose first cell is a float unix timestamp. An empty cell is "no data".
struct PetShopMetrics: Sendable {
    /// What one column measures.
    struct Column: Hashable, Sendable {
        var node: String
        var metric: String
        var statistic: String
    }

    var columns: [Column]
    /// Seconds since 1970, one per row, ascending.
    var times: [Double]
    /// `values[row][column]`; nil where the cell was empty.
    var values: [[Double?]]

    /// Every node that has at least one column.
    var nodes: Set<String> { Set(columns.map(\.node)) }

    /// The (time, value) pairs of one column, empty cells left out.
    func series(_ column: Column) -> [(time: Double, value: Double)] {
        guard let index = columns.firstIndex(of: column) else { return [] }
        return times.indices.compactMap { row in values[row][index].map { (times[row], $0) } }
    }

    /// The same rows moved by `offset` seconds.
    func shifted(by offset: Double) -> PetShopMetrics {
        PetShopMetrics(columns: columns, times: times.map { $0 + offset }, values: values)
    }

    /// The rows `range` only.
    func rows(_ range: Range<Int>) -> PetShopMetrics {
        PetShopMetrics(columns: columns, times: Array(times[range]), values: Array(values[range]))
    }

    /// Reads a `metrics.csv` file.
    static func load(_ url: URL) throws -> PetShopMetrics {
        try parse(String(contentsOf: url, encoding: .utf8), file: url.path)
    }

    /// Parses the text of a `metrics.csv` file; `file` names it in errors.
    static func parse(_ text: String, file: String = "metrics.csv") throws -> PetShopMetrics {
        let lines = text.split(omittingEmptySubsequences: true) { $0 == "\n" || $0 == "\r\n" }
        guard lines.count >= 4 else {
            throw PetShopError(file: file, line: lines.count, "expected a 3-row header and a unix_timestamp row")
        }
        let header = lines.prefix(3).map { cells($0) }
        let labels = ["microservice", "metric", "statistic"]
        for (index, row) in header.enumerated() where row.first != labels[index] {
            throw PetShopError(file: file, line: index + 1, "expected the header row to start with '\(labels[index])'")
        }
        let width = header[0].count
        guard header.allSatisfy({ $0.count == width }) else {
            throw PetShopError(file: file, line: 2, "header rows differ in length")
        }
        let columns = (1..<width).map { Column(node: header[0][$0], metric: header[1][$0], statistic: header[2][$0]) }
        guard cells(lines[3]).first == "unix_timestamp" else {
            throw PetShopError(file: file, line: 4, "expected 'unix_timestamp'")
        }
        var times: [Double] = []
        var values: [[Double?]] = []
        for (offset, line) in lines.dropFirst(4).enumerated() {
            let row = cells(line)
            guard row.count == width, let time = Double(row[0]) else {
                throw PetShopError(
                    file: file, line: offset + 5, "expected \(width) cells starting with a unix timestamp")
            }
            times.append(time)
            values.append(row.dropFirst().map { $0.isEmpty ? nil : Double($0) })
        }
        let order = times.indices.sorted { times[$0] < times[$1] }
        return PetShopMetrics(columns: columns, times: order.map { times[$0] }, values: order.map { values[$0] })
    }

    /// The dataset quotes nothing (node names hold no commas), so a plain split is exact.
    private static func cells(_ line: Substring) -> [String] {
        line.split(separator: ",", omittingEmptySubsequences: false).map {
            String($0).trimmingCharacters(in: .whitespaces)
        }
    }
}

/// A PetShop file that does not read: the file, the 1-based line and what was expected.
struct PetShopError: Error, CustomStringConvertible {
    var file: String
    var line: Int
    var message: String

    init(file: String, line: Int, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    var description: String { "\(file):\(line): \(message)" }
}
