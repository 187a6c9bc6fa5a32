import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// An action taken while the symptom was already falling, that did not bend the fall, gets no credit: the
/// recovery was under way before it. One after which the symptom drops off the line it was on helped.
struct RecoveryTrendTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let service = EntityRef(kind: "service", id: "checkout")

    /// Errors at 30% from -15m; from `fallFrom` minutes they fall linearly to normal over 7 minutes; when
    /// `dropAtAction`, they fall to normal at the rollback (0) instead.
    func verdict(fallFrom: Int, dropAtAction: Bool) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(
                    ref: service, properties: ["signals": .array([signalItem("errors", .errors)])],
                    relations: [:])
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(ActionRecord(name: "rollback", target: service, at: t0))
        let store = MetricStore()
        for minute in -240...8 {
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            var value = minute < -15 ? 0.002 : 0.30
            if minute >= fallFrom { value = max(0.002, 0.30 - 0.042 * Double(minute - fallFrom)) }
            if dropAtAction, minute > 0 { value = 0.002 }
            store.append(
                "errors", labels: [:], time: t0.addingTimeInterval(Double(minute) * 60), value: value * jitter,
                kind: .gauge)
        }
        return await investigateAlerts(
            lake, store, alerting: [service], start: t0.addingTimeInterval(-840), now: t0.addingTimeInterval(480))
    }

    @Test func aRollbackDuringARecoveryAlreadyUnderWayIsNotCredited() async throws {
        let verdict = try await verdict(fallFrom: -3, dropAtAction: false)
        #expect(verdict.avoid.isEmpty)
        #expect(verdict.tried.first?.contains("cannot tell whether it helped") == true)
        #expect(verdict.tried.first?.contains("already falling") == true)
    }

    @Test func aRollbackThatBentTheTrendHelped() async throws {
        let verdict = try await verdict(fallFrom: -3, dropAtAction: true)
        #expect(verdict.tried.first?.contains("helped:") == true)
    }

    @Test func aRollbackOnAPlateauThatFellAfterItHelped() async throws {
        let verdict = try await verdict(fallFrom: 1, dropAtAction: false)
        #expect(verdict.tried.first?.contains("helped:") == true)
    }
}
