import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A service deployed and reconfigured in the same minute (its cache TTL set to 0) calls its upstream on every
/// request from then on: the upstream's load jumps 70x and its p99 rises, in the same sample as the service's
/// errors. A rollback of the deploy did not help.
struct LoadedUpstreamTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let pricing = EntityRef(kind: "service", id: "pricing")
    let fx = EntityRef(kind: "service", id: "fx")

    /// `fxLatency`: fx's p99 once loaded (0.05 before).
    func verdict(fxLatency: Double) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: fx,
                    properties: [
                        "signals": .array([
                            signalItem("latency", .latency, match: ["app": "fx"]),
                            signalItem("requests", .load, match: ["app": "fx"]),
                        ])
                    ], relations: ["ownedBy": [team]]),
                Entity(
                    ref: pricing,
                    properties: [
                        "signals": .array([signalItem("errors", .errors, match: ["app": "pricing"])]),
                        "actions": .array([.string("rollback"), .string("config-revert")]),
                    ], relations: ["ownedBy": [team], "dependsOn": [fx]]),
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(Deployment(target: pricing, at: t0.addingTimeInterval(-8 * 60), version: "4.2"))
        try lake.record(Change(target: pricing, at: t0.addingTimeInterval(-8 * 60), summary: "cache TTL 300s -> 0"))
        try lake.record(ActionRecord(name: "rollback", target: pricing, at: t0.addingTimeInterval(4 * 60)))
        let store = MetricStore()
        for minute in -240...14 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let loaded = minute >= -6
            store.append(
                "requests", labels: ["app": "fx"], time: time, value: (loaded ? 220 : 3) * jitter, kind: .gauge)
            store.append(
                "latency", labels: ["app": "fx"], time: time, value: (loaded ? fxLatency : 0.05) * jitter, kind: .gauge)
            store.append(
                "errors", labels: ["app": "pricing"], time: time, value: (loaded ? 0.31 : 0.002) * jitter,
                kind: .gauge)
        }
        return await investigateAlerts(lake, store, alerting: [pricing], start: t0, now: t0.addingTimeInterval(14 * 60))
    }

    @Test func aMildlySlowerUpstreamLoadedByTheChangeDidNotFailFirst() async throws {
        let verdict = try await verdict(fxLatency: 0.08)
        let top = try #require(verdict.hypotheses.first)
        #expect(top.kind == .configChange && top.entity == pricing)
        #expect(!top.evidence.contains { $0.text.contains("failed first") })
    }

    @Test func aSeverelyFailingUpstreamStillFailedFirst() async throws {
        let verdict = try await verdict(fxLatency: 0.9)
        let change = try #require(verdict.hypotheses.first { $0.kind == .configChange })
        #expect(change.evidence.contains { $0.text.contains("failed first") })
    }
}
