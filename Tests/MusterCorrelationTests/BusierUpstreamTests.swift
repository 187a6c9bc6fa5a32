import Foundation
import MusterLake
import MusterModel
import Testing

@testable import MusterCorrelation

/// Two callers of a cache fail three minutes apart while the cache's CPU rose mildly (30% -> 41%) and what its users
/// feel stayed normal: busier, not failing, it ties nothing. The same rise with its users feeling it still does.
struct BusierUpstreamTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let cache = EntityRef(kind: "resource", id: "cache")
    let quotes = EntityRef(kind: "service", id: "quotes")
    let stock = EntityRef(kind: "service", id: "stock")

    func decision(isBusier: Bool) throws -> CorrelationDecision {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: cache),
                Entity(ref: quotes, relations: ["dependsOn": [cache]]),
                Entity(ref: stock, relations: ["dependsOn": [cache]]),
            ], at: t0.addingTimeInterval(-86_400))
        var correlator = Correlator(lake: lake)
        func arrival(_ entity: EntityRef, at offset: TimeInterval) -> AlertArrival {
            let alert = Alert(
                source: .generic, sourceID: entity.id, dedupKey: entity.id, status: .firing,
                title: "\(entity.id) errors", severity: .critical, labels: [:],
                startedAt: t0.addingTimeInterval(offset), receivedAt: t0.addingTimeInterval(offset))
            var arrival = AlertArrival(
                alert: alert, entity: entity, eventID: entity.id,
                trouble: [entity: .anomalous("errors 0.002 -> 0.2"), cache: .anomalous("cpu 0.3 -> 0.41")],
                symptoms: [.errors], onsets: [entity: alert.startedAt, cache: t0])
            if isBusier { arrival.busier = [cache] }
            return arrival
        }
        _ = correlator.ingest(arrival(quotes, at: 0))
        return correlator.ingest(arrival(stock, at: 180))
    }

    @Test func callersOfABusierUpstreamStayApart() throws {
        #expect(try decision(isBusier: true).outcome == .opened)
    }

    @Test func callersOfAnUpstreamWhoseUsersFeelItJoin() throws {
        #expect(try decision(isBusier: false).outcome == .joined)
    }
}
