import Foundation
import MusterInvestigation
import MusterModel
import MusterPipeline
import Testing

@testable import MusterReplay

/// `replay --skill`: the skill's playbook drives the replay.
struct SkillReplayTests {
    static let seed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "shared/scenarios/kafka-lag-storm.yaml")

    @Test func disablingTrafficSpikeChangesTheSeedVerdict() async throws {
        let scenario = try ScenarioLoader.load(path: Self.seed.path)
        let standard = try await ReplayDriver(playbook: Skill.standard.playbook).run(scenario)
        #expect(standard.passed)
        let playbook = try SkillLoader.playbook(
            from: "version: 1\nhypotheses:\n  - {kind: traffic-spike, enabled: false}\n", file: "no-spike.yaml")
        let result = try await ReplayDriver(playbook: playbook).run(scenario)
        let incident = try #require(result.incidents.first { $0.events.contains("pd-actions") })
        #expect(incident.rootCause?.kind != "traffic-spike")
        #expect(!incident.hypotheses.contains { $0.kind == "traffic-spike" })
        #expect(!result.passed)
        #expect(result.checks.contains { !$0.passed && $0.check.contains("root_cause") })
    }
}
