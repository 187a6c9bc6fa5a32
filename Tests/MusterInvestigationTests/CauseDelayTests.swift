import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A cause precedes its effect closely or shows a path that explains the delay: a database slow since 35 minutes
/// before its caller's symptoms, and no slower since, did not make them; one that kept getting slower did.
struct CauseDelayTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let database = EntityRef(kind: "resource", id: "db")
    let service = EntityRef(kind: "service", id: "api")

    /// The database's latency steps 4 ms -> 11 ms at -35m (then, when `worsens`, climbs to 80 ms by -3m); the
    /// service's CPU pegs at -4m and its errors rise at -3m, at flat traffic.
    func verdict(worsens: Bool) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: database, properties: ["signals": .array([signalItem("db_latency", .latency)])]),
                Entity(
                    ref: service,
                    properties: [
                        "signals": .array([
                            signalItem("requests", .load), signalItem("cpu", .saturation),
                            signalItem("errors", .errors),
                        ])
                    ], relations: ["dependsOn": [database]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...1 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            var latency = minute < -35 ? 0.004 : 0.011
            if worsens && minute >= -35 { latency = 0.011 + 0.069 * Double(min(minute, -3) + 35) / 32 }
            store.append("db_latency", labels: [:], time: time, value: latency * jitter, kind: .gauge)
            store.append("requests", labels: [:], time: time, value: 300 * jitter, kind: .gauge)
            store.append("cpu", labels: [:], time: time, value: (minute < -4 ? 0.42 : 0.98) * jitter, kind: .gauge)
            store.append("errors", labels: [:], time: time, value: (minute < -3 ? 0.002 : 0.08) * jitter, kind: .gauge)
        }
        return await investigateAlerts(lake, store, alerting: [service], start: t0, now: t0.addingTimeInterval(60))
    }

    @Test func aSteadyFaultLongBeforeTheSymptomsIsNoCause() async throws {
        let verdict = try await verdict(worsens: false)
        #expect(verdict.rootCause?.kind == .saturation)
        let dependency = try #require(verdict.hypotheses.first { $0.kind == .dependency })
        #expect(dependency.evidence.contains { $0.isAgainst && $0.text.contains("needs a path") })
    }

    @Test func aFaultThatWorsenedSinceKeepsItsPath() async throws {
        let verdict = try await verdict(worsens: true)
        let dependency = try #require(verdict.hypotheses.first { $0.kind == .dependency })
        #expect(!dependency.evidence.contains { $0.text.contains("needs a path") })
    }
}
