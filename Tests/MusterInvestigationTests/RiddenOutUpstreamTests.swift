import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// `search` is deployed three minutes before its errors step, while the search cluster it calls has been slower
/// (p95 50 ms -> 160 ms, flat since) from `slowSince` minutes. Trouble `search` rode out for 15 minutes or more,
/// nothing new on it since, failed nobody first: the deploy keeps its score. Trouble that began 8 minutes before
/// still did.
struct RiddenOutUpstreamTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let cluster = EntityRef(kind: "resource", id: "es")
    let search = EntityRef(kind: "service", id: "search")

    func verdict(slowSince: Int) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(
                    ref: cluster,
                    properties: ["signals": .array([signalItem("p95", .latency, match: ["cluster": "es"])])]),
                Entity(
                    ref: search,
                    properties: ["signals": .array([signalItem("errors", .errors, match: ["service": "search"])])],
                    relations: ["dependsOn": [cluster]]),
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(Deployment(target: search, at: t0.addingTimeInterval(-180), version: "6.0.0"))
        let store = MetricStore()
        for minute in -240...1 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double(abs(minute * 7919) % 5 - 2)
            store.append(
                "p95", labels: ["cluster": "es"], time: time, value: (minute >= slowSince ? 0.16 : 0.05) * jitter,
                kind: .gauge)
            store.append(
                "errors", labels: ["service": "search"], time: time, value: (minute >= -2 ? 0.25 : 0.001) * jitter,
                kind: .gauge)
        }
        return await investigateAlerts(lake, store, alerting: [search], start: t0, now: t0.addingTimeInterval(60))
    }

    @Test func troubleRiddenOutFailedNobodyFirst() async throws {
        let verdict = try await verdict(slowSince: -40)
        let top = try #require(verdict.hypotheses.first)
        #expect(top.kind == .deployment && top.entity == search)
        #expect(verdict.rootCause != nil)
        #expect(!top.evidence.contains { $0.isAgainst && $0.text.contains("failed first") })
    }

    @Test func troubleJustBeforeStillFailedFirst() async throws {
        let verdict = try await verdict(slowSince: -8)
        let deploy = try #require(verdict.hypotheses.first { $0.kind == .deployment })
        #expect(deploy.evidence.contains { $0.isAgainst && $0.text.contains("failed first") })
    }
}
