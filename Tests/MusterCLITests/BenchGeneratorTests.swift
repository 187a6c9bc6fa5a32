import Foundation
import MusterCorrelation
import MusterLake
import MusterModel
import Testing

@testable import MusterCLI

/// The bench's generators at small sizes: deterministic, valid for the lake, in the promised proportions.
struct BenchGeneratorTests {
    @Test func catalogHasThreeRelationsPerEntityAndLoads() throws {
        let catalog = BenchCatalog(size: 2_000)
        #expect(catalog.entities.count == 2_000)
        #expect(catalog.relationCount == 6_000)
        #expect(BenchCatalog(size: 2_000).entities == catalog.entities)
        let lake = ContextLake.inMemory()
        try lake.upsert(catalog.entities, at: .now)
        let sample = catalog.sample(20)
        #expect(Set(sample).count == 20)
        #expect(sample.contains { !lake.dependents(of: $0).isEmpty })
    }

    @Test func benchClientReadsStatusAndBodyFraming() {
        let plain = HTTPHead(
            ArraySlice("HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\nCONTENT-LENGTH:  17".utf8))
        #expect(plain.status == 202)
        #expect(plain.contentLength == 17)
        #expect(!plain.isChunked)
        let chunked = HTTPHead(ArraySlice("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\nDate: x".utf8))
        #expect(chunked.status == 200)
        #expect(chunked.isChunked)
        #expect(HTTPHead(ArraySlice("garbage".utf8)).status == nil)
        #expect(HTTPHead(ArraySlice("HTTP/1.1 20x OK".utf8)).status == nil)
    }

    @Test(arguments: [1, 16])
    func intakeBodiesCarryTheSameAlertsOnBothSides(alerts: Int) throws {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let webhook = try JSONParser.parse(IntakeBench.webhookBody(5, alerts: alerts, at: at))
        let api = try JSONParser.parse(IntakeBench.apiBody(5, alerts: alerts, at: at))
        guard case .array(let sent) = webhook["alerts"], case .array(let posted) = api else {
            Issue.record("the bodies are not shaped as webhook v4 and API v2")
            return
        }
        #expect(sent.count == alerts && posted.count == alerts)
        for (left, right) in zip(sent, posted) {
            #expect(left["labels"] == right["labels"])
            #expect(left["labels"]?["alertname"] != nil)
        }
        #expect(Set(sent.compactMap { $0["fingerprint"] }).count == alerts)
    }

    @Test func stormHasTheAskedNumberOfAlertsInArrivalOrder() throws {
        let storm = AlertStorm(services: 200, teams: 12, alerts: 3_000, incidentCount: 3)
        #expect(storm.arrivals.count == 3_000)
        #expect(
            zip(storm.arrivals, storm.arrivals.dropFirst()).allSatisfy { $0.alert.receivedAt <= $1.alert.receivedAt })
        #expect(storm.incidents.count == 3)
        #expect(storm.incidents.allSatisfy { $0.keys.count >= 2 })
        let lake = ContextLake.inMemory()
        try lake.upsert(storm.catalog, at: AlertStorm.start.addingTimeInterval(-60))
        #expect(lake.entities(ofKind: "service").count == 200)
    }

    @Test func statsUseNearestRankAndFormatNumbers() {
        #expect(BenchStats.percentile([5, 1, 4, 2, 3], 50) == 3)
        #expect(BenchStats.percentile(Array(1...100).map(Double.init), 99) == 99)
        #expect(BenchStats.format(12_345.678) == "12,345.7")
        #expect(BenchStats.format(0.04, digits: 2) == "0.04")
        #expect(BenchStats.format(999, digits: 0) == "999")
    }
}
