import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A remedy for a failure that is over is not recommended: a database that went down and came back before the
/// triage is still the cause, but no failover is proposed, and the card says that it recovered.
struct RecoveredDependencyTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let database = EntityRef(kind: "resource", id: "db")
    let service = EntityRef(kind: "service", id: "api")

    /// The database is down from -12m, back at -4m when `recovers`; the service's errors follow it a minute later.
    func verdict(recovers: Bool) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(
                    ref: database,
                    properties: [
                        "type": .string("postgres"), "actions": .array([.string("failover")]),
                        "signals": .array([signalItem("up", .health)]),
                    ]),
                Entity(
                    ref: service, properties: ["signals": .array([signalItem("errors", .errors)])],
                    relations: ["dependsOn": [database]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...0 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let down = minute >= -12 && (!recovers || minute < -4)
            let failing = minute >= -11 && (!recovers || minute < -3)
            store.append("up", labels: [:], time: time, value: down ? 0 : 1, kind: .gauge)
            store.append("errors", labels: [:], time: time, value: (failing ? 0.4 : 0.002) * jitter, kind: .gauge)
        }
        return await investigateAlerts(
            lake, store, alerting: [service], start: t0.addingTimeInterval(-600), now: t0)
    }

    @Test func aDatabaseStillDownIsFailedOver() async throws {
        let verdict = try await verdict(recovers: false)
        #expect(verdict.rootCause?.entity == database)
        #expect(verdict.actions.contains { $0.action == "failover" && $0.target == database })
    }

    @Test func aDatabaseThatRecoveredIsNotFailedOverAndTheCardSaysSo() async throws {
        let verdict = try await verdict(recovers: true)
        let root = try #require(verdict.rootCause)
        #expect(root.entity == database)
        #expect(!verdict.actions.contains { $0.action == "failover" })
        let card = TriageCard(incident: IncidentID(1), verdict: verdict, notified: [], lake: nil)
        #expect(card.text.contains("recovered at"))
    }
}
