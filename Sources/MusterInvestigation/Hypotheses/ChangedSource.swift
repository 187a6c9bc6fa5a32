import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

/// A traffic spike traced to a service or resource (a caller, by a breakdown label) that was deployed or
/// changed just before its load rose: the change made the load, so the change is the cause and reverting
/// it the remedy. Scaling the callee or throttling a caller of one's own only hides it.
struct ChangedSource {
    let context: InvestigationContext

    /// The deploy or change hypothesis that explains `spike` (whose entity is the source named by attribution,
    /// with its load rising at `onset`), or nil when the source is a customer or org or was not changed in the
    /// alignment window before `onset` (up to one sample after it). `own`, the source's own load when the spike is
    /// on it, dates an older change (within the change look-back) at the rise when that load stayed idle from the
    /// change until then (``idleChange(of:load:before:)``).
    func explaining(_ spike: Hypothesis, onset: Date, own: SignalAssessment? = nil) async -> Hypothesis? {
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
        var latest = (deploys + changes).max(by: { $0.at < $1.at })
        var idle: String?
        if latest == nil, let own, let older = await idleChange(of: source, load: own, before: from) {
            latest = (older.kind, older.at, older.words)
            idle =
                "its \(own.signal.name) stayed idle from then until the rise: a change that shows only when it runs "
                + "(a schedule moved, a deferred rollout) is dated at the rise"
        }
        guard let latest else { return nil }
        var evidence = [
            Evidence(
                "\(source) \(latest.words) at \(Timestamp.clockTime(latest.at)), "
                    + "\(DurationText.format(max(0, onset.timeIntervalSince(latest.at)))) before the load from it rose")
        ]
        if let idle { evidence.append(Evidence(idle)) }
        evidence += spike.evidence
        var change = Hypothesis(
            kind: latest.kind, entity: source, score: min(1, spike.score + 0.05),
            summary: "\(context.title(source)) \(latest.words), and the load it sends rose right after",
            evidence: evidence)
        change.loaded = spike.loaded
        return change
    }

    /// The latest deploy or change of `source` within the change look-back before the rise of `load` (its own load)
    /// and before `end`, when `load` stayed idle (at most ``idleShare`` of its peak) in every sample from that change
    /// until the sample before the rise: a job that had not run since.
    private func idleChange(of source: EntityRef, load: SignalAssessment, before end: Date) async -> (
        kind: RootCauseKind, at: Date, words: String
    )? {
        guard let onset = load.onset, load.peak > 0 else { return nil }
        let from = onset.addingTimeInterval(-context.playbook.changeLookBack)
        let deploys = context.lake.deployments(on: [source], from: from, to: end).map {
            (kind: RootCauseKind.deployment, at: $0.at, words: "deployed \($0.version ?? "a new version")")
        }
        let changes = context.lake.changes(on: [source], from: from, to: end).map {
            (kind: RootCauseKind.configChange, at: $0.at, words: "changed: \($0.summary)")
        }
        guard let latest = (deploys + changes).max(by: { $0.at < $1.at }),
            let samples = try? await context.metrics.values(
                of: load.signal, from: latest.at, to: onset.addingTimeInterval(-ChangeCheck.sameSample)),
            !samples.isEmpty, samples.allSatisfy({ $0.value <= Self.idleShare * load.peak })
        else { return nil }
        return latest
    }

    /// A load at most this share of its peak is idle: nothing ran.
    static let idleShare = 0.01
}
