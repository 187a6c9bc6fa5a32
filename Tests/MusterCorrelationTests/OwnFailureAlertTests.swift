import Foundation
import MusterLake
import MusterModel
import Testing

@testable import MusterCorrelation

/// A database alerts its own failure (its server certificate expired) while its signals are normal (it idles:
/// clients cannot connect); its direct callers fail in the same minutes.
struct OwnFailureAlertTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let db = EntityRef(kind: "resource", id: "db")
    let orders = EntityRef(kind: "service", id: "orders")
    let refunds = EntityRef(kind: "service", id: "refunds")

    func correlator() throws -> Correlator {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: db), Entity(ref: orders, relations: ["dependsOn": [db]]),
                Entity(ref: refunds, relations: ["dependsOn": [db]]),
            ], at: t0.addingTimeInterval(-86_400))
        return Correlator(lake: lake, policy: CorrelationPolicy())
    }

    func page(_ entity: EntityRef, at offset: TimeInterval, turnedBad: TimeInterval) -> AlertArrival {
        let alert = Alert(
            source: .generic, sourceID: entity.id, dedupKey: entity.id, status: .firing, title: "\(entity.id) errors",
            severity: .critical, startedAt: t0.addingTimeInterval(offset), receivedAt: t0.addingTimeInterval(offset))
        return AlertArrival(
            alert: alert, entity: entity, eventID: entity.id,
            trouble: [entity: .anomalous("errors 0.002 -> 0.7"), db: .healthy], symptoms: [.errors],
            onsets: [entity: t0.addingTimeInterval(turnedBad)])
    }

    func certificate(severity: Severity) -> AlertArrival {
        let alert = Alert(
            source: .generic, sourceID: "cert", dedupKey: "cert", status: .firing,
            title: "Certificate db-server expired (Ready=False)", severity: severity, startedAt: t0, receivedAt: t0)
        return AlertArrival(alert: alert, entity: db, eventID: "cert", trouble: [db: .healthy])
    }

    /// Once two of its callers turned bad with it, the database's alert is trouble: the second caller joins it, and
    /// the first caller's incident with it.
    @Test func callersThatTurnedBadWithTheDatabasesOwnFailureAlertJoinIt() throws {
        var correlator = try correlator()
        _ = correlator.ingest(page(refunds, at: 0, turnedBad: -120))
        _ = correlator.ingest(certificate(severity: .critical))
        let second = correlator.ingest(page(orders, at: 60, turnedBad: -120))
        #expect(second.reasons.contains { $0.contains("it alerts its own failure") })
        #expect(correlator.alerts["cert"]?.incident == second.incident)
        #expect(correlator.alerts["refunds"]?.incident == second.incident)
    }

    /// One caller failing with it is not enough: a warning-level blip beside one failing caller proves nothing.
    @Test func oneCallerAloneDoesNotMakeTheAlertTrouble() throws {
        var correlator = try correlator()
        let first = correlator.ingest(page(refunds, at: 0, turnedBad: -120))
        let cert = correlator.ingest(certificate(severity: .critical))
        #expect(!cert.reasons.contains { $0.contains("it alerts its own failure") })
        #expect(cert.incident != first.incident)
    }

    /// A notice on the database reports no failure: the callers stay apart as before.
    @Test func aNoticeOnTheDatabaseIsNoFailureAlert() throws {
        var correlator = try correlator()
        let first = correlator.ingest(page(refunds, at: 0, turnedBad: -120))
        let notice = correlator.ingest(certificate(severity: .info))
        #expect(notice.incident != first.incident)
    }

    /// A caller that turned bad long before the database alerted did not turn bad with it.
    @Test func aCallerBadLongBeforeTheAlertIsNotVouchedFor() throws {
        var correlator = try correlator()
        _ = correlator.ingest(certificate(severity: .critical))
        let late = correlator.ingest(page(orders, at: 60, turnedBad: -900))
        #expect(late.reasons.first?.contains("it alerts its own failure") != true)
    }
}
