import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A chain of failing upstreams is followed past `upstream_depth`, through a hop without signals, to the database
/// that failed first; hops that fail too are not counted as uncertain ground.
struct FailingChainTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let chain = ["front", "search", "aggregator", "rules", "db"].map { EntityRef(kind: "service", id: $0) }

    /// front -> search -> aggregator -> rules (no signals) -> db; `dbFails`: the db turns bad at -6m, the
    /// aggregator at -4m, search at -3m and front at -2m; otherwise the db stays flat.
    func verdict(dbFails: Bool) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        var entities = [Entity(ref: team)]
        for (index, ref) in chain.enumerated() {
            let signals: JSONValue =
                ref.id == "rules" ? .array([]) : .array([signalItem("errors", .errors, match: ["service": ref.id])])
            var relations: [String: [EntityRef]] = ["ownedBy": [team]]
            if index + 1 < chain.count { relations["dependsOn"] = [chain[index + 1]] }
            entities.append(Entity(ref: ref, properties: ["signals": signals], relations: relations))
        }
        try lake.upsert(entities, at: t0.addingTimeInterval(-86_400))
        let onsets = ["front": -2, "search": -3, "aggregator": -4, "db": dbFails ? -6 : 99]
        let store = MetricStore()
        for minute in -240...2 {
            for (service, onset) in onsets {
                store.append(
                    "errors", labels: ["service": service], time: t0.addingTimeInterval(Double(minute) * 60),
                    value: minute >= onset ? 0.3 : 0.002, kind: .gauge)
            }
        }
        return await investigateAlerts(lake, store, alerting: [chain[0]], start: t0, now: t0.addingTimeInterval(120))
    }

    @Test func theDatabaseFourHopsDownIsTheCause() async throws {
        let top = try #require(try await verdict(dbFails: true).hypotheses.first)
        #expect(top.kind == .dependency && top.entity == chain[4])
        #expect(top.evidence.contains { $0.text.contains("1 silent hop") })
    }

    @Test func withAHealthyDatabaseTheLastFailingHopIsTheCause() async throws {
        let verdict = try await verdict(dbFails: false)
        #expect(verdict.hypotheses.first?.entity == chain[2])
        #expect(!verdict.hypotheses.contains { $0.entity == chain[4] })
    }
}
