import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// `render` is out of CPU (58% -> 97% since -30m) while `fonts` (since -14m), which it calls, errors on an endpoint only other clients use.
/// `render` times its own calls to `fonts` (`peer: fonts`): while that view stays normal, the trouble of `fonts` does
/// not reach it, so it is no "upstream trouble too" and no outside cause that halves the saturation; once that view
/// turns bad, it is.
struct CalmPeerViewTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let fonts = EntityRef(kind: "service", id: "fonts")
    let render = EntityRef(kind: "service", id: "render")

    func lake() throws -> ContextLake {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(
                    ref: fonts,
                    properties: ["signals": .array([signalItem("errors", .errors, match: ["service": "fonts"])])]),
                Entity(
                    ref: render,
                    properties: [
                        "signals": .array([
                            signalItem("latency", .latency, match: ["service": "render"]),
                            signalItem("cpu", .saturation, match: ["service": "render"]),
                            signalItem(
                                "font-call-errors", .errors, metric: "client_errors",
                                match: ["service": "render", "peer": "fonts"]),
                        ])
                    ],
                    relations: ["dependsOn": [fonts]]),
            ], at: t0.addingTimeInterval(-86_400))
        return lake
    }

    func verdict(viewTurnsBad: Bool) async throws -> Verdict {
        let store = MetricStore()
        for minute in -240...1 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double(abs(minute * 7919) % 5 - 2)
            let failing = minute >= -14
            store.append(
                "errors", labels: ["service": "fonts"], time: time, value: (failing ? 0.12 : 0.001) * jitter,
                kind: .gauge)
            store.append(
                "client_errors", labels: ["service": "render", "peer": "fonts"], time: time,
                value: (failing && viewTurnsBad ? 0.1 : 0.001) * jitter, kind: .gauge)
            store.append(
                "cpu", labels: ["service": "render"], time: time, value: (minute >= -30 ? 0.97 : 0.58) * jitter,
                kind: .gauge)
            store.append(
                "latency", labels: ["service": "render"], time: time, value: (minute >= -7 ? 3.2 : 0.4) * jitter,
                kind: .gauge)
        }
        return await investigateAlerts(try lake(), store, alerting: [render], start: t0, now: t0.addingTimeInterval(60))
    }

    @Test func aCalmPeerViewClearsTheUpstream() async throws {
        let verdict = try await verdict(viewTurnsBad: false)
        let top = try #require(verdict.hypotheses.first)
        #expect(top.kind == .saturation && top.entity == render)
        #expect(verdict.rootCause != nil)
        #expect(!top.evidence.contains { $0.text.contains("upstream trouble too") })
    }

    @Test func aPeerViewThatTurnedBadKeepsTheUpstreamTrouble() async throws {
        let verdict = try await verdict(viewTurnsBad: true)
        let saturation = try #require(verdict.hypotheses.first { $0.kind == .saturation })
        #expect(saturation.evidence.contains { $0.text.contains("upstream trouble too") })
    }

    @Test(arguments: [false, true])
    func aCauseOnAClearedUpstreamDoesNotHalveIt(viewTurnsBad: Bool) async throws {
        let lake = try lake()
        let store = MetricStore()
        for minute in -240...1 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double(abs(minute * 7919) % 5 - 2)
            store.append(
                "client_errors", labels: ["service": "render", "peer": "fonts"], time: time,
                value: (minute >= -14 && viewTurnsBad ? 0.1 : 0.001) * jitter, kind: .gauge)
        }
        let facts = IncidentFacts(id: IncidentID(1), now: t0, firstOnset: t0, alerting: [render], alerts: [])
        let context = await InvestigationContext.build(
            facts: facts, lake: lake, metrics: store, playbook: .standard, analyzer: SignalAnalyzer(playbook: .standard)
        )
        let saturation = Hypothesis(kind: .saturation, entity: render, score: 0.76, summary: "cpu", evidence: [])
        let deploy = Hypothesis(kind: .deployment, entity: fonts, score: 0.8, summary: "deploy", evidence: [])
        let settled = Investigator(lake: lake, metrics: store).settleSaturation([saturation, deploy], context: context)
        #expect(settled.first { $0.kind == .saturation }?.score == (viewTurnsBad ? 0.38 : 0.76))
    }
}
