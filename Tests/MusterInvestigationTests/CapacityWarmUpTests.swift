import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// New capacity may take minutes to join (pods pulling a large image): a scale-out after which the backlog kept
/// growing for the judging time, then turned while the load stayed up, helped; it is looked at again at twice
/// the judging time. A restart is not, nor a scale-out whose backlog turned because the load fell back.
struct CapacityWarmUpTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let worker = EntityRef(kind: "service", id: "worker")
    let producer = EntityRef(kind: "service", id: "producer")
    let topic = EntityRef(kind: "resource", id: "topic")

    /// Load x5 from -12m (until `loadEnds`, nil: still up); lag grows 10k a minute from -10m, turns at +8m after
    /// the action at 0 and shrinks 8k a minute; investigated `now` minutes after the action.
    func verdict(action: String = "scale-out", now: Int, loadEnds: Int? = nil) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: topic, properties: ["type": .string("kafka-topic")]),
                Entity(
                    ref: producer, properties: ["signals": .array([signalItem("published", .load)])],
                    relations: ["dependsOn": [topic]]),
                Entity(
                    ref: worker, properties: ["signals": .array([signalItem("lag", .lag)])],
                    relations: ["dependsOn": [topic]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...now {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let loaded = minute >= -12 && minute < (loadEnds ?? .max)
            store.append("published", labels: [:], time: time, value: (loaded ? 100 : 20) * jitter, kind: .gauge)
            let lag =
                minute < -10
                ? 200 : minute <= 8 ? 200 + 10_000 * Double(minute + 10) : 180_200 - 8_000 * Double(minute - 8)
            store.append("lag", labels: [:], time: time, value: lag, kind: .gauge)
        }
        try lake.record(ActionRecord(name: action, target: worker, at: t0))
        let start = t0.addingTimeInterval(-480)
        return await investigateAlerts(
            lake, store, alerting: [worker], start: start, now: t0.addingTimeInterval(Double(now) * 60))
    }

    @Test func aScaleOutWhoseBacklogTurnedLateHelped() async throws {
        let verdict = try await verdict(now: 12)
        #expect(verdict.avoid.isEmpty)
        #expect(verdict.tried.contains { $0.contains(" helped: ") && $0.contains("looked at again 12m after it") })
    }

    @Test func atTheJudgingTimeItHadNotHelpedYet() async throws {
        let verdict = try await verdict(now: 7)
        #expect(verdict.avoid.map(\.action) == ["scale-out"])
    }

    @Test func aRestartIsNotLookedAtAgain() async throws {
        let verdict = try await verdict(action: "restart", now: 12)
        #expect(verdict.avoid.map(\.action) == ["restart"])
    }

    @Test func aBacklogThatTurnedAsTheLoadFellIsNotTheCapacitysDoing() async throws {
        let verdict = try await verdict(now: 12, loadEnds: 7)
        #expect(verdict.avoid.map(\.action) == ["scale-out"])
    }

    @Test func aScaleOutIsTriagedAgainAtTheSecondLook() {
        let action = ActionRecord(name: "scale-out", target: worker, at: t0)
        #expect(Playbook.standard.judgingInstants(after: action).map { $0.timeIntervalSince(t0) } == [360, 720])
        let restart = ActionRecord(name: "restart", target: worker, at: t0)
        #expect(Playbook.standard.judgingInstants(after: restart).map { $0.timeIntervalSince(t0) } == [360])
    }
}
