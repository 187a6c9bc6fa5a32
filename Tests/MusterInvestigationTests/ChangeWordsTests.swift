import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// Words a card prints must be true: a load that rose from 0 has no ratio ("from 0 to 40/s", not "infx"), and an
/// abstention with no candidate names the symptom that moved rather than saying nothing did.
struct ChangeWordsTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let promo = EntityRef(kind: "service", id: "promo")

    @Test func aLoadThatRoseFromZeroIsWordedByItsPeak() {
        let spec = SignalSpec(name: "requests", type: .load, metric: "requests", isRate: true)
        let risen = SignalAssessment(
            entity: promo, signal: spec, baseline: 0, current: 40, peak: 40, onset: t0, strength: 9)
        #expect(risen.rise == "from 0 to 40/s")
        var doubled = risen
        doubled.baseline = 20
        #expect(doubled.rise == "2x")
        let loaded = Hypothesis.Loaded(entity: promo, onset: t0, ratio: .infinity, peak: 1414, isRate: true)
        #expect(loaded.rise == "from 0 to 1414/s")
    }

    @Test(arguments: [true, false])
    func anAbstentionWithoutCandidatesSaysWhatMoved(errorsRose: Bool) async throws {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(
                    ref: promo,
                    properties: ["signals": .array([signalItem("errors", .errors, match: ["service": "promo"])])])
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...1 {
            let jitter = 1 + 0.02 * Double(abs(minute * 7919) % 5 - 2)
            store.append(
                "errors", labels: ["service": "promo"], time: t0.addingTimeInterval(Double(minute) * 60),
                value: (errorsRose && minute >= -3 ? 0.12 : 0.002) * jitter, kind: .gauge)
        }
        let verdict = await investigateAlerts(lake, store, alerting: [promo], start: t0, now: t0.addingTimeInterval(60))
        let abstention = try #require(verdict.abstention)
        #expect(abstention.contains("no signal around") == !errorsRose)
        #expect(abstention.contains("errors (errors) 0.002 ->") == errorsRose)
    }

    /// A direct caller deployed just before is "around" the alerting entity: the abstention says so instead of
    /// claiming that nothing moved and no deploy precedes the alerts.
    @Test func anAbstentionNamesADeployOfADirectCaller() async throws {
        let lake = ContextLake.inMemory()
        let caller = EntityRef(kind: "service", id: "checkout")
        try lake.upsert(
            [
                Entity(
                    ref: promo,
                    properties: ["signals": .array([signalItem("errors", .errors, match: ["service": "promo"])])]),
                Entity(ref: caller, relations: ["dependsOn": [promo]]),
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(Deployment(target: caller, at: t0.addingTimeInterval(-120), version: "3.7.0"))
        let store = MetricStore()
        for minute in -240...1 {
            let jitter = 1 + 0.02 * Double(abs(minute * 7919) % 5 - 2)
            store.append(
                "errors", labels: ["service": "promo"], time: t0.addingTimeInterval(Double(minute) * 60),
                value: 0.002 * jitter, kind: .gauge)
        }
        let verdict = await investigateAlerts(lake, store, alerting: [promo], start: t0, now: t0.addingTimeInterval(60))
        let abstention = try #require(verdict.abstention)
        #expect(!abstention.contains("no deploy or change precedes"))
        #expect(abstention.contains("its caller service:checkout was deployed 3.7.0 at"))
    }
}
