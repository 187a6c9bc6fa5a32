import Foundation
import MusterLake
import MusterModel
import Testing

@testable import MusterCorrelation

/// An alert that announces a deadline (a certificate expiring in 14 days) reports no failure: it joins no
/// incident, not even one of its own entity, and no later alert joins through it.
struct ReminderTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let api = EntityRef(kind: "service", id: "api")
    let db = EntityRef(kind: "resource", id: "db")

    func correlator() throws -> Correlator {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [Entity(ref: db), Entity(ref: api, relations: ["dependsOn": [db]])], at: t0.addingTimeInterval(-86_400))
        var policy = CorrelationPolicy()
        policy.reminderPatterns = ["(?i)expir(es|ing|y)"]
        return Correlator(lake: lake, policy: policy)
    }

    func arrival(_ key: String, _ title: String, on entity: EntityRef, at offset: TimeInterval) -> AlertArrival {
        let alert = Alert(
            source: .generic, sourceID: key, dedupKey: key, status: .firing, title: title, severity: .warning,
            startedAt: t0.addingTimeInterval(offset), receivedAt: t0.addingTimeInterval(offset))
        return AlertArrival(
            alert: alert, entity: entity, eventID: key, trouble: [entity: .anomalous("errors 0.01 -> 0.2")],
            symptoms: [.errors], onsets: [entity: t0.addingTimeInterval(-120)])
    }

    @Test func aReminderOnAFailingEntityStaysOnItsOwn() throws {
        var correlator = try correlator()
        let page = correlator.ingest(arrival("errors", "api: 19% of requests failing", on: api, at: 0))
        let reminder = correlator.ingest(
            arrival("cert", "api: TLS certificate expires in 14 days", on: api, at: 180))
        #expect(reminder.outcome == .opened)
        #expect(reminder.incident != page.incident)
        #expect(reminder.reasons.first?.contains("a reminder") == true)
    }

    @Test func noFailureJoinsThroughAReminder() throws {
        var correlator = try correlator()
        let reminder = correlator.ingest(arrival("cert", "db: certificate expiring soon", on: db, at: 0))
        let page = correlator.ingest(arrival("errors", "api: 19% of requests failing", on: api, at: 60))
        let again = correlator.ingest(arrival("latency", "db: queries slow", on: db, at: 90))
        #expect(page.outcome == .opened)
        #expect(page.incident != reminder.incident)
        #expect(again.incident == page.incident)
    }

    /// A certificate that has expired is a failure, not a reminder.
    @Test func anExpiredCertificateIsNoReminder() throws {
        var correlator = try correlator()
        let page = correlator.ingest(arrival("errors", "api: 19% of requests failing", on: api, at: 0))
        let expired = correlator.ingest(arrival("cert", "api: TLS certificate expired", on: api, at: 60))
        #expect(expired.incident == page.incident)
    }

    /// A name that matches a reminder pattern (an expiry alert) does not make a reminder when the text says the
    /// deadline has passed: 0 days left, clients failing the handshake, is a failure.
    @Test(arguments: ["certificate EXPIRED at 13:58 UTC", "certificate of api: 0 days left"])
    func aPassedDeadlineIsNoReminder(title: String) throws {
        var correlator = try correlator()
        let page = correlator.ingest(arrival("errors", "api: 19% of requests failing", on: api, at: 0))
        var cert = arrival("cert", "api: \(title)", on: api, at: 60)
        cert.alert.labels = ["alertname": "TLSCertificateExpiry"]
        let expired = correlator.ingest(cert)
        #expect(correlator.reminderPattern(of: cert.alert) == nil)
        #expect(expired.incident == page.incident)
    }
}
