import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// Two services that do not call each other fail within two minutes; both use a database that measures nothing.
/// One of them was deployed nine minutes before its own errors.
struct SilentUpstreamTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let db = EntityRef(kind: "resource", id: "db")
    let orders = EntityRef(kind: "service", id: "orders")
    let matcher = EntityRef(kind: "service", id: "matcher")

    /// `ordersDiskFull`: orders' own disk also fills (0.55 -> 1) a minute before its errors.
    func verdict(dbMeasured: Bool, alerting: [EntityRef]? = nil, ordersDiskFull: Bool = false) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        func errors(_ service: String) -> JSONValue {
            .array([signalItem("errors", .errors, match: ["service": service])])
        }
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: db, properties: dbMeasured ? ["signals": errors("db")] : [:], relations: ["ownedBy": [team]]),
                Entity(
                    ref: orders,
                    properties: [
                        "signals": ordersDiskFull
                            ? .array([
                                signalItem("errors", .errors, match: ["service": "orders"]),
                                signalItem("disk", .saturation, match: ["service": "orders"]),
                            ]) : errors("orders")
                    ],
                    relations: ["ownedBy": [team], "dependsOn": [db]]),
                Entity(
                    ref: matcher, properties: ["signals": errors("matcher")],
                    relations: ["ownedBy": [team], "dependsOn": [db]]),
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(Deployment(target: matcher, at: t0.addingTimeInterval(-11 * 60), version: "4.12"))
        let store = MetricStore()
        let onsets = ["orders": -4, "matcher": -2, "db": 99]
        for minute in -240...2 {
            for (service, onset) in onsets {
                store.append(
                    "errors", labels: ["service": service], time: t0.addingTimeInterval(Double(minute) * 60),
                    value: minute >= onset ? 0.3 : 0.002, kind: .gauge)
            }
            let jitter = 1 + 0.01 * Double((minute * 7919) % 5 - 2)
            store.append(
                "disk", labels: ["service": "orders"], time: t0.addingTimeInterval(Double(minute) * 60),
                value: minute >= -5 ? 1.0 : 0.55 * jitter, kind: .gauge)
        }
        return await investigateAlerts(
            lake, store, alerting: alerting ?? [orders, matcher], start: t0, now: t0.addingTimeInterval(120))
    }

    @Test func theSilentDatabaseWhereBothMeetOutranksOneCallersDeploy() async throws {
        let verdict = try await verdict(dbMeasured: false)
        let top = try #require(verdict.hypotheses.first)
        #expect(top.kind == .dependency && top.entity == db)
        #expect(top.evidence.contains { $0.text.contains("2 separate branches") })
        let deploy = try #require(verdict.hypotheses.first { $0.kind == .deployment })
        #expect(deploy.evidence.contains { $0.isAgainst && $0.text.contains("turned bad with it") })
    }

    @Test func aMeasuredHealthyDatabaseIsNotWhereTheyMeet() async throws {
        let verdict = try await verdict(dbMeasured: true)
        #expect(!verdict.hypotheses.contains { $0.entity == db && $0.kind == .dependency })
        let deploy = try #require(verdict.hypotheses.first { $0.kind == .deployment })
        #expect(!deploy.evidence.contains { $0.text.contains("turned bad with it") })
    }

    /// orders' own disk is full: its cause is in plain sight, so it is no branch of a meeting at the silent
    /// database, which is no candidate; its saturation says why.
    @Test func aBranchWithAnExhaustedSaturationOfItsOwnIsNoMeeting() async throws {
        let verdict = try await verdict(dbMeasured: false, ordersDiskFull: true)
        #expect(!verdict.hypotheses.contains { $0.entity == db && $0.kind == .dependency })
        let saturation = try #require(verdict.hypotheses.first { $0.kind == .saturation && $0.entity == orders })
        #expect(saturation.evidence.contains { $0.text.contains("a cause of its own in plain sight") })
    }

    /// Only the deployed service alerts; the other caller of the silent database fails as well without alerting:
    /// a witness, which makes the database the meeting point and the deploy a weaker account.
    @Test func aCallerThatDoesNotAlertWitnessesTheSilentDatabase() async throws {
        let verdict = try await verdict(dbMeasured: false, alerting: [matcher])
        let database = try #require(verdict.hypotheses.first { $0.kind == .dependency && $0.entity == db })
        #expect(
            database.evidence.contains { $0.text.contains("service:orders, which does not alert, failed with them") })
        let deploy = try #require(verdict.hypotheses.first { $0.kind == .deployment })
        #expect(deploy.evidence.contains { $0.isAgainst && $0.text.contains("turned bad with it") })
    }
}
