import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A caller deployed a version that drops its cache: its errors rise and the service it calls takes 6x the requests,
/// a load without a breakdown. A traffic spike names a customer or org; with none to name, the spike on that service
/// is the caller's deploy read again, and only the deploy is listed.
struct ChangeMadeSpikeTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let api = EntityRef(kind: "service", id: "api")
    let geo = EntityRef(kind: "service", id: "geo")

    func verdict(deployed: Bool) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: geo, properties: ["signals": .array([signalItem("geo-requests", .load)])],
                    relations: ["ownedBy": [team]]),
                Entity(
                    ref: api,
                    properties: [
                        "actions": .array([.string("rollback")]),
                        "signals": .array([signalItem("api-errors", .errors)]),
                    ], relations: ["ownedBy": [team], "dependsOn": [geo]]),
            ], at: t0.addingTimeInterval(-86_400))
        if deployed { try lake.record(Deployment(target: api, at: t0.addingTimeInterval(-4 * 60), version: "4.2")) }
        let store = MetricStore()
        for minute in -240...2 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let bad = minute >= -3
            store.append("geo-requests", labels: [:], time: time, value: (bad ? 900 : 150) * jitter, kind: .gauge)
            store.append("api-errors", labels: [:], time: time, value: (bad ? 0.07 : 0.003) * jitter, kind: .gauge)
        }
        return await investigateAlerts(lake, store, alerting: [api], start: t0, now: t0.addingTimeInterval(60))
    }

    @Test func aSpikeOnTheLoadADeployMadeIsNotListedBesideIt() async throws {
        let verdict = try await verdict(deployed: true)
        #expect(verdict.rootCause?.kind == .deployment)
        #expect(!verdict.hypotheses.contains { $0.kind == .trafficSpike })
    }

    @Test func withoutAChangeTheSpikeOnTheServiceStaysACandidate() async throws {
        let verdict = try await verdict(deployed: false)
        #expect(verdict.hypotheses.contains { $0.kind == .trafficSpike && $0.entity == geo })
    }
}
