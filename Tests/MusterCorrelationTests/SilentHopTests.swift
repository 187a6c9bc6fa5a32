import Foundation
import MusterLake
import MusterModel
import Testing

@testable import MusterCorrelation

/// A troubled upstream between an alert and the cause an incident shares is that cause passed on, not a cause
/// of its own; one that failed first, or was changed, still explains the alert elsewhere.
struct SilentHopTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let db = EntityRef(kind: "resource", id: "db")
    let middle = EntityRef(kind: "service", id: "middle")

    func ref(_ text: String) -> EntityRef { EntityRef(text)! }

    func arrival(_ key: String, _ entity: String, at offset: TimeInterval, middleOnset: TimeInterval) -> AlertArrival {
        let alert = Alert(
            source: .generic, sourceID: key, dedupKey: key, status: .firing, title: key, severity: .critical,
            labels: ["alertname": key], startedAt: t0.addingTimeInterval(offset),
            receivedAt: t0.addingTimeInterval(offset))
        return AlertArrival(
            alert: alert, entity: ref(entity), eventID: key,
            trouble: [
                db: .anomalous("cpu 0.4 -> 0.98"), middle: .anomalous("latency 0.1 -> 2"),
                ref(entity): .anomalous("errors 0.001 -> 0.3"),
            ],
            onsets: [
                db: t0.addingTimeInterval(-300), middle: t0.addingTimeInterval(middleOnset),
                ref(entity): t0.addingTimeInterval(offset - 30),
            ])
    }

    /// api calls db; printer calls db through middle, which alerts on nothing. Middle turned bad after db: the
    /// printer joins api's incident. Middle turned bad ten minutes before db: it is a cause of its own.
    /// Middle deployed an hour ago: it has its own explanation either way.
    @Test(arguments: [(60.0, false, CorrelationDecision.Outcome.joined), (-900, false, .opened), (60, true, .opened)])
    func aSilentHopPassesTheCauseOn(
        middleOnset: TimeInterval, middleDeployed: Bool, outcome: CorrelationDecision.Outcome
    )
        throws
    {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: db),
                Entity(ref: middle, relations: ["dependsOn": [db]]),
                Entity(ref: ref("service:api"), relations: ["dependsOn": [db]]),
                Entity(ref: ref("service:printer"), relations: ["dependsOn": [middle]]),
            ], at: t0.addingTimeInterval(-86_400))
        if middleDeployed {
            try lake.record(Deployment(target: middle, at: t0.addingTimeInterval(-3600), version: "2"))
        }
        var correlator = Correlator(lake: lake)
        _ = correlator.ingest(arrival("api-errors", "service:api", at: 0, middleOnset: middleOnset))
        let printer = correlator.ingest(arrival("printer-errors", "service:printer", at: 120, middleOnset: middleOnset))
        #expect(printer.outcome == outcome, "\(printer)")
    }
}
