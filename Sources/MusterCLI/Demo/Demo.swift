import Foundation
import MusterModel
import MusterPipeline
import MusterReplay

/// `muster demo`: the seed incident as the humans lived it, beside what Muster did with the same pages.
enum Demo {
    /// What the three on-call engineers did, from the incident review (minutes after 17:00).
    static let humans: [(minute: Int, text: String)] = [
        (8, "Actions paged (PagerDuty): consumer lag on actions-worker"),
        (9, "Builder paged (PagerDuty): builder-sync processing delay"),
        (12, "Spotlight paged (Alertmanager, then PagerDuty)"),
        (15, "Dan restarts actions-worker; lag dips, keeps climbing"),
        (20, "Gwen restarts builder-sync; same result"),
        (29, "Payments paged: billing-api errors (unrelated)"),
        (51, "43 min after the first page: someone connects the three pages"),
        (85, "77 min: the threads merge; the fix agreed is to scale out"),
    ]

    static func run(output: (String) -> Void) async throws -> Int32 {
        let scenario = try ScenarioLoader.load(text: SeedScenario.text, file: SeedScenario.name)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "muster-demo-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let lakePath = directory.appendingPathComponent("lake.db").path
        let result = try await ReplayDriver(lakePath: lakePath).run(scenario)
        output(render(result, scenario: scenario, lakePath: lakePath))
        return result.passed ? 0 : 1
    }

    static func render(_ result: ReplayResult, scenario: Scenario, lakePath: String) -> String {
        let start = scenario.start
        var lines: [String] = []
        lines.append("MUSTER DEMO: \(scenario.name), Friday \(Timestamp.clockTime(start)) UTC")
        lines.append("One customer floods the automation-runs topic; three teams are paged for one cause.")
        lines.append("(replayed on a virtual clock through the live pipeline, lake in a temporary SQLite file)")
        lines.append("")
        let width = 52
        lines.append(pad("THE HUMANS", width) + " | MUSTER")
        lines.append(String(repeating: "-", count: width) + "-+-" + String(repeating: "-", count: 60))
        let muster = musterTimeline(result, start: start)
        let left = humans.map { (start.addingTimeInterval(Double($0.minute) * 60), $0.text) }
        var rows: [(Date, String, String)] = left.map { ($0.0, $0.1, "") } + muster.map { ($0.0, "", $0.1) }
        rows.sort { $0.0 < $1.0 }
        for (at, human, machine) in rows {
            let time = Timestamp.clockTime(at)
            let leftText = human.isEmpty ? "" : "\(time) \(human)"
            let rightText = machine.isEmpty ? "" : "\(time) \(machine)"
            let leftLines = wrap(leftText, width)
            let rightLines = wrap(rightText, 60)
            for index in 0..<max(leftLines.count, rightLines.count) {
                let l = index < leftLines.count ? leftLines[index] : ""
                let r = index < rightLines.count ? rightLines[index] : ""
                lines.append(pad(l, width) + " | " + r)
            }
        }
        lines.append("")
        if let incident = result.incidents.first(where: { $0.events.contains("pd-actions") }) {
            lines.append("THE ONE SLACK MESSAGE MUSTER POSTS (#incidents, edited in place as it learns):")
            lines.append(String(repeating: "=", count: 100))
            for line in incident.card.split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append(String(line))
            }
            lines.append(String(repeating: "=", count: 100))
            if incident.rootCause != nil {
                let hypotheses = incident.hypotheses.dropFirst().prefix(3)
                    .map { "\($0.kind) \($0.entity) \(Int(($0.confidence * 100).rounded()))%" }
                lines.append("Why not something else: " + hypotheses.joined(separator: "; "))
            }
        }
        let passed = result.checks.filter(\.passed).count
        lines.append("")
        lines.append(
            "Checks against the incident review: \(passed)/\(result.checks.count) passed. Full report: muster replay ../shared/scenarios/kafka-lag-storm.yaml"
        )
        return lines.joined(separator: "\n")
    }

    static func musterTimeline(_ result: ReplayResult, start: Date) -> [(Date, String)] {
        guard let incident = result.incidents.first(where: { $0.events.contains("pd-actions") }) else { return [] }
        var rows: [(Date, String)] = []
        rows.append((incident.openedAt, "opens \(incident.id) for actions-worker; triage card posted, paging user:dan"))
        for alert in incident.alerts.dropFirst() {
            guard let reason = alert.reasons.first, let event = alert.events.first,
                let at = result.timeline.first(where: { $0.text.hasPrefix(event + " ") })?.at
            else { continue }
            rows.append((at, "\(event) \(reason)"))
        }
        if let root = incident.rootCause {
            rows.append(
                (
                    incident.triagedAt ?? incident.openedAt,
                    "likely cause: \(root.kind) \(root.entity) (\(Int((root.confidence * 100).rounded()))%)"
                ))
        }
        if let avoid = incident.avoid.first,
            let at = result.timeline.first(where: {
                $0.text.contains("triage updated") && $0.at > incident.openedAt.addingTimeInterval(600)
            })?.at
        {
            rows.append((at, "advises against restart: \(avoid.reason)"))
        }
        var mentioned = ""
        for event in result.timeline where event.text.hasPrefix("\(incident.id) triage") {
            guard let range = event.text.range(of: "notify ") else { continue }
            let users = String(event.text[range.upperBound...])
            if users != mentioned {
                rows.append((event.at, "one thread now mentions \(users)"))
                mentioned = users
            }
        }
        if let billing = result.incidents.first(where: { $0.events.contains("pd-billing") }) {
            rows.append(
                (
                    billing.openedAt,
                    "keeps billing apart (\(billing.id)): \(billing.rootCause.map { "\($0.kind) \($0.entity)" } ?? "no confident cause")"
                ))
        }
        return rows
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func wrap(_ text: String, _ width: Int) -> [String] {
        guard !text.isEmpty else { return [""] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if line.count + word.count + 1 > width, !line.isEmpty {
                lines.append(line)
                line = "      " + word
            } else {
                line += line.isEmpty ? String(word) : " " + word
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
