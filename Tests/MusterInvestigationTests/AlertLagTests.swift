import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A database alerts its own failure (its certificate expired) while its signals stay normal; its two callers
/// turned bad `lead` before its alert began.
struct AlertLagTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let db = EntityRef(kind: "resource", id: "db")
    let orders = EntityRef(kind: "service", id: "orders")
    let refunds = EntityRef(kind: "service", id: "refunds")

    func database(callersTurnedBad minutes: Int) async throws -> Hypothesis? {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        func errors(_ app: String) -> JSONValue { .array([signalItem("errors", .errors, match: ["app": app])]) }
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: db, properties: ["signals": .array([signalItem("cpu", .saturation, match: ["app": "db"])])],
                    relations: ["ownedBy": [team]]),
                Entity(
                    ref: orders, properties: ["signals": errors("orders")],
                    relations: ["ownedBy": [team], "dependsOn": [db]]),
                Entity(
                    ref: refunds, properties: ["signals": errors("refunds")],
                    relations: ["ownedBy": [team], "dependsOn": [db]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...2 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            store.append("cpu", labels: ["app": "db"], time: time, value: 0.45 * jitter, kind: .gauge)
            for app in ["orders", "refunds"] {
                store.append(
                    "errors", labels: ["app": app], time: time, value: (minute >= -minutes ? 0.7 : 0.002) * jitter,
                    kind: .gauge)
            }
        }
        let alerting = [orders, refunds, db]
        let alerts = alerting.map { ref in
            Alert(
                source: .generic, sourceID: ref.id, dedupKey: ref.id, status: .firing, title: "\(ref.id) alert",
                severity: .critical, labels: ["service": ref.id], startedAt: t0, receivedAt: t0)
        }
        let facts = IncidentFacts(
            id: IncidentID(1), now: t0.addingTimeInterval(120), firstOnset: t0, alerting: alerting, alerts: alerts)
        let verdict = await Investigator(lake: lake, metrics: store, playbook: .standard).investigate(facts)
        return verdict.hypotheses.first { $0.kind == .dependency && $0.entity == db }
    }

    @Test func anOwnAlertTwoMinutesAfterTheCallersStillComesFirst() async throws {
        let database = try #require(try await database(callersTurnedBad: 2))
        #expect(
            database.evidence.contains { !$0.isAgainst && $0.text.contains("within the time an alert takes to fire") })
    }

    @Test func anOwnAlertLongAfterTheCallersComesAfterThem() async throws {
        let database = try #require(try await database(callersTurnedBad: 10))
        #expect(database.evidence.contains { $0.isAgainst && $0.text.contains("after the services below it") })
    }
}
