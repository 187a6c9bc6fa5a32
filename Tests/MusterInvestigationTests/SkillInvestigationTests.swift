import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// The playbook's hypothesis rules in the investigator: disabled kinds, alert signatures, weights, reads.
struct SkillInvestigationTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let api = EntityRef(kind: "service", id: "api")

    /// api errors step up 9 minutes before the alert, 1 minute after a deploy of api.
    func verdict(_ playbookText: String?, alertName: String = "ApiErrors") async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let signal: JSONValue = .object([
            "name": .string("api-errors"), "type": .string("errors"), "metric": .string("err"),
            "match": .object(["svc": .string("api")]),
        ])
        try lake.upsert(
            [Entity(ref: api, properties: ["actions": .array([.string("rollback")]), "signals": .array([signal])])],
            at: t0.addingTimeInterval(-86_400))
        try lake.record(Deployment(target: api, at: t0.addingTimeInterval(-600), version: "2.0"))
        let store = MetricStore()
        for minute in -180...2 {
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            store.append(
                "err", labels: ["svc": "api"], time: t0.addingTimeInterval(Double(minute) * 60),
                value: (minute >= -9 ? 0.3 : 0.002) * jitter, kind: .gauge)
        }
        let alert = Alert(
            source: .generic, sourceID: "a", dedupKey: "a", status: .firing, title: "api errors", severity: .critical,
            labels: ["alertname": alertName, "severity": "critical"], startedAt: t0, receivedAt: t0)
        let facts = IncidentFacts(
            id: IncidentID(1), now: t0.addingTimeInterval(120), firstOnset: t0, alerting: [api], alerts: [alert])
        let playbook = try playbookText.map { try SkillLoader.playbook(from: $0, file: "test.yaml") } ?? .standard
        return await Investigator(lake: lake, metrics: store, playbook: playbook).investigate(facts)
    }

    @Test func theDefaultFindsTheDeploy() async throws {
        let verdict = try await verdict(nil)
        #expect(verdict.rootCause?.kind == .deployment)
    }

    @Test func aDisabledKindIsNotPursued() async throws {
        let verdict = try await verdict("version: 1\nhypotheses: [{kind: deployment, enabled: false}]\n")
        #expect(!verdict.hypotheses.contains { $0.kind == .deployment })
        #expect(verdict.rootCause == nil)
    }

    @Test func aSignatureSkipsTheHypothesisForOtherAlerts() async throws {
        let skill =
            "version: 1\nhypotheses: [{kind: deployment, when: {alerts: [\"^Api\"], labels: {severity: crit}}}]\n"
        #expect(try await verdict(skill).rootCause?.kind == .deployment)
        #expect(try await verdict(skill, alertName: "DiskFull").rootCause == nil)
        let symptoms = "version: 1\nhypotheses: [{kind: deployment, when: {symptoms: [latency]}}]\n"
        #expect(try await verdict(symptoms).rootCause == nil)
    }

    @Test func aWeightScalesTheScore() async throws {
        let full = try #require(try await verdict(nil).rootCause?.score)
        let halved = try await verdict("version: 1\nhypotheses: [{kind: deployment, weight: 0.5}]\n")
        let deploy = try #require(halved.hypotheses.first { $0.kind == .deployment })
        #expect(abs(deploy.score - full * 0.5) < 1e-9)
        #expect(deploy.confidence == Playbook.standard.calibration.probability(ofScore: deploy.score))
        #expect(halved.rootCause == nil)  // its calibrated confidence is below the bar
    }

    @Test func readsLimitTheSignalsAHypothesisSees() async throws {
        let verdict = try await verdict("version: 1\nhypotheses: [{kind: deployment, reads: {types: [latency]}}]\n")
        let deploy = try #require(verdict.hypotheses.first { $0.kind == .deployment })
        let unrestricted = try #require(try await self.verdict(nil).hypotheses.first { $0.kind == .deployment })
        // Without the signals that confirm it, only timing and topology speak: lower, never a certainty.
        #expect(deploy.score < unrestricted.score - 0.3)
        #expect(deploy.score <= 0.55)
        #expect(deploy.evidence.contains { $0.text.contains("no signals to confirm it") })
    }

    @Test func theMapSetsTheConfidenceAndTheBarReadsIt() async throws {
        let raw = try #require(try await verdict(nil).rootCause?.score)
        // A map that puts every score at 30% of itself: below a bar of 0.5, so Muster abstains and quotes it.
        let low = try await verdict(
            "version: 1\nthresholds: {confidence_bar: 0.5}\ncalibration: {points: [[0, 0], [1, 0.3]]}\n")
        let top = try #require(low.hypotheses.first)
        #expect(top.score == raw)
        #expect(abs(top.confidence - 0.3 * raw) < 1e-9)
        #expect(low.rootCause == nil)
        #expect(low.abstention?.contains("at \(Int((0.3 * raw * 100).rounded()))%") == true)
    }

    @Test func aScoreBelowTheBarIsNamedWhenTheMapSaysSuchScoresAreRight() async throws {
        let halved = "version: 1\nthresholds: {confidence_bar: 0.5}\nhypotheses: [{kind: deployment, weight: 0.5}]\n"
        let raw = try await verdict(halved + "calibration: {points: []}\n")
        let score = try #require(raw.hypotheses.first?.score)
        #expect(score < 0.5)
        #expect(raw.rootCause == nil)
        let trusted = try await verdict(halved + "calibration: {points: [[0.2, 0.7], [1, 0.9]]}\n")
        let cause = try #require(trusted.rootCause)
        #expect(cause.kind == .deployment)
        #expect(cause.score == score)
        #expect(abs(cause.confidence - (0.7 + (score - 0.2) / 0.8 * 0.2)) < 1e-9)
    }
}
