import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A job beside two alerting services on a shared database floods it; its schedule was changed two hours before,
/// and it had not run since: the change shows only when the job runs.
struct IdleSourceChangeTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let db = EntityRef(kind: "resource", id: "db")
    let job = EntityRef(kind: "service", id: "job")
    let payments = EntityRef(kind: "service", id: "payments")
    let statements = EntityRef(kind: "service", id: "statements")

    /// `idleLoad`: the job's query rate before it starts (0: it did not run).
    func verdict(idleLoad: Double) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        func signals(_ items: JSONValue...) -> JSONValue { .array(items) }
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: db, properties: ["signals": signals(signalItem("latency", .latency, match: ["app": "db"]))],
                    relations: ["ownedBy": [team]]),
                Entity(
                    ref: job,
                    properties: [
                        "signals": signals(signalItem("queries", .load, match: ["app": "job"])),
                        "actions": .array([.string("config-revert")]),
                    ],
                    relations: ["ownedBy": [team], "dependsOn": [db]]),
                Entity(
                    ref: payments,
                    properties: ["signals": signals(signalItem("errors", .errors, match: ["app": "payments"]))],
                    relations: ["ownedBy": [team], "dependsOn": [db]]),
                Entity(
                    ref: statements,
                    properties: ["signals": signals(signalItem("errors", .errors, match: ["app": "statements"]))],
                    relations: ["ownedBy": [team], "dependsOn": [db]]),
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(
            Change(target: job, at: t0.addingTimeInterval(-130 * 60), summary: "cron 0 2 * * * -> 0 14 * * *"))
        let store = MetricStore()
        for minute in -360...3 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let running = minute >= -3
            store.append(
                "queries", labels: ["app": "job"], time: time, value: running ? 1400 * jitter : idleLoad * jitter,
                kind: .gauge)
            store.append(
                "latency", labels: ["app": "db"], time: time, value: (minute >= -2 ? 1.9 : 0.008) * jitter, kind: .gauge
            )
            for app in ["payments", "statements"] {
                store.append(
                    "errors", labels: ["app": app], time: time, value: (minute >= -2 ? 0.3 : 0.002) * jitter,
                    kind: .gauge)
            }
        }
        return await investigateAlerts(
            lake, store, alerting: [payments, statements], start: t0, now: t0.addingTimeInterval(120))
    }

    @Test func aChangeOfAJobThatStayedIdleUntilItsLoadRoseIsDatedAtTheRise() async throws {
        let verdict = try await verdict(idleLoad: 0)
        let top = try #require(verdict.hypotheses.first)
        #expect(top.kind == .configChange && top.entity == job)
        #expect(top.evidence.contains { $0.text.contains("stayed idle from then until the rise") })
    }

    @Test func aChangeOfAJobThatKeptRunningIsNotDatedAtTheRise() async throws {
        let verdict = try await verdict(idleLoad: 40)
        #expect(!verdict.hypotheses.contains { $0.kind == .configChange && $0.score >= 0.5 })
    }
}
