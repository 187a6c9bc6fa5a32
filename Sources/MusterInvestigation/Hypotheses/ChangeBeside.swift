import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

/// A load surge with no outside source, traced to a change beside it: the callers of the loaded entity send no
/// more traffic than before, so the extra work comes from how they use it, and a deploy or change of another
/// dependency of those callers, made just before the surge and visibly taking effect there (a cache's memory
/// falling from 72% to 2% as an upgrade empties it), is what changed. Every miss of an emptied cache falls
/// through to the database behind it.
struct ChangeBeside {
    let context: InvestigationContext

    struct Found {
        var entity: EntityRef
        var kind: RootCauseKind
        var at: Date
        var words: String
        var evidence: [Evidence]
    }

    /// The change beside `ref` that explains its rising `load` (onset `onset`), or nil: `ref`'s direct callers
    /// measure their load and none of it rose, and another dependency of theirs was deployed or changed within the
    /// alignment window before the surge (up to a sample after), a signal of it shifting sharply right after.
    func find(_ load: SignalAssessment, of ref: EntityRef, onset: Date) -> Found? {
        let callers = context.lake.dependents(of: ref, depth: 1, asOf: nil).map(\.ref)
        guard let flat = Self.flatCallerLoads(of: ref, context: context) else { return nil }
        var beside = Set<EntityRef>()
        for caller in callers {
            for hit in context.lake.dependencies(of: caller, depth: 1, asOf: nil) where hit.ref != ref {
                beside.insert(hit.ref)
            }
        }
        let from = onset.addingTimeInterval(-context.playbook.alignmentWindow)
        let to = onset.addingTimeInterval(ChangeCheck.sameSample)
        let deploys = context.lake.deployments(on: beside, from: from, to: to).map {
            (
                entity: $0.target, kind: RootCauseKind.deployment, at: $0.at,
                words: "deployed \($0.version ?? "a new version")" + ($0.by.map { " by \($0)" } ?? "")
            )
        }
        let changes = context.lake.changes(on: beside, from: from, to: to).map {
            (
                entity: $0.target, kind: RootCauseKind.configChange, at: $0.at,
                words: "changed: \($0.summary)" + ($0.by.map { " by \($0)" } ?? "")
            )
        }
        for change in (deploys + changes).sorted(by: { $0.at > $1.at }) {
            guard let shift = shift(of: change.entity, at: change.at) else { continue }
            let evidence = [
                Evidence(
                    "\(change.entity) \(change.words) at \(Timestamp.clockTime(change.at)), "
                        + "\(DurationText.format(max(0, onset.timeIntervalSince(change.at)))) before the load on \(ref) rose"
                ),
                Evidence("right after it \(change.entity)'s \(shift): the change took effect there"),
                Evidence(
                    "\(ref)'s \(load.signal.name) rose \(load.rise) while the load of its "
                        + "callers did not (\(flat)): no outside source, the extra work comes from beside it"),
            ]
            return Found(
                entity: change.entity, kind: change.kind, at: change.at, words: change.words, evidence: evidence)
        }
        return nil
    }

    /// The hypothesis that the change found is the cause, from the spike hypothesis it explains.
    func hypothesis(_ found: Found, explaining spike: Hypothesis, loaded ref: EntityRef) -> Hypothesis {
        var change = Hypothesis(
            kind: found.kind, entity: found.entity, score: min(1, spike.score + 0.05),
            summary: "\(context.title(found.entity)) \(found.words), and the load on \(context.title(ref)) rose "
                + "right after with no outside source",
            evidence: found.evidence + spike.evidence.filter { !$0.isAgainst })
        change.loaded = spike.loaded
        return change
    }

    /// "service:a requests 950 -> 960" for the direct callers of `ref` that measure load, when there is at least one
    /// and none of their loads rose; nil otherwise. Only callers assessed in the context count. "Rose" is the
    /// deviation rule (`sigmas` and `relative_change`), not the spike ratio: a caller that sent 1.6x is a source.
    static func flatCallerLoads(of ref: EntityRef, context: InvestigationContext) -> String? {
        var words: [String] = []
        var relaxed = SignalAnalyzer(playbook: context.playbook)
        relaxed.loadRatio = 1 + context.playbook.relativeChange
        for hit in context.lake.dependents(of: ref, depth: 1, asOf: nil).sorted(by: { $0.ref < $1.ref }) {
            for load in (context.assessments[hit.ref] ?? []) where load.signal.type == .load {
                if load.isAnomalous && load.peak > load.baseline { return nil }
                if let samples = context.samples[hit.ref]?[load.signal.name],
                    let rise = relaxed.assess(
                        samples, signal: load.signal, entity: hit.ref, reference: context.facts.firstOnset),
                    rise.isAnomalous, rise.peak > rise.baseline
                {
                    return nil
                }
                words.append(
                    "\(hit.ref) \(load.signal.name) \(SignalAssessment.format(load.baseline)) -> "
                        + SignalAssessment.format(load.current))
            }
        }
        return words.isEmpty ? nil : words.joined(separator: ", ")
    }

    /// "memory 0.72 -> 0.03" when a signal of `ref` moved sharply in the minutes right after `at`, in either
    /// direction: its median over `after` differs from that of the half hour before by more than half of it and
    /// by more than `sigmas` robust standard deviations.
    func shift(of ref: EntityRef, at: Date) -> String? {
        for (name, samples) in (context.samples[ref] ?? [:]).sorted(by: { $0.key < $1.key }) {
            let before = samples.filter { $0.time < at && $0.time >= at.addingTimeInterval(-1800) }
            let after = samples.filter { $0.time > at && $0.time <= at.addingTimeInterval(Self.after) }
            guard before.count >= 5, after.count >= 2, let baseline = Baseline(samples: before),
                let level = SeriesMath.median(after.map(\.value))
            else { continue }
            let moved = abs(level - baseline.median)
            guard moved > 0.5 * abs(baseline.median), moved > context.playbook.sigmas * baseline.sigma else {
                continue
            }
            return "\(name) went \(SignalAssessment.format(baseline.median)) -> \(SignalAssessment.format(level))"
        }
        return nil
    }

    /// How soon after a change its effect is looked for.
    static let after: TimeInterval = 5 * 60
}
