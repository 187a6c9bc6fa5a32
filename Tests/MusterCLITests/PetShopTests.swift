import Foundation
import Testing

@testable import MusterCLI

/// The PetShop adapter on one real issue from the shared dataset copy (skipped when the copy is absent).
struct PetShopTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/petshop/dataset")
    static var isPresent: Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent("high_traffic/noissue/metrics.csv").path)
    }

    static func issueCase() throws -> PetShopCase {
        let dataset = PetShopDataset(root: root)
        let adapter = try PetShopAdapter(dataset: dataset, scenario: "high_traffic", mapping: PetShopMapping())
        let issue = try #require(try dataset.issues("high_traffic", split: "train").first { $0.name == "issue_0" })
        return try adapter.makeCase(issue)
    }

    @Test func readsTheThreeRowHeader() throws {
        let text = """
            microservice,a,a,b
            metric,latency,availability,requests
            statistic,p50,Average,Sum
            unix_timestamp,,,
            600.0,0.5,,3
            300.0,0.25,100.0,
            """
        let metrics = try PetShopMetrics.parse(text)
        #expect(metrics.columns.count == 3)
        #expect(metrics.columns[1] == .init(node: "a", metric: "availability", statistic: "Average"))
        #expect(metrics.times == [300, 600])
        #expect(metrics.series(.init(node: "a", metric: "availability", statistic: "Average")).map(\.value) == [100])
        #expect(metrics.nodes == ["a", "b"])
    }

    @Test func namesTheLineOfABadHeader() {
        let error = #expect(throws: PetShopError.self) {
            try PetShopMetrics.parse("microservice,a\nmetric,latency\nstat,p50\nunix_timestamp,\n", file: "m.csv")
        }
        #expect(error?.description == "m.csv:3: expected the header row to start with 'statistic'")
    }

    @Test func graphEdgesRunFromCallerToCallee() throws {
        let graph = try PetShopGraph.parse(",a,b,c\na,0.0,1.0,1.0\nb,0.0,0.0,1.0\nc,0.0,0.0,0.0\n")
        #expect(graph.nodes == ["a", "b", "c"])
        #expect(graph.callees["a"] == ["b", "c"])
        #expect(graph.edgeCount == 3)
    }

    @Test(.enabled(if: isPresent)) func adaptsOneHighTrafficIssue() throws {
        let item = try Self.issueCase()
        #expect(item.nodeCount == 44)
        #expect(item.relationCount == 47)
        #expect(item.callees(of: "PetSite").contains("PetSearch_AWS::ECS::Fargate"))
        #expect(item.callees(of: "PetSite").count == 13)
        #expect(item.alertingNode == "PetSite")
        #expect(item.targetMetric == "latency")
        #expect(item.rootCause == "PetSearch_AWS::ECS::Fargate")
        #expect(item.normalRows == 589)
        #expect(item.issueRows == 5)
        // Latency Average, requests Sum and availability of every node that reported them.
        #expect(item.sampleCount == 64_419 + 556)
        #expect(item.onset == Date(timeIntervalSince1970: 1_681_350_000))
        #expect(item.now == Date(timeIntervalSince1970: 1_681_351_200))
        #expect(item.normalEnd == Date(timeIntervalSince1970: 1_681_350_000 - 300))
    }

    @Test(.enabled(if: isPresent)) func investigatingAnIssueGivesAVerdict() async throws {
        let item = try Self.issueCase()
        let outcome = await item.investigate(PetShopSettings())
        #expect(outcome.name == "high_traffic/train/issue_0")
        #expect(!outcome.ranking.isEmpty)
        #expect(Set(outcome.ranking).count == outcome.ranking.count)
    }

    @Test(.enabled(if: isPresent)) func aNormalProbeIsBuiltFromTheNormalPeriodOnly() throws {
        let adapter = try PetShopAdapter(
            dataset: PetShopDataset(root: Self.root), scenario: "low_traffic", mapping: PetShopMapping())
        let probe = try adapter.makeNormalCase(split: 100, alerting: "PetSite", metric: "latency")
        #expect(probe.rootCause == nil)
        #expect(probe.issueRows == 5)
        #expect(probe.nodeCount == 42)
    }

    @Test func splitPointsLeaveHistoryAndAWindow() {
        let points = PetShopEvaluation.normalSplitPoints(rows: 589, count: 24)
        #expect(points.count == 24)
        #expect(points.first == 48)
        #expect(points.last == 584)
    }
}
