import Foundation
import MusterModel
import MusterPipeline
import Testing

@testable import MusterReplay

/// The public scenarios, replayed end to end through the pipeline.
struct SeedReplayTests {
    static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/scenarios")

    func replay(_ name: String) async throws -> ReplayResult {
        let scenario = try ScenarioLoader.load(path: Self.shared.appendingPathComponent("\(name).yaml").path)
        return try await ReplayDriver().run(scenario)
    }

    @Test func seedIncidentPassesEveryCheck() async throws {
        let result = try await replay("kafka-lag-storm")
        for check in result.checks { #expect(check.passed, "\(check.check): \(check.detail)") }
        let incident = try #require(result.incidents.first { $0.events.contains("pd-actions") })
        #expect(Set(incident.events) == ["pd-actions", "pd-actions-ack", "pd-builder", "am-spotlight", "pd-spotlight"])
        #expect(incident.rootCause?.kind == "traffic-spike")
        #expect(incident.rootCause?.entity == EntityRef(kind: "customer", id: "acme"))
        #expect(incident.triagedAt == Timestamp.parse("2026-11-20T17:08:00Z"))
        // every join explains itself
        let joined = incident.alerts.dropFirst()
        #expect(
            joined.allSatisfy {
                $0.reasons.first?.hasPrefix("joined inc-1: shares resource:kafka-automation-runs") == true
            })
        // the restarts were judged from the lag after them
        #expect(incident.avoid.contains { $0.action == "restart" && $0.reason.contains("consumer-lag") })
        // the deploy two hours earlier is a hypothesis with evidence against it
        let deploy = try #require(incident.hypotheses.first { $0.kind == "deployment" })
        #expect(deploy.score < 0.3)
        #expect(!deploy.against.isEmpty)
    }

    @Test(arguments: ["deploy-regression", "database-saturation", "alert-storm"])
    func publicScenariosPass(name: String) async throws {
        let result = try await replay(name)
        #expect(result.errors.isEmpty)
        for check in result.checks { #expect(check.passed, "\(name) \(check.check): \(check.detail)") }
    }

    @Test func jsonOutputHasTheContractKeys() async throws {
        let result = try await replay("kafka-lag-storm")
        let data = try WireFormat.encoder().encode(result)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(["scenario", "passed", "incidents", "checks"]).isSubset(of: object.keys))
        let incidents = try #require(object["incidents"] as? [[String: Any]])
        let keys: Set<String> = [
            "id", "events", "opened_at", "triaged_at", "services", "teams", "notified", "customers", "root_cause",
            "hypotheses", "actions", "avoid",
        ]
        #expect(keys.isSubset(of: incidents[0].keys))
        let actions = try #require(incidents[0]["actions"] as? [[String: Any]])
        #expect(Set(["action", "target", "available", "params"]).isSubset(of: actions[0].keys))
    }

    @Test func groupingQualityIsPerfectOnThePublicScenarios() async throws {
        var results: [ReplayResult] = []
        for name in ["kafka-lag-storm", "deploy-regression", "database-saturation", "alert-storm"] {
            results.append(try await replay(name))
        }
        var groups: [String: Set<[String]>] = [:]
        for result in results { groups[result.scenario] = result.expectedGroups }
        let score = GroupingQuality.score(results, scenarios: groups)
        #expect(score.precision == 1)
        #expect(score.recall == 1)
        #expect(score.truePairs > 0)
    }
}
