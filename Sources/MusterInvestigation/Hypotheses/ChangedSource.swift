import Foundation
import MusterLake
import MusterModel

/// A traffic spike traced to a service or resource (a caller, by a breakdown label) that was deployed or
/// changed just before its load rose: the change made the load, so the change is the cause and reverting
/// it the remedy. Scaling the callee or throttling a caller of one's own only hides it.
struct ChangedSource {
    let context: InvestigationContext

    /// The deploy or change hypothesis that explains `spike` (whose entity is the source named by attribution,
    /// with its load rising at `onset`), or nil when the source is a customer or org or was not changed in the
    /// alignment window before `onset` (up to one sample after it).
    func explaining(_ spike: Hypothesis, onset: Date) -> Hypothesis? {
        let source = spike.entity
        guard ["service", "resource"].contains(source.kind) else { return nil }
        let from = onset.addingTimeInterval(-context.playbook.alignmentWindow)
        let to = onset.addingTimeInterval(60)
        let deploys = context.lake.deployments(on: [source], from: from, to: to).map {
            (kind: RootCauseKind.deployment, at: $0.at, words: "deployed \($0.version ?? "a new version")")
        }
        let changes = context.lake.changes(on: [source], from: from, to: to).map {
            (kind: RootCauseKind.configChange, at: $0.at, words: "changed: \($0.summary)")
        }
        guard let latest = (deploys + changes).max(by: { $0.at < $1.at }) else { return nil }
        var evidence = [
            Evidence(
                "\(source) \(latest.words) at \(Timestamp.clockTime(latest.at)), "
                    + "\(DurationText.format(max(0, onset.timeIntervalSince(latest.at)))) before the load from it rose")
        ]
        evidence += spike.evidence
        var change = Hypothesis(
            kind: latest.kind, entity: source, score: min(1, spike.score + 0.05),
            summary: "\(context.title(source)) \(latest.words), and the load it sends rose right after",
            evidence: evidence)
        change.loaded = spike.loaded
        return change
    }
}
