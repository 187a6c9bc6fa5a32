import Foundation
import MusterLake
import MusterModel
import Testing

@testable import MusterInvestigation

struct TriageCardTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func verdict() -> Verdict {
        let root = Hypothesis(
            kind: .deployment, entity: EntityRef(kind: "service", id: "token"), confidence: 0.91,
            summary: "token deployed 7.3.0 4m before the symptoms",
            evidence: [Evidence("token: verify failures 0.002 -> 0.31 since 10:37"), Evidence("flat", against: true)])
        return Verdict(
            at: t0, hypotheses: [root], rootCause: root, abstention: nil,
            actions: [
                ActionProposal(
                    action: "rollback", target: root.entity, isAvailable: true, reason: "deployment on token"),
                ActionProposal(
                    action: "page", target: EntityRef(kind: "team", id: "identity"), isAvailable: true,
                    reason: "owns it"),
            ],
            avoid: [
                AvoidAdvice(
                    action: "restart", target: EntityRef(kind: "service", id: "cart"), at: t0,
                    reason: "restart of cart did not help")
            ],
            tried: [], customers: [], services: [EntityRef(kind: "service", id: "cart")],
            teams: [EntityRef(kind: "team", id: "checkout")], notified: [EntityRef(kind: "user", id: "priya")],
            problems: [])
    }

    @Test func textNamesCauseEvidenceTriedAndActions() {
        let card = TriageCard(
            incident: IncidentID(1), verdict: verdict(), notified: [EntityRef(kind: "user", id: "priya")], lake: nil)
        #expect(card.text.contains("Likely cause: deployment service:token (91% confidence)"))
        #expect(card.text.contains("verify failures 0.002 -> 0.31"))
        #expect(!card.text.contains("flat"))  // evidence against is in the report, not the three lines
        #expect(card.text.contains("Tried, did not help:\n  - restart of cart did not help"))
        #expect(card.text.contains("rollback service:token"))
        #expect(card.text.contains("@priya"))
    }

    @Test func blocksCarryApproveRejectPerActionAndFeedback() throws {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [Entity(ref: EntityRef(kind: "user", id: "priya"), properties: ["slack_id": .string("U1PRIYA")])], at: t0)
        let card = TriageCard(
            incident: IncidentID(7), verdict: verdict(), notified: [EntityRef(kind: "user", id: "priya")], lake: lake)
        let blocks = try #require(card.blocks.arrayValue)
        #expect(blocks.first?["type"] == .string("header"))
        let actionBlocks = blocks.filter { $0["type"] == .string("actions") }
        #expect(actionBlocks.count == 3)  // two actions and the feedback row
        let first = try #require(actionBlocks.first?["elements"]?.arrayValue)
        #expect(first.map { $0["action_id"] } == [.string("approve"), .string("reject")])
        #expect(first.first?["value"] == .string("inc-7|0|rollback|service:token"))
        #expect(actionBlocks.last?["block_id"] == .string("feedback"))
        let text = "\(blocks)"
        #expect(text.contains("<@U1PRIYA>"))
        // Block Kit encodes as JSON that Slack accepts: every block has a type
        #expect(blocks.allSatisfy { $0["type"]?.stringValue != nil })
    }
}
