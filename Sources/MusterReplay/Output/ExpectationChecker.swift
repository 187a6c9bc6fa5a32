import Foundation
import MusterInvestigation
import MusterModel
import MusterPipeline

/// Checks replay output against a scenario's `expect` block, as the spec describes.
///
/// Lists must hold what is expected and must not be padded: an engine may add at most
/// `max(2, expected)` entries beyond the expected ones (engaging every team fails).
struct ExpectationChecker {
    let scenario: Scenario
    let incidents: [IncidentOutput]

    func check(_ expect: Expectation) -> [CheckResult] {
        var results: [CheckResult] = []
        var matched: [IncidentOutput] = []
        for (index, expected) in expect.incidents.enumerated() {
            let name = "incident \(index + 1)"
            guard let incident = Self.incident(for: expected, in: incidents) else {
                results.append(
                    CheckResult(
                        check: "\(name) events", passed: false,
                        detail: "no incident holds \(expected.events.first ?? "?")"))
                continue
            }
            matched.append(incident)
            let got = Set(incident.events)
            let want = Set(expected.events)
            results.append(
                CheckResult(
                    check: "\(name) events", passed: got == want,
                    detail: got == want
                        ? "\(incident.id) holds exactly \(want.count) events"
                        : "\(incident.id): missing \(want.subtracting(got).sorted()), extra \(got.subtracting(want).sorted())"
                ))
            if let teams = expected.teams {
                results.append(
                    list("\(name) teams", want: teams.map(\.description), got: incident.teams.map(\.description)))
            }
            if let users = expected.notified {
                results.append(
                    list("\(name) notified", want: users.map(\.description), got: incident.notified.map(\.description)))
            }
            if let customers = expected.customers {
                results.append(
                    list(
                        "\(name) customers", want: customers.map(\.description),
                        got: incident.customers.map(\.description)))
            }
            if let root = expected.rootCause {
                let got = incident.rootCause.map { "\($0.kind) \($0.entity)" } ?? "no hypothesis"
                let passed = incident.rootCause.map { root.matches(kind: $0.kind, entity: $0.entity) } ?? false
                let hedge =
                    incident.rootCause != nil && !incident.isConfident ? " (below the confidence bar: abstained)" : ""
                let detail = "expected \(root.kind) \(root.entity), got \(got)\(hedge)"
                results.append(CheckResult(check: "\(name) root_cause", passed: passed, detail: detail))
            }
            if let actions = expected.actions {
                results.append(
                    list(
                        "\(name) actions", want: actions.map { "\($0.action) \($0.target)" },
                        got: incident.actions.map { "\($0.action) \($0.target)" }))
            }
            if let avoid = expected.avoid {
                results.append(
                    list("\(name) avoid", want: avoid, got: Array(Set(incident.avoid.map(\.action))).sorted()))
            }
            if let within = expected.triagedWithin {
                let alertTimes = scenario.timeline.filter { $0.isAlert && expected.events.contains($0.id ?? "") }.map(
                    \.at)
                if let earliest = alertTimes.min(), let triaged = incident.triagedAt {
                    let took = triaged.timeIntervalSince(earliest)
                    results.append(
                        CheckResult(
                            check: "\(name) triaged_within", passed: took <= within,
                            detail:
                                "triaged \(DurationText.format(took)) after the first alert (limit \(DurationText.format(within)))"
                        ))
                } else {
                    results.append(CheckResult(check: "\(name) triaged_within", passed: false, detail: "never triaged"))
                }
            }
        }
        if !expect.unrelated.isEmpty {
            let joined = expect.unrelated.filter { event in matched.contains { $0.events.contains(event) } }
            results.append(
                CheckResult(
                    check: "unrelated", passed: joined.isEmpty,
                    detail: joined.isEmpty
                        ? "\(expect.unrelated.count) unrelated events stayed out"
                        : "joined an expected incident: \(joined)"))
        }
        return results
    }

    /// Every hypothesis of the final verdict of each expected incident that names a root cause, labelled
    /// right when its kind and entity are that cause (as the `root_cause` check matches them).
    func labels(_ expect: Expectation) -> [LabelledHypothesis] {
        var labels: [LabelledHypothesis] = []
        for expected in expect.incidents {
            guard let root = expected.rootCause, let incident = Self.incident(for: expected, in: incidents) else {
                continue
            }
            for (rank, hypothesis) in incident.ranked.enumerated() {
                labels.append(
                    LabelledHypothesis(
                        scenario: scenario.name, incident: incident.id, rank: rank, hypothesis: hypothesis,
                        isCorrect: root.matches(kind: hypothesis.kind.rawValue, entity: hypothesis.entity)))
            }
        }
        return labels
    }

    /// The incident that holds the expected incident's first event.
    static func incident(for expected: ExpectedIncident, in incidents: [IncidentOutput]) -> IncidentOutput? {
        guard let first = expected.events.first else { return nil }
        return incidents.first { $0.events.contains(first) }
    }

    private func list(_ name: String, want: [String], got: [String]) -> CheckResult {
        let missing = Set(want).subtracting(got)
        let extra = Set(got).subtracting(want)
        let padded = extra.count > max(2, want.count)
        var detail = "expected \(want.sorted()), got \(got)"
        if !missing.isEmpty { detail += "; missing \(missing.sorted())" }
        if padded { detail += "; padded with \(extra.count) extra" }
        return CheckResult(check: name, passed: missing.isEmpty && !padded, detail: detail)
    }
}
