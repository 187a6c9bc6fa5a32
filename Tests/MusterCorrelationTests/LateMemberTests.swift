import Foundation
import MusterLake
import MusterModel
import Testing

@testable import MusterCorrelation

/// A late alert on a cause the incident shares: time runs from that cause's trouble while it is still going.
struct LateMemberTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let db = EntityRef(kind: "resource", id: "db")

    func ref(_ text: String) -> EntityRef { EntityRef(text)! }

    func arrival(_ key: String, _ entity: String, at offset: TimeInterval, isDBStillFailing: Bool) -> AlertArrival {
        let alert = Alert(
            source: .generic, sourceID: key, dedupKey: key, status: .firing, title: key, severity: .critical,
            labels: ["alertname": key], startedAt: t0.addingTimeInterval(offset),
            receivedAt: t0.addingTimeInterval(offset))
        var arrival = AlertArrival(
            alert: alert, entity: ref(entity), eventID: key,
            trouble: [db: .anomalous("latency 0.01 -> 2"), ref(entity): .anomalous("errors 0.001 -> 0.5")],
            onsets: [db: t0.addingTimeInterval(-120), ref(entity): t0.addingTimeInterval(offset - 60)])
        arrival.ongoing = isDBStillFailing ? [db, ref(entity)] : [ref(entity)]
        return arrival
    }

    /// A batch job's first run, 70 minutes after the incident's first alert, fails on the database that is still
    /// failing: it joins. The same alert after the database recovered is a new story and opens its own incident.
    @Test(arguments: [(true, CorrelationDecision.Outcome.joined), (false, .opened)])
    func aLateMemberOfAStillFailingCauseJoins(isDBStillFailing: Bool, outcome: CorrelationDecision.Outcome) throws {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: db),
                Entity(ref: ref("service:api"), relations: ["dependsOn": [db]]),
                Entity(ref: ref("service:batch"), relations: ["dependsOn": [db]]),
            ], at: t0.addingTimeInterval(-86_400))
        var correlator = Correlator(lake: lake)
        _ = correlator.ingest(arrival("api-errors", "service:api", at: 0, isDBStillFailing: true))
        let late = correlator.ingest(
            arrival("batch-failed", "service:batch", at: 70 * 60, isDBStillFailing: isDBStillFailing))
        #expect(late.outcome == outcome)
    }
}
