import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A tenant of a node (neither alerting nor upstream of the alerting service) deployed, then its memory climbed and
/// the node's memory with it until the service beside it failed: the tenant's deploy is the cause. A tenant whose
/// memory stayed flat after its deploy leaves the node the failing infrastructure. A tenant that also measures its load
/// (a sibling, judged as a producer too) is a tenant all the same: the node filling is its change's consequence.
struct TenantChangeTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let api = EntityRef(kind: "service", id: "api")
    let batch = EntityRef(kind: "service", id: "batch")
    let node = EntityRef(kind: "resource", id: "node")

    @Test(arguments: [
        (true, false, RootCauseKind.deployment), (false, false, RootCauseKind.infrastructure),
        (true, true, RootCauseKind.deployment),
    ])
    func aTenantWhoseUseFilledTheSharedNodeIsTheCause(grows: Bool, measuresLoad: Bool, winner: RootCauseKind)
        async throws
    {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
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
                    ref: batch,
                    properties: [
                        "actions": .array([.string("rollback")]),
                        "signals": .array(
                            [signalItem("batch_memory", .saturation)]
                                + (measuresLoad ? [signalItem("batch_jobs", .load)] : [])),
                    ],
                    relations: ["ownedBy": [team], "dependsOn": [node]]),
                Entity(
                    ref: api, properties: ["signals": .array([signalItem("api_errors", .errors)])],
                    relations: ["ownedBy": [team], "dependsOn": [node]]),
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(Deployment(target: batch, at: t0.addingTimeInterval(-18 * 60), version: "2.6"))
        let store = MetricStore()
        for minute in -200...4 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.01 * Double(abs(minute * 7919) % 5 - 2)
            let climb = min(1, max(0, Double(minute + 17) / 12))
            let values = [
                ("node_memory", 0.62 + 0.37 * climb), ("batch_memory", grows ? 3 + 37 * climb : 3),
                ("api_errors", minute >= -2 ? 0.2 : 0.002), ("batch_jobs", 50),
            ]
            for (name, value) in values {
                store.append(name, labels: [:], time: time, value: value * jitter, kind: .gauge)
            }
        }
        let verdict = await investigateAlerts(lake, store, alerting: [api], start: t0, now: t0.addingTimeInterval(60))
        let top = try #require(verdict.hypotheses.first)
        #expect(top.kind == winner)
        #expect(top.entity == (winner == .deployment ? batch : node))
        if !measuresLoad {
            #expect(top.evidence.contains { $0.text.contains("takes what its neighbours need") } == grows)
        }
    }
}
