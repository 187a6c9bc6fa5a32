import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// The skill format: the embedded default, extension and replacement, errors with file:line, and checks.
struct SkillTests {
    static let repoSkill = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("skills/default")

    func playbook(_ text: String) throws -> Playbook {
        try SkillLoader.playbook(from: text, file: "team/assets/playbook.yaml")
    }

    func error(_ text: String) -> String? {
        do {
            _ = try playbook(text)
            return nil
        } catch {
            return "\(error)"
        }
    }

    // MARK: - The default skill

    @Test(arguments: [
        ("kubernetes-cluster", true), ("availability_zone", true), ("Node", true), ("hosts", true),
        ("ozone", false), ("object-store", false), ("nodejs-app", false), ("", false),
    ])
    func infrastructureTypesMatchWholeWords(type: String, isInfrastructure: Bool) {
        #expect(Playbook.standard.isInfrastructure(type: type) == isInfrastructure)
    }

    @Test func theEmbeddedDefaultEqualsTheStandardPlaybook() {
        let skill = Skill.standard
        #expect(skill.name == "default")
        #expect(skill.description.hasPrefix("Triage a production incident"))
        #expect(skill.instructions.contains("# Incident triage"))
        #expect(skill.playbook == Playbook.standard)
        #expect(skill.playbook.hypotheses.count == RootCauseKind.allCases.count)
        #expect(skill.playbook.remediations[.trafficSpike] == ["scale-out", "throttle"])
    }

