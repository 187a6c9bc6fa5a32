import Foundation
import MusterModel
import MusterPipeline
import Testing

@testable import MusterReplay

/// Each root-cause kind must win where it is the cause, and lose — with evidence against it —
/// where it is only a red herring. The worlds are the repository's own scenarios.
struct HypothesisContestTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Contest: Sendable, CustomStringConvertible {
        var scenario: String
        var winner: String
        var loser: String
        /// The red herring's entity, when the loser's kind alone is ambiguous.
        var loserEntity: String? = nil
        var description: String { "\(scenario): \(winner) beats \(loser) \(loserEntity ?? "")" }
    }

    static let contests: [Contest] = [
        Contest(scenario: "traffic-upstream", winner: "traffic-spike", loser: "config-change"),
        Contest(scenario: "producer-beside-consumers", winner: "traffic-spike", loser: "deployment"),
        Contest(
            scenario: "deploy-two-hops", winner: "deployment", loser: "deployment", loserEntity: "service:storefront"),
        Contest(scenario: "config-change-pool", winner: "config-change", loser: "deployment"),
        Contest(scenario: "feature-flag", winner: "config-change", loser: "deployment"),
        Contest(scenario: "dependency-two-hops", winner: "dependency", loser: "deployment"),
        Contest(scenario: "saturation-pool", winner: "saturation", loser: "deployment"),
        Contest(scenario: "saturation-slow-leak", winner: "saturation", loser: "config-change"),
        Contest(scenario: "zone-outage", winner: "infrastructure", loser: "deployment"),
        Contest(scenario: "broker-down", winner: "infrastructure", loser: "deployment"),
    ]

    @Test(arguments: contests)
    func theCauseWinsAndTheRedHerringLoses(contest: Contest) async throws {
        let path = Self.repo.appendingPathComponent("scenarios/\(contest.scenario).yaml").path
        let result = try await ReplayDriver().run(try ScenarioLoader.load(path: path))
        let incident = try #require(
            result.incidents.first {
                $0.rootCause != nil && $0.events.count > 0 && $0.status != "merged" && !$0.hypotheses.isEmpty
            })
        #expect(incident.rootCause?.kind == contest.winner)
        let winner = try #require(incident.hypotheses.first)
        #expect(winner.kind == contest.winner)
        #expect(!winner.evidence.isEmpty)
        let wanted = contest.loserEntity.flatMap(EntityRef.init)
        let loser = try #require(
            incident.hypotheses.first { hypothesis in
                hypothesis.kind == contest.loser
                    && !(hypothesis.kind == winner.kind && hypothesis.entity == winner.entity)
                    && (wanted == nil || hypothesis.entity == wanted)
            }, "the red herring was not even examined")
        #expect(loser.score < 0.5)
        #expect(!loser.against.isEmpty, "\(loser.kind) \(loser.entity) should carry evidence against it")
    }

    /// A database that slowed down because a cache's config change sent it every miss ranks below the change,
    /// and says why: it turned bad minutes after the change on a neighbour serving the same callers.
    @Test func aConsequenceRanksBelowTheChangeThatCausedIt() async throws {
        let path = Self.repo.appendingPathComponent("scenarios/redis-config-change-unpaged.yaml").path
        let result = try await ReplayDriver().run(try ScenarioLoader.load(path: path))
        let incident = try #require(result.incidents.first { !$0.hypotheses.isEmpty })
        let cause = try #require(incident.hypotheses.first)
        #expect(cause.kind == "config-change" && cause.entity == EntityRef(kind: "resource", id: "redis-feed"))
        let consequence = try #require(
            incident.hypotheses.first {
                $0.kind == "dependency" && $0.entity == EntityRef(kind: "resource", id: "pg-feed")
            })
        #expect(consequence.score < cause.score - 0.1)
        #expect(consequence.against.contains { $0.contains("after the change on resource:redis-feed") })
    }
}
