import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// Which failed first, a deployed service or its upstream, when the samples cannot tell.
struct ChangeOrderTests {
    let world = InvestigatorTests()

    /// The deploy came first and both turned bad in the same sample: a tie establishes no order, and the
    /// deploy that preceded both is the cause (its new code stampedes the upstream). An upstream that failed
    /// before the deploy was first, whatever the samples say after it; and a rollback already tried without
    /// effect breaks the tie the other way.
    /// An upstream whose trouble began in the very minute of the deploy and reaches nobody else (the deployed
    /// service turned bad two minutes later) is the deploy's doing too.
    @Test(arguments: [
        (-4, -4, false, RootCauseKind.deployment), (-4, -7, false, RootCauseKind.dependency),
        (-4, -4, true, RootCauseKind.dependency), (-3, -5, false, RootCauseKind.deployment),
    ])
    func aSameSampleTieGoesToTheDeployThatPrecededBoth(
        apiFrom: Int, dbFrom: Int, isRolledBack: Bool, winner: RootCauseKind
    ) async throws {
        let (lake, store) = try world.world(
            apiErrors: { $0 >= apiFrom ? 0.3 : 0.002 }, dbLatency: { $0 >= dbFrom ? 0.9 : 0.01 })
        try lake.record(Deployment(target: world.api, at: world.t0.addingTimeInterval(-5 * 60), version: "2.0"))
        if isRolledBack {
            try lake.record(ActionRecord(name: "rollback", target: world.api, at: world.t0.addingTimeInterval(60)))
        }
        let alert = Alert(
            source: .generic, sourceID: "a", dedupKey: "a", status: .firing, title: "api errors", severity: .critical,
            startedAt: world.t0, receivedAt: world.t0)
        let facts = IncidentFacts(
            id: IncidentID(1), now: world.t0.addingTimeInterval(600), firstOnset: world.t0, alerting: [world.api],
            alerts: [alert])
        let verdict = await Investigator(lake: lake, metrics: store, playbook: .standard).investigate(facts)
        #expect(verdict.hypotheses.first?.kind == winner)
        let deploy = try #require(verdict.hypotheses.first { $0.kind == .deployment })
        #expect(deploy.evidence.contains { $0.text.contains("failed first") } == (winner == .dependency))
    }
}
