import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A failure that began before most of the usual baseline window (3 hours ending 30 minutes before the alert) is
/// judged against the history before its step, not against itself.
struct SettledBaselineTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let sender = EntityRef(kind: "service", id: "sender")
    let relay = EntityRef(kind: "resource", id: "relay")

    func minutes(_ minute: Int) -> Date { t0.addingTimeInterval(Double(minute) * 60) }

    /// Three and a half hours of samples, as an investigation reads them, with a little deterministic noise.
    func samples(_ value: (Int) -> Double) -> [Sample] {
        (-210...2).map { minute in
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            return Sample(time: minutes(minute), value: value(minute) * jitter)
        }
    }

    /// An error ratio that stepped 0.5% -> 40% 160 minutes before the alert fills most of the usual baseline: it is
    /// dated from the step, against the level before it. A step 60 minutes before the alert leaves the usual
    /// baseline normal and is dated by it as always.
    @Test(arguments: [(-160, true), (-60, false)])
    func aStepOlderThanMostOfTheBaselineIsDatedFromIt(step: Int, isSettled: Bool) throws {
        let series = samples { $0 >= step ? 0.4 : 0.005 }
        let spec = SignalSpec(name: "errors", type: .errors, metric: "errors")
        let assessment = try #require(SignalAnalyzer().assess(series, signal: spec, entity: sender, reference: t0))
        #expect(assessment.isAnomalous)
        #expect(assessment.onset == minutes(step))
        #expect(abs(assessment.baseline - 0.005) < 0.001)
        #expect((assessment.baselineSettledBefore != nil) == isSettled)
        #expect(assessment.summary.contains("normal is read from before the step") == isSettled)
    }

    /// A backlog growing in a straight line for 150 minutes (a consumer a little short of its inflow) is dated from
    /// where it began to grow.
    @Test func aBacklogGrowingSinceBeforeTheBaselineIsDatedFromItsStart() throws {
        let series = samples { $0 >= -150 ? 200 + 3500 * Double($0 + 150) : 200 }
        let spec = SignalSpec(name: "queue", type: .lag, metric: "queue")
        let assessment = try #require(SignalAnalyzer().assess(series, signal: spec, entity: sender, reference: t0))
        #expect(assessment.onset == minutes(-149))
        #expect(assessment.baselineSettledBefore != nil)
    }

    /// One org's webhooks up from 20/s to 90/s since 160 minutes before the alert (a customer's replay): a spike
    /// of 4.5x against the traffic before it, not a steady 90/s.
    @Test func aLoadStepOlderThanTheBaselineIsASpikeFromIt() throws {
        let series = samples { $0 >= -160 ? 90 : 20 }
        let spec = SignalSpec(name: "received", type: .load, metric: "received")
        let assessment = try #require(SignalAnalyzer().assess(series, signal: spec, entity: sender, reference: t0))
        #expect(assessment.onset == minutes(-160))
        #expect(assessment.ratio > 4)
    }

    /// A step that was over before the alert is no failure still going: the usual baseline stands.
    @Test func aStepOverBeforeTheAlertIsNotSettledAgainst() throws {
        let series = samples { $0 >= -160 && $0 < -20 ? 0.4 : 0.005 }
        let spec = SignalSpec(name: "errors", type: .errors, metric: "errors")
        let assessment = try #require(SignalAnalyzer().assess(series, signal: spec, entity: sender, reference: t0))
        #expect(assessment.baselineSettledBefore == nil)
    }

    /// A relay that began rejecting mail 150 minutes before the only alert (a retry queue that took that long to
    /// cross its threshold), with the sender's failures starting a minute later, is the cause: the late alert
    /// does not make its failure an older condition.
    @Test func aDependencyWhoseStepTheServicesBelowFollowedIsNoOlderCondition() async throws {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: relay, properties: ["signals": .array([signalItem("rejections", .errors)])],
                    relations: ["ownedBy": [team]]),
                Entity(
                    ref: sender,
                    properties: [
                        "signals": .array([signalItem("failures", .errors), signalItem("queue", .lag)])
                    ],
                    relations: ["ownedBy": [team], "dependsOn": [relay]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -300...2 {
            let time = minutes(minute)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            store.append("rejections", time: time, value: (minute >= -150 ? 0.4 : 0.005) * jitter, kind: .gauge)
            store.append("failures", time: time, value: (minute >= -149 ? 0.4 : 0.005) * jitter, kind: .gauge)
            let queue = minute >= -149 ? 200 + 3500 * Double(minute + 149) : 200
            store.append("queue", time: time, value: queue * jitter, kind: .gauge)
        }
        let verdict = await investigateAlerts(
            lake, store, alerting: [sender], start: t0, now: t0.addingTimeInterval(60))
        let top = try #require(verdict.rootCause)
        #expect(top.kind == .dependency && top.entity == relay)
        #expect(top.confidence >= 0.5)
        #expect(top.evidence.contains { !$0.isAgainst && $0.text.contains("the same failure, alerted late") })
        #expect(!top.evidence.contains { $0.text.contains("an older condition") })
    }
}
