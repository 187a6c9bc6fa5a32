import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A node fills while a tenant deployed just before grew 1.2 GiB and an alerting neighbour's own working set grew
/// 26 GiB (the same metric): the neighbour filled it, and its saturation is the cause; the tenant's deploy is not
/// (5% of the growth). When the neighbour's memory stays flat, the tenant that grew is the cause again.
struct FillingTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let api = EntityRef(kind: "service", id: "api")
    let indexer = EntityRef(kind: "service", id: "indexer")
    let batch = EntityRef(kind: "service", id: "batch")
    let node = EntityRef(kind: "resource", id: "node")

    @Test(arguments: [true, false])
    func anAlertingNeighbourWhoseGrowthFilledTheNodeIsTheCause(neighbourGrows: Bool) async throws {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        func memory(_ id: String) -> JSONValue {
            .array([signalItem("memory", .saturation, metric: "working_set", match: ["service": id])])
        }
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: node,
                    properties: [
                        "type": .string("node"), "signals": .array([signalItem("node_memory", .saturation)]),
                    ],
                    relations: ["ownedBy": [team]]),
                Entity(
                    ref: batch, properties: ["actions": .array([.string("rollback")]), "signals": memory("batch")],
                    relations: ["ownedBy": [team], "dependsOn": [node]]),
                Entity(
                    ref: indexer,
                    properties: ["actions": .array([.string("scale-out")]), "signals": memory("indexer")],
                    relations: ["ownedBy": [team], "dependsOn": [node]]),
                Entity(
                    ref: api, properties: ["signals": .array([signalItem("api_errors", .errors)])],
                    relations: ["ownedBy": [team], "dependsOn": [node]]),
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(Deployment(target: batch, at: t0.addingTimeInterval(-20 * 60), version: "7.1"))
        let store = MetricStore()
        for minute in -200...4 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.01 * Double(abs(minute * 7919) % 5 - 2)
            let climb = min(1, max(0, Double(minute + 18) / 15))
            let batchMemory = minute >= -19 ? 3.3 : 2.1
            let indexerMemory = neighbourGrows ? 9 + 26 * climb : 9
            let nodeMemory = neighbourGrows ? 0.58 + 0.4 * climb : (minute >= -19 ? 0.98 : 0.56)
            store.append(
                "working_set", labels: ["service": "batch"], time: time, value: batchMemory * jitter, kind: .gauge)
            store.append(
                "working_set", labels: ["service": "indexer"], time: time, value: indexerMemory * jitter, kind: .gauge)
            store.append("node_memory", labels: [:], time: time, value: nodeMemory * jitter, kind: .gauge)
            store.append(
                "api_errors", labels: [:], time: time, value: (minute >= -3 ? 0.2 : 0.002) * jitter, kind: .gauge)
        }
        let alerting = neighbourGrows ? [indexer, api] : [api]
        let verdict = await investigateAlerts(
            lake, store, alerting: alerting, start: t0, now: t0.addingTimeInterval(60))
        let top = try #require(verdict.hypotheses.first)
        if neighbourGrows {
            #expect(top.kind == .saturation && top.entity == indexer)
            #expect(top.evidence.contains { $0.text.contains("takes what its neighbours need") })
            let deploy = try #require(verdict.hypotheses.first { $0.kind == .deployment })
            #expect(deploy.evidence.contains { $0.isAgainst && $0.text.contains("not what filled") })
        } else {
            #expect(top.kind == .deployment && top.entity == batch)
        }
    }
}
