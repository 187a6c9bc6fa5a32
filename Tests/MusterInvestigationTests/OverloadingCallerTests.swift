import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A caller deployed two minutes before the database's work rose tenfold and the database failed: the
/// database is overloaded by that caller's change, not broken on its own.
struct OverloadingCallerTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let db = EntityRef(kind: "resource", id: "db")
    let reporting = EntityRef(kind: "service", id: "reporting")
    let orders = EntityRef(kind: "service", id: "orders")

    @Test func theDatabaseYieldsToTheCallerWhoseDeployLoadedIt() async throws {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: db,
                    properties: [
                        "signals": .array([
                            signalItem("work", .load, breakdown: "service", breakdownKind: "service"),
                            signalItem("latency", .latency),
                        ])
                    ],
                    relations: ["ownedBy": [team]]),
                Entity(
                    ref: reporting, properties: ["signals": .array([signalItem("reports", .load)])],
                    relations: ["ownedBy": [team], "dependsOn": [db]]),
                Entity(
                    ref: orders, properties: ["signals": .array([signalItem("errors", .errors)])],
                    relations: ["ownedBy": [team], "dependsOn": [db]]),
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(Deployment(target: reporting, at: t0.addingTimeInterval(-420), version: "3.0"))
        let store = MetricStore()
        for minute in -240...2 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            func add(_ name: String, _ value: Double) {
                store.append(name, labels: [:], time: time, value: value * jitter, kind: .gauge)
            }
            store.append(
                "work", labels: ["service": "reporting"], time: time, value: (minute >= -5 ? 18 : 0.3) * jitter,
                kind: .gauge)
            store.append("work", labels: ["service": "orders"], time: time, value: 1.7 * jitter, kind: .gauge)
            add("latency", minute >= -5 ? 0.9 : 0.01)
            add("reports", 30)
            add("errors", minute >= -3 ? 0.3 : 0.002)
        }
        let verdict = await investigateAlerts(
            lake, store, alerting: [orders], start: t0, now: t0.addingTimeInterval(120))
        let dependency = try #require(verdict.hypotheses.first { $0.kind == .dependency && $0.entity == db })
        #expect(
            dependency.evidence.contains {
                $0.isAgainst && $0.text.contains("overloaded by the spike from service:reporting")
            })
    }
}
