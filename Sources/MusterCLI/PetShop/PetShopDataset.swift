import Foundation

/// The PetShop root-cause dataset on disk (Hardt et al., CLeaR 2024, arXiv:2311.04806; CC-BY-4.0).
///
/// Layout: `<root>/<scenario>/graph.csv`, `<scenario>/noissue/metrics.csv` and
/// `<scenario>/{train,test}/issue_<n>/{metrics.csv,target.json}`. Only this folder knows the layout.
struct PetShopDataset: Sendable {
    /// The folder that holds the scenario folders (`.../petshop/dataset`).
    var root: URL

    /// The scenarios with a normal-period reference; the temporal ones lack `noissue/metrics.csv` here.
    static let completeScenarios = ["low_traffic", "high_traffic"]

    func folder(_ scenario: String) -> URL { root.appendingPathComponent(scenario, isDirectory: true) }

    /// Whether a scenario has its normal-period metrics.
    func hasNormalPeriod(_ scenario: String) -> Bool {
        FileManager.default.fileExists(atPath: folder(scenario).appendingPathComponent("noissue/metrics.csv").path)
    }

    /// Every scenario folder under the root, sorted.
    func scenarios() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.path).filter {
            FileManager.default.fileExists(atPath: folder($0).appendingPathComponent("graph.csv").path)
        }.sorted()
    }

    func graph(_ scenario: String) throws -> PetShopGraph {
        try PetShopGraph.load(folder(scenario).appendingPathComponent("graph.csv"))
    }

    func normalMetrics(_ scenario: String) throws -> PetShopMetrics {
        try PetShopMetrics.load(folder(scenario).appendingPathComponent("noissue/metrics.csv"))
    }

    /// The issues of one split, in numeric order (`issue_0`, `issue_1`, ..., `issue_10`).
    func issues(_ scenario: String, split: String) throws -> [PetShopIssueRef] {
        let splitFolder = folder(scenario).appendingPathComponent(split, isDirectory: true)
        guard FileManager.default.fileExists(atPath: splitFolder.path) else { return [] }
        let names = try FileManager.default.contentsOfDirectory(atPath: splitFolder.path).filter {
            $0.hasPrefix("issue_")
        }
        return names.sorted { (Int($0.dropFirst(6)) ?? 0) < (Int($1.dropFirst(6)) ?? 0) }.map {
            PetShopIssueRef(scenario: scenario, split: split, name: $0, folder: splitFolder.appendingPathComponent($0))
        }
    }
}

/// Where one issue lives.
struct PetShopIssueRef: Hashable, Sendable, CustomStringConvertible {
    var scenario: String
    var split: String
    var name: String
    var folder: URL

    var description: String { "\(scenario)/\(split)/\(name)" }

    func target() throws -> PetShopTarget {
        let url = folder.appendingPathComponent("target.json")
        do {
            return try JSONDecoder().decode(PetShopTarget.self, from: Data(contentsOf: url))
        } catch {
            throw PetShopError(file: url.path, line: 1, "unreadable target: \(error)")
        }
    }

    func metrics() throws -> PetShopMetrics {
        try PetShopMetrics.load(folder.appendingPathComponent("metrics.csv"))
    }
}

/// `target.json`: the SLO violation to explain and the injected root cause.
struct PetShopTarget: Decodable, Hashable, Sendable {
    struct Violation: Decodable, Hashable, Sendable {
        var node: String
        /// `latency` or `availability`.
        var metric: String
        var agg: String
        var timestamp: Double
    }

    struct RootCause: Decodable, Hashable, Sendable {
        var node: String
        var metric: String?
    }

    struct Metadata: Decodable, Hashable, Sendable {
        struct Reproducibility: Decodable, Hashable, Sendable {
            var command: String?
        }

        var reproducibility: Reproducibility?
    }

    var target: Violation
    var rootCause: RootCause
    var metadata: Metadata?

    enum CodingKeys: String, CodingKey {
        case target
        case rootCause = "root_cause"
        case metadata
    }
}

/// `graph.csv`: an adjacency matrix whose first column names the row node; 1.0 = edge row -> column.
struct PetShopGraph: Sendable {
    var nodes: [String]
    /// Caller -> callees (the caller depends on each callee).
    var callees: [String: [String]]

    var edgeCount: Int { callees.values.reduce(0) { $0 + $1.count } }

    static func load(_ url: URL) throws -> PetShopGraph {
        try parse(String(contentsOf: url, encoding: .utf8), file: url.path)
    }

    static func parse(_ text: String, file: String = "graph.csv") throws -> PetShopGraph {
        let lines = text.split(omittingEmptySubsequences: true) { $0 == "\n" || $0 == "\r\n" }
        guard let first = lines.first else { throw PetShopError(file: file, line: 1, "empty graph") }
        let names = first.split(separator: ",", omittingEmptySubsequences: false).dropFirst().map(String.init)
        var callees: [String: [String]] = [:]
        for (offset, line) in lines.dropFirst().enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard cells.count == names.count + 1 else {
                throw PetShopError(file: file, line: offset + 2, "expected \(names.count + 1) cells")
            }
            let caller = cells[0]
            for (index, cell) in cells.dropFirst().enumerated() where Double(cell) == 1.0 {
                callees[caller, default: []].append(names[index])
            }
        }
        return PetShopGraph(nodes: names, callees: callees)
    }
}
