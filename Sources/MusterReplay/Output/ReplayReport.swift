import Foundation
import MusterModel
import MusterPipeline

/// The readable replay report: what Muster did and when, each incident with its verdict, the checks.
public enum ReplayReport {
    public static func render(_ result: ReplayResult) -> String {
        var lines = [
            "== \(result.scenario): \(result.passed ? "PASSED" : "FAILED")", "", "Timeline (what Muster did):",
        ]
        for event in result.timeline {
            let offset = DurationText.format(event.at.timeIntervalSince(result.start))
            lines.append("  \(offset.padding(toLength: 8, withPad: " ", startingAt: 0)) \(event.text)")
        }
        for incident in result.incidents where incident.alerts.count > 0 {
            lines.append("")
            let triaged = incident.triagedAt.map { " triaged \(Timestamp.clockTime($0))" } ?? ""
            lines.append(
                "Incident \(incident.id) [\(incident.status)] opened \(Timestamp.clockTime(incident.openedAt))\(triaged), events: \(incident.events.joined(separator: ", "))"
            )
            for alert in incident.alerts {
                lines.append(
                    "  alert \(alert.title) (\(alert.entity?.description ?? "unmapped")): \(alert.reasons.first ?? "opened the incident")"
                )
            }
            for line in incident.card.split(separator: "\n") { lines.append("  | \(line)") }
            for hypothesis in incident.hypotheses.prefix(4) {
                lines.append(
                    "  hypothesis \(hypothesis.kind) \(hypothesis.entity) \(Int((hypothesis.confidence * 100).rounded()))%"
                )
                for line in hypothesis.evidence.prefix(4) { lines.append("     + \(line)") }
                for line in hypothesis.against.prefix(3) { lines.append("     - \(line)") }
            }
        }
        if !result.errors.isEmpty {
            lines.append("")
            lines.append("Errors:")
            for error in result.errors { lines.append("  \(error)") }
        }
        if !result.checks.isEmpty {
            lines.append("")
            lines.append("Checks:")
            for check in result.checks {
                lines.append("  \(check.passed ? "ok  " : "FAIL") \(check.check): \(check.detail)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
