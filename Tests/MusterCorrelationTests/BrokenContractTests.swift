import Foundation
import MusterLake
import MusterModel
import Testing

@testable import MusterCorrelation

/// Two callers of one upstream, whose own signals are normal, fail right after it was deployed: a changed
/// contract breaks the callers, not the service, so the shared upstream ties them. Without the deploy, or with
/// the callers failing long after it, its normal signals keep them apart.
struct BrokenContractTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let directory = EntityRef(kind: "service", id: "directory")
    let appointments = EntityRef(kind: "service", id: "appointments")
    let referrals = EntityRef(kind: "service", id: "referrals")

    func decision(deployedMinutesBefore minutes: Double?) throws -> CorrelationDecision {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: directory),
                Entity(ref: appointments, relations: ["dependsOn": [directory]]),
                Entity(ref: referrals, relations: ["dependsOn": [directory]]),
            ], at: t0.addingTimeInterval(-86_400))
        if let minutes {
            try lake.record(Deployment(target: directory, at: t0.addingTimeInterval(-minutes * 60), version: "5"))
        }
        var correlator = Correlator(lake: lake)
        func arrival(_ entity: EntityRef, at offset: TimeInterval) -> AlertArrival {
            let alert = Alert(
                source: .alertmanager, sourceID: entity.id, dedupKey: entity.id, status: .firing,
                title: "\(entity.id) errors", severity: .critical, labels: ["alertname": "\(entity.id)-errors"],
                startedAt: t0.addingTimeInterval(offset), receivedAt: t0.addingTimeInterval(offset))
            return AlertArrival(
                alert: alert, entity: entity, eventID: entity.id,
                trouble: [entity: .anomalous("errors 0.002 -> 0.2"), directory: .healthy],
                onsets: [entity: t0.addingTimeInterval(-120)])
        }
        _ = correlator.ingest(arrival(appointments, at: 0))
        return correlator.ingest(arrival(referrals, at: 60))
    }

    @Test func callersFailingRightAfterAChangeOfTheirUpstreamJoin() throws {
        let decision = try decision(deployedMinutesBefore: 3)
        #expect(decision.outcome == .joined)
        #expect(decision.reasons.first?.contains("a change can break its callers") == true)
    }

    @Test(arguments: [nil, 40.0])
    func callersOfAnUnchangedOrLongChangedHealthyUpstreamStayApart(minutes: Double?) throws {
        #expect(try decision(deployedMinutesBefore: minutes).outcome == .opened)
    }
}
