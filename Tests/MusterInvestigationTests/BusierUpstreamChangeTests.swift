import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// `stock` is deployed a minute before its errors step, while the cache it shares with `quotes` has been mildly busier
/// (CPU 30% -> 41%, its latency flat) for three minutes. Busier, not failing, the cache failed nobody first: the
/// deploy is the cause. `quotes` erroring since a flag change of its own a minute before its onset is no witness that
/// the cache's users feel it, and its change does not reach `stock` through what they share (`quotes` measures its
/// load: a producer beside it), since `stock`'s own deploy came after it.
struct BusierUpstreamChangeTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let cache = EntityRef(kind: "resource", id: "cache")
    let stock = EntityRef(kind: "service", id: "stock")
    let quotes = EntityRef(kind: "service", id: "quotes")

    func verdict(quotesChanged: Bool) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(
                    ref: cache,
                    properties: [
                        "type": .string("redis"),
                        "signals": .array([
                            signalItem("cpu", .saturation, match: ["instance": "cache"]),
                            signalItem("latency", .latency, match: ["instance": "cache"]),
                        ]),
                    ]),
                Entity(
                    ref: stock,
                    properties: ["signals": .array([signalItem("errors", .errors, match: ["service": "stock"])])],
                    relations: ["dependsOn": [cache]]),
                Entity(
                    ref: quotes,
                    properties: [
                        "signals": .array([
                            signalItem("errors", .errors, match: ["service": "quotes"]),
                            signalItem("requests", .load, match: ["service": "quotes"]),
                        ])
                    ],
                    relations: ["dependsOn": [cache]]),
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(Deployment(target: stock, at: t0.addingTimeInterval(-60), version: "8.0.1"))
        if quotesChanged {
            try lake.record(
                Change(target: quotes, at: t0.addingTimeInterval(-240), summary: "flag quote.v2_rounding=true"))
        }
        let store = MetricStore()
        for minute in -240...2 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double(abs(minute * 7919) % 5 - 2)
            store.append(
                "cpu", labels: ["instance": "cache"], time: time, value: (minute >= -3 ? 0.41 : 0.3) * jitter,
                kind: .gauge)
            store.append("latency", labels: ["instance": "cache"], time: time, value: 0.0012 * jitter, kind: .gauge)
            store.append(
                "errors", labels: ["service": "stock"], time: time, value: (minute >= 0 ? 0.3 : 0.001) * jitter,
                kind: .gauge)
            let quoteErrors = quotesChanged && minute >= -3 ? 0.22 : 0.002
            store.append("errors", labels: ["service": "quotes"], time: time, value: quoteErrors * jitter, kind: .gauge)
            store.append("requests", labels: ["service": "quotes"], time: time, value: 150 * jitter, kind: .gauge)
        }
        return await investigateAlerts(lake, store, alerting: [stock], start: t0, now: t0.addingTimeInterval(60))
    }

    @Test(arguments: [false, true])
    func aDeployIsNotDownstreamOfABusierUpstream(quotesChanged: Bool) async throws {
        let verdict = try await verdict(quotesChanged: quotesChanged)
        let top = try #require(verdict.hypotheses.first)
        #expect(top.kind == .deployment && top.entity == stock)
        #expect(verdict.rootCause != nil)
        #expect(!top.evidence.contains { $0.isAgainst && $0.text.contains("failed first") })
        // Its own deploy came after the flag change of `quotes`, nearer to its onset: that change is not its cause.
        #expect(verdict.hypotheses.filter { $0.entity == quotes }.allSatisfy { $0.confidence < 0.5 })
    }
}
