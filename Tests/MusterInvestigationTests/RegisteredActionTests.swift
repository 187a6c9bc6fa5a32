import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// Only what a target registers is offered for approval: a remedy it does not register is stood in for by a
/// registered equivalent (a rollback for a config revert) and otherwise named as a step to take by hand.
struct RegisteredActionTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let service = EntityRef(kind: "service", id: "payout")

    func actions(registering registered: [String]) async throws -> [ActionProposal] {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [Entity(ref: service, properties: ["actions": .array(registered.map { .string($0) })])],
            at: t0.addingTimeInterval(-86_400))
        let facts = IncidentFacts(id: IncidentID(1), now: t0, firstOnset: t0, alerting: [service], alerts: [])
        let context = await InvestigationContext.build(
            facts: facts, lake: lake, metrics: MetricStore(), playbook: .standard,
            analyzer: SignalAnalyzer(playbook: .standard))
        let root = Hypothesis(kind: .configChange, entity: service, score: 0.9, summary: "pool 40 -> 4", evidence: [])
        return Recommender(context: context).recommend(for: root, teams: [])
    }

    @Test func aRegisteredRollbackStandsInForAnUnregisteredRevert() async throws {
        let actions = try await actions(registering: ["restart", "rollback"])
        #expect(actions.first?.action == "rollback")
        #expect(actions.first?.isAvailable == true)
        #expect(actions.contains { $0.action == "config-revert" && !$0.isAvailable })
    }

    @Test func aRegisteredRevertNeedsNoStandIn() async throws {
        let actions = try await actions(registering: ["config-revert", "rollback"])
        #expect(actions.map(\.action) == ["config-revert"])
        #expect(actions.allSatisfy { $0.isAvailable })
    }

    @Test func theCardOffersOnlyRegisteredActionsForApproval() throws {
        let root = Hypothesis(kind: .configChange, entity: service, score: 0.9, summary: "pool 40 -> 4", evidence: [])
        let verdict = Verdict(
            at: t0, hypotheses: [root], rootCause: root, abstention: nil,
            actions: [
                ActionProposal(action: "rollback", target: service, isAvailable: true, reason: "undo the release"),
                ActionProposal(action: "config-revert", target: service, isAvailable: false, reason: "revert the pool"),
            ],
            avoid: [], tried: [], customers: [], services: [service], teams: [], notified: [], problems: [])
        let card = TriageCard(incident: IncidentID(3), verdict: verdict, notified: [], lake: nil)
        #expect(!card.text.contains("[not registered]"))
        #expect(card.text.contains("Recommended:\n  - rollback service:payout: undo the release"))
        #expect(card.text.contains("By hand (not registered, so not offered for approval):\n  - config-revert"))
        let blocks = try #require(card.blocks.arrayValue)
        let approvals = blocks.filter { $0["type"] == .string("actions") && $0["block_id"] != .string("feedback") }
        #expect(approvals.count == 1)
        #expect("\(approvals)".contains("inc-3|0|rollback|service:payout"))
        #expect(!"\(approvals)".contains("config-revert"))
    }
}
