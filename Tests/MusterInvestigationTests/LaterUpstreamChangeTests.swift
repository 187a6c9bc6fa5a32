import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A caller deployed long before its errors began, and a signal-less service it depends on deployed just before
/// them: the later deploy on the path is the nearer trigger.
struct LaterUpstreamChangeTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let caller = EntityRef(kind: "service", id: "quote")
    let sibling = EntityRef(kind: "service", id: "policy")
    let silent = EntityRef(kind: "service", id: "geo")

    /// Both callers of the silent service fail at t0 - 3m; the caller was deployed at t0 - 15m, the silent service
    /// at `upstreamDeployedAt` minutes (nil: never).
    func verdict(upstreamDeployedAt: Int?) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        func measured(_ ref: EntityRef) -> Entity {
            Entity(
                ref: ref, properties: ["signals": .array([signalItem("errors", .errors, match: ["service": ref.id])])],
                relations: ["ownedBy": [team], "dependsOn": [silent]])
        }
        try lake.upsert(
            [
                Entity(ref: team), Entity(ref: silent, relations: ["ownedBy": [team]]), measured(caller),
                measured(sibling),
            ],
            at: t0.addingTimeInterval(-86_400))
        try lake.record(Deployment(target: caller, at: t0.addingTimeInterval(-15 * 60), version: "11.4"))
        if let minutes = upstreamDeployedAt {
            try lake.record(Deployment(target: silent, at: t0.addingTimeInterval(Double(minutes) * 60), version: "3.0"))
        }
        let store = MetricStore()
        for minute in -240...8 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            for ref in [caller, sibling] {
                store.append(
                    "errors", labels: ["service": ref.id], time: time, value: minute >= -3 ? 0.25 : 0.003,
                    kind: .gauge)
            }
        }
        return await investigateAlerts(
            lake, store, alerting: [caller, sibling], start: t0, now: t0.addingTimeInterval(300))
    }

    @Test func theSilentUpstreamDeployedJustBeforeOutranksTheCallersOlderDeploy() async throws {
        let verdict = try await verdict(upstreamDeployedAt: -5)
        let top = try #require(verdict.hypotheses.first)
        #expect(top.kind == .deployment && top.entity == silent)
        let callerDeploy = try #require(verdict.hypotheses.first { $0.kind == .deployment && $0.entity == caller })
        #expect(callerDeploy.evidence.contains { $0.isAgainst && $0.text.contains("stayed well for 12m") })
    }

    @Test func withoutALaterUpstreamChangeTheCallersDeployIsNotMarkedDown() async throws {
        let verdict = try await verdict(upstreamDeployedAt: nil)
        let callerDeploy = try #require(verdict.hypotheses.first { $0.kind == .deployment && $0.entity == caller })
        #expect(!callerDeploy.evidence.contains { $0.text.contains("stayed well") })
    }

    @Test func anUpstreamDeployedBeforeTheCallerIsNotTheNearerTrigger() async throws {
        let verdict = try await verdict(upstreamDeployedAt: -20)
        let callerDeploy = try #require(verdict.hypotheses.first { $0.kind == .deployment && $0.entity == caller })
        #expect(!callerDeploy.evidence.contains { $0.text.contains("stayed well") })
    }
}