    @Test func theRepoFilesAreTheEmbeddedText() throws {
        let markdown = try String(contentsOf: Self.repoSkill.appendingPathComponent("SKILL.md"), encoding: .utf8)
        let yaml = try String(
            contentsOf: Self.repoSkill.appendingPathComponent("assets/playbook.yaml"), encoding: .utf8)
        #expect(markdown == DefaultSkill.skillMarkdown)
        #expect(yaml == DefaultSkill.playbookYAML)
        let loaded = try SkillLoader.load(directory: Self.repoSkill.path, base: .empty)
        #expect(loaded.playbook == Playbook.standard)
        #expect(
            loaded.references.map(\.name) == [
                "scale-out", "throttle", "rollback", "config-revert", "failover", "scale-out", "failover",
            ])
    }

    @Test func theAnalyzerTakesThePlaybooksThresholds() throws {
        let custom = try playbook("version: 1\nthresholds: {sigmas: 4, sustain: 5}\nwindows: {baseline: 2h}\n")
        let investigator = Investigator(lake: ContextLake.inMemory(), metrics: MetricStore(), playbook: custom)
        #expect(investigator.analyzer.sigmas == 4)
        #expect(investigator.analyzer.sustain == 5)
        #expect(investigator.analyzer.baselineSpan == 7200)
        #expect(investigator.analyzer.relativeChange == 0.3)
    }

    // MARK: - Extending and replacing

    @Test func anOverrideChangesOneThresholdAndKeepsTheRest() throws {
        let custom = try playbook("version: 1\nthresholds:\n  confidence_bar: 0.7\n")
        var expected = Playbook.standard
        expected.confidenceBar = 0.7
        #expect(custom == expected)
    }

    @Test func hypothesesAndRemediationsMergePerKind() throws {
        let custom = try playbook(
            """
            version: 1
            hypotheses:
              - {kind: traffic-spike, enabled: false}
              - {kind: deployment, weight: 0.5, when: {alerts: ["(?i)error"], labels: {severity: critical}}}
            remediations:
              deployment: [rollback, {action: scale-out, params: {max_factor: 4}}]
            """)
        #expect(custom.hypotheses[.trafficSpike]?.isEnabled == false)
        #expect(custom.hypotheses[.deployment]?.weight == 0.5)
        #expect(custom.hypotheses[.deployment]?.when.alertNames == ["(?i)error"])
        #expect(custom.hypotheses[.saturation] == Playbook.standard.hypotheses[.saturation])
        #expect(custom.remediations[.deployment] == ["rollback", "scale-out"])
        #expect(custom.remediations[.trafficSpike] == ["scale-out", "throttle"])
        #expect(custom.maxScaleFactor == 4)
    }

    @Test func replaceStartsFromNothing() throws {
        let custom = try playbook(
            "version: 1\nreplace: true\nhypotheses: [{kind: deployment}]\nremediations: {deployment: [rollback]}\n")
        #expect(Array(custom.hypotheses.keys) == [.deployment])
        #expect(custom.remediations == [.deployment: ["rollback"]])
        #expect(custom.sigmas == Playbook.standard.sigmas)
    }

    /// Alerts that announce a deadline, not a failure, are named by the skill: the default's patterns match a
    /// certificate expiring, a team's playbook replaces them, and a pattern that does not compile is an error.
    @Test func reminderPatternsComeFromThePlaybook() throws {
        let patterns = Playbook.standard.reminderAlerts.compactMap { try? Regex($0) }
        #expect(patterns.contains { "TLS certificate expires in 14 days".contains($0) })
        // A reminder is known by its shape, whatever its words: a day count or a date still ahead.
        #expect(patterns.contains { "signing certificate is valid for 12 more days".contains($0) })
        #expect(patterns.contains { "rotate before 2027-03-22".contains($0) })
        #expect(patterns.contains { "token renews in 5 days".contains($0) })
        #expect(!patterns.contains { "orders-api 5xx 18% since the deploy before 14:00".contains($0) })
        let custom = try playbook("version: 1\ncorrelation: {reminders: ['renewal due']}\n")
        #expect(custom.reminderAlerts == ["renewal due"])
        #expect(
            error("version: 1\ncorrelation: {reminders: ['(']}\n")
                == "team/assets/playbook.yaml:2:27: correlation.reminders[0]: '(' is not a regular expression")
    }

    // MARK: - Errors name the file and line

    @Test func anUnknownKeyIsAnErrorAtItsLine() {
        #expect(
            error("version: 1\nthresholds:\n  sigmas: 4\n  sigma: 4\n")
                == "team/assets/playbook.yaml:4:3: thresholds.sigma: unknown key (expected one of: attribution_share, "
                + "confidence_bar, error_floor, exhausted_level, load_ratio, relative_change, sigmas, spike_ratio, sustain, tentative_bar)"
        )
        #expect(
            error("version: 1\nhypothesis: []\n")?.hasPrefix("team/assets/playbook.yaml:2:1: hypothesis: unknown key")
                == true)
    }

    @Test(arguments: [
        ("version: 2\n", "team/assets/playbook.yaml:1:10: version: expected 1"),
        (
            "version: 1\nthresholds: {sigmas: many}\n",
            "team/assets/playbook.yaml:2:22: thresholds.sigmas: expected a number"
        ),
        (
            "version: 1\nthresholds: {confidence_bar: 1.5}\n",
            "team/assets/playbook.yaml:2:30: thresholds.confidence_bar: '1.5' is out of range (expected between 0 and 1)"
        ),
        (
            "version: 1\nwindows: {alignment: soon}\n",
            "team/assets/playbook.yaml:2:22: windows.alignment: 'soon' is not a duration (like 90m, 1h30m, -2h, 45s)"
        ),
        (
            "version: 1\nhypotheses:\n  - kind: traffic-spike\n    when: {symptoms: [lagg]}\n",
            "team/assets/playbook.yaml:4:23: hypotheses[0].when.symptoms[0]: unknown signal type 'lagg' "
                + "(expected one of: load, errors, latency, saturation, lag, health)"
        ),
        (
            "version: 1\nremediations:\n  deploy: [rollback]\n",
            "team/assets/playbook.yaml:3:3: remediations.deploy: unknown root-cause kind 'deploy' (expected one of: "
                + "traffic-spike, deployment, config-change, dependency, saturation, infrastructure)"
        ),
        (
            "version: 1\nremediations:\n  deployment: [{action: rollback, params: {to: previous}}]\n",
            "team/assets/playbook.yaml:3:43: remediations.deployment[0].params: rollback takes no parameters"
        ),
    ])
    func invalidValuesAreErrorsAtTheirLine(text: String, message: String) {
        #expect(error(text) == message)
    }

    @Test func frontMatterErrorsCountFromTheFileStart() {
        func load(_ markdown: String) -> String? {
            do {
                _ = try SkillLoader.load(skillText: markdown, playbookText: nil, directory: "team")
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(load("# no front matter\n") == "team/SKILL.md:1:1: expected YAML front matter: a first line '---'")
        #expect(load("---\nname: team\n---\nbody\n") == "team/SKILL.md:2:1: description: required field is missing")
        #expect(
            load("---\nname: Team Skill\ndescription: x\n---\n")
                == "team/SKILL.md:2:7: name: 'Team Skill' is not a skill name (lowercase letters, digits and single hyphens, at most 64)"
        )
        #expect(
            load("---\nname: team\ndescription: x\nowner: me\n---\n")?.hasPrefix(
                "team/SKILL.md:4:1: owner: unknown key") == true)
    }

    // MARK: - Checking against the lake

    @Test func theCheckFindsUnknownActionsSignalsAndMetrics() throws {
        let skill = try SkillLoader.load(
            skillText: "---\nname: team\ndescription: Team triage.\n---\n",
            playbookText: """
                version: 1
                hypotheses:
                  - kind: traffic-spike
                    when: {signals: [consumer-lagg]}
                    reads: {metrics: [http_requests_total, kafka_lag]}
                remediations:
                  deployment: [rollback, {action: reboot}]
                """, directory: "team")
        let service = Entity(
            ref: EntityRef(kind: "service", id: "api"),
            properties: [
                "actions": .array([.string("rollback"), .string("restart")]),
                "signals": .array([
                    .object(["name": .string("consumer-lag"), "type": .string("lag"), "metric": .string("kafka_lag")])
                ]),
            ])
        let problems = SkillCheck(entities: [service], metrics: ["kafka_lag"]).problems(of: skill).map(\.description)
        #expect(
            problems == [
                "team/assets/playbook.yaml:4:22: hypotheses[0].when.signals[0]: no entity declares a signal named "
                    + "'consumer-lagg' (properties.signals); did you mean 'consumer-lag'?",
                "team/assets/playbook.yaml:5:23: hypotheses[0].reads.metrics[0]: no entity declares a signal on the "
                    + "metric 'http_requests_total'",
                "team/assets/playbook.yaml:7:35: remediations.deployment[1].action: no entity registers the action "
                    + "'reboot' (properties.actions)",
            ])
        #expect(
            SkillCheck(entities: [service], metrics: []).problems(of: skill).contains {
                $0.message.contains("'kafka_lag' was never seen")
            })
    }
}
