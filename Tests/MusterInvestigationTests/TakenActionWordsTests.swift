import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A deploy at -16m; errors at 30% from -15m; a rollback at 0. One recorded `failed` never ran: it is said to have
/// failed to run, not to have "not helped". One after which the errors fell to normal helped: it is under what was
/// already tried, and the rollback is not offered again as if it were new.
struct TakenActionWordsTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let service = EntityRef(kind: "service", id: "checkout")

    func verdict(result: String, errorsFall: Bool) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(
                    ref: service,
                    properties: [
                        "signals": .array([signalItem("errors", .errors)]), "actions": .array([.string("rollback")]),
                    ], relations: [:])
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(Deployment(target: service, at: t0.addingTimeInterval(-16 * 60), version: "2.0"))
        try lake.record(ActionRecord(name: "rollback", target: service, at: t0, result: result))
        let store = MetricStore()
        for minute in -240...8 {
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            var value = minute < -15 ? 0.002 : 0.30
            if errorsFall, minute > 0 { value = 0.002 }
            store.append(
                "errors", labels: [:], time: t0.addingTimeInterval(Double(minute) * 60), value: value * jitter,
                kind: .gauge)
        }
        return await investigateAlerts(
            lake, store, alerting: [service], start: t0.addingTimeInterval(-840), now: t0.addingTimeInterval(480))
    }

    @Test func aRollbackRecordedFailedFailedToRun() async throws {
        let verdict = try await verdict(result: "failed", errorsFall: false)
        let advice = try #require(verdict.avoid.first)
        #expect(advice.failedToRun)
        #expect(advice.reason.contains("failed to run"))
        #expect(!verdict.tried.contains { $0.contains("did not help") })
        let card = TriageCard(incident: IncidentID(1), verdict: verdict, notified: [], lake: nil).text
        #expect(!card.contains("Tried, did not help"))
        #expect(card.contains("Already tried:"))
        // It proves nothing about running it again.
        #expect(verdict.actions.contains { $0.action == "rollback" })
    }

    @Test func aRollbackThatHelpedIsAlreadyTriedNotNew() async throws {
        let verdict = try await verdict(result: "succeeded", errorsFall: true)
        let card = TriageCard(incident: IncidentID(1), verdict: verdict, notified: [], lake: nil).text
        #expect(card.contains("Already tried:"))
        #expect(card.contains("helped"))
        for rollback in verdict.actions where rollback.action == "rollback" {
            #expect(rollback.reason.contains("already done at"))
        }
    }
}
