import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A leak a restart reset on the way: memory flat for hours, climbing from the deploy 9 hours before exhaustion,
/// back down at a restart 5 hours before and climbing again at once. The deploy, beyond the 6-hour look-back, is
/// the cause; a climb that only began at the restart is not the old deploy's.
struct RestartedLeakTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let api = EntityRef(kind: "service", id: "api")

    func verdict(climbsSinceDeploy: Bool) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: api,
                    properties: [
                        "signals": .array([signalItem("memory", .saturation), signalItem("requests", .load)])
                    ],
                    relations: ["ownedBy": [team]]),
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(Deployment(target: api, at: t0.addingTimeInterval(-540 * 60), version: "8.0"))
        try lake.record(ActionRecord(name: "restart", target: api, at: t0.addingTimeInterval(-300 * 60)))
        let store = MetricStore()
        for minute in -720...2 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.01 * Double((minute * 7919) % 5 - 2)
            var memory = 0.4
            if minute > -300 {
                memory = 0.4 + 0.58 * Double(minute + 300) / 300
            } else if minute > -540, climbsSinceDeploy {
                memory = 0.4 + 0.58 * Double(minute + 540) / 300
            }
            store.append("memory", labels: [:], time: time, value: memory * jitter, kind: .gauge)
            store.append("requests", labels: [:], time: time, value: 100 * jitter, kind: .gauge)
        }
        return await investigateAlerts(lake, store, alerting: [api], start: t0, now: t0.addingTimeInterval(120))
    }

    @Test func aLeakResetByARestartIsTracedToTheDeployBeforeTheLookBack() async throws {
        let verdict = try await verdict(climbsSinceDeploy: true)
        let top = try #require(verdict.rootCause)
        #expect(top.kind == .deployment && top.entity == api)
        #expect(top.evidence.contains { $0.text.contains("a restart frees what leaked, not the leak") })
        #expect(verdict.actions.contains { $0.action == "rollback" })
    }

    @Test func aClimbThatBeganAtTheRestartIsNotTheOldDeploys() async throws {
        let verdict = try await verdict(climbsSinceDeploy: false)
        #expect(!verdict.hypotheses.contains { $0.kind == .deployment })
    }
}
