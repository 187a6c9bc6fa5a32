import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A caller that is only slow, at the load it always had, below a saturated database waits on that database: more
/// replicas of it add load to the database, so a traffic spike does not scale it out.
struct ScaleOutTargetTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let reader = EntityRef(kind: "service", id: "statements")
    let database = EntityRef(kind: "resource", id: "ledger-db")
    let customer = EntityRef(kind: "customer", id: "quill")

    func actions(readerLoadGrowth: Double) async throws -> [ActionProposal] {
        let lake = ContextLake.inMemory()
        func signal(_ name: String, _ type: String) -> JSONValue {
            .object(["name": .string(name), "type": .string(type), "metric": .string(name)])
        }
        try lake.upsert(
            [
                Entity(ref: customer),
                Entity(ref: database, properties: ["signals": .array([signal("cpu", "saturation")])]),
                Entity(
                    ref: reader,
                    properties: [
                        "signals": .array([signal("latency", "latency"), signal("requests", "load")]),
                        "actions": .array([.string("scale-out")]), "replicas": .number(4),
                    ], relations: ["dependsOn": [database]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...2 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let after = minute >= -4
            store.append("cpu", labels: [:], time: time, value: (after ? 0.97 : 0.38) * jitter, kind: .gauge)
            store.append("latency", labels: [:], time: time, value: (after ? 2.2 : 0.18) * jitter, kind: .gauge)
            let requests = 120 * (after ? readerLoadGrowth : 1)
            store.append("requests", labels: [:], time: time, value: requests * jitter, kind: .gauge)
        }
        let facts = IncidentFacts(
            id: IncidentID(1), now: t0.addingTimeInterval(120), firstOnset: t0, alerting: [database, reader], alerts: []
        )
        let context = await InvestigationContext.build(
            facts: facts, lake: lake, metrics: store, playbook: .standard, analyzer: SignalAnalyzer(playbook: .standard)
        )
        let root = Hypothesis(kind: .trafficSpike, entity: customer, score: 0.9, summary: "import", evidence: [])
        return Recommender(context: context).recommend(for: root, teams: [])
    }

    @Test func aCallerSlowedBySaturatedUpstreamIsNotScaledOut() async throws {
        let actions = try await actions(readerLoadGrowth: 1)
        #expect(!actions.contains { $0.action == "scale-out" && $0.target == reader })
        #expect(actions.contains { $0.action == "scale-out" && $0.target == database })
    }

    @Test func aSlowCallerWhoseOwnLoadRoseIsScaledOut() async throws {
        let actions = try await actions(readerLoadGrowth: 3)
        #expect(actions.contains { $0.action == "scale-out" && $0.target == reader })
    }
}
