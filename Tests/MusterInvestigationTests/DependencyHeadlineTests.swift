import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A cache whose p99 wobbled 4x twenty minutes early and that then went down in the minute its caller failed:
/// the outage names and dates the failing dependency, not the wobble.
struct DependencyHeadlineTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let cache = EntityRef(kind: "resource", id: "cache")
    let api = EntityRef(kind: "service", id: "api")

    @Test func theSevereFaultWithTheCallersNamesAndDatesTheDependency() async throws {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(
                    ref: cache,
                    properties: [
                        "signals": .array([
                            signalItem("latency", .latency, match: ["db": "cache"]),
                            signalItem("up", .health, match: ["db": "cache"]),
                        ])
                    ]),
                Entity(
                    ref: api,
                    properties: ["signals": .array([signalItem("errors", .errors, match: ["service": "api"])])],
                    relations: ["dependsOn": [cache]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...2 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double(abs(minute * 7919) % 5 - 2)
            store.append(
                "latency", labels: ["db": "cache"], time: time, value: (minute >= -21 ? 0.009 : 0.002) * jitter,
                kind: .gauge)
            store.append("up", labels: ["db": "cache"], time: time, value: minute >= -1 ? 0 : 1, kind: .gauge)
            store.append(
                "errors", labels: ["service": "api"], time: time, value: (minute >= -1 ? 0.4 : 0.002) * jitter,
                kind: .gauge)
        }
        let verdict = await investigateAlerts(lake, store, alerting: [api], start: t0, now: t0.addingTimeInterval(120))
        let dependency = try #require(verdict.hypotheses.first { $0.kind == .dependency && $0.entity == cache })
        #expect(dependency.summary.contains("is failing (up)"))
        #expect(dependency.evidence.contains { $0.text == "it turned bad 0s before the services below it" })
    }
}
