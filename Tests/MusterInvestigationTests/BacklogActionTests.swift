import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// An action on a lagging consumer helped when the backlog that grew before it shrinks after it, though six
/// minutes are far too few to halve it; one after which it keeps growing did not.
struct BacklogActionTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let worker = EntityRef(kind: "service", id: "worker")

    /// Lag grows 10k a minute from -10m; from the action at 0 it changes by `after` a minute.
    func verdict(after: Double, action: String = "scale-out") async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let lag: JSONValue = .object(["name": .string("lag"), "type": .string("lag"), "metric": .string("lag")])
        try lake.upsert(
            [Entity(ref: worker, properties: ["signals": .array([lag])])], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...8 {
            let peak = 100_000.0
            let value =
                minute < -10 ? 200 : minute <= 0 ? 200 + 10_000 * Double(minute + 10) : peak + after * Double(minute)
            store.append(
                "lag", labels: [:], time: t0.addingTimeInterval(Double(minute) * 60), value: value, kind: .gauge)
        }
        try lake.record(ActionRecord(name: action, target: worker, at: t0))
        let start = t0.addingTimeInterval(-480)
        let alert = Alert(
            source: .generic, sourceID: "a", dedupKey: "a", status: .firing, title: "worker lag", severity: .critical,
            startedAt: start, receivedAt: start)
        let facts = IncidentFacts(
            id: IncidentID(1), now: t0.addingTimeInterval(480), firstOnset: start, alerting: [worker], alerts: [alert])
        return await Investigator(lake: lake, metrics: store).investigate(facts)
    }

    @Test func aBacklogThatTurnedToDrainWasHelped() async throws {
        let verdict = try await verdict(after: -3_600)
        #expect(verdict.avoid.isEmpty)
        #expect(verdict.tried.contains { $0.contains(" helped: ") && $0.contains("shrinks") })
    }

    @Test func aBacklogStillGrowingWasNotHelped() async throws {
        let verdict = try await verdict(after: 10_000)
        #expect(verdict.avoid.map(\.action) == ["scale-out"])
    }

    /// Capacity that now matches the inflow stops the growth without draining the backlog: the scale-out helped
    /// (more of it drains). A restart after which the backlog only stops growing is not credited with it.
    @Test(arguments: [("scale-out", true), ("restart", false)])
    func aBacklogThatStoppedGrowing(action: String, helped: Bool) async throws {
        let verdict = try await verdict(after: 50, action: action)
        #expect(verdict.tried.contains { $0.contains(" helped: ") && $0.contains("flat since") } == helped)
        #expect(verdict.avoid.map(\.action) == (helped ? [] : [action]))
    }
}
