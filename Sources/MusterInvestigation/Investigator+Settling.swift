import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

/// How hypotheses found by separate checks weigh on each other once all are in: a stronger outside cause, a
/// change that may have made an upstream fail, quiet alerts, an overload traced to its source, an undo that helped.
extension Investigator {
    /// Saturation needs "no outside cause": a stronger explanation of another kind (a deploy or change of the
    /// entity itself counts) marks it down. Conversely a "failing dependency" that is itself saturated is better told as that
    /// saturation: its own exhausted resource is why it fails.
    func settleSaturation(_ hypotheses: [Hypothesis], context: InvestigationContext) -> [Hypothesis] {
        let saturated = Set(hypotheses.filter { $0.kind == .saturation }.map(\.entity))
        let hypotheses = hypotheses.map { hypothesis in
            guard hypothesis.kind == .dependency, saturated.contains(hypothesis.entity) else { return hypothesis }
            // The contract's kinds: an exhausted resource of an alerting service is saturation; calling the same
            // service a failing dependency only restates it.
            var marked = hypothesis
            marked.score *= 0.7
            marked.evidence.append(
                Evidence("\(hypothesis.entity) is saturated itself: its saturation says why it fails", against: true))
            return marked
        }
        return hypotheses.map { hypothesis in
            // A deploy or change of the saturated entity explains its saturation; "failing dependency" on it
            // only restates it.
            // Only a cause that reaches the saturated entity explains it: something it depends on (however many
            // hops), itself, or load that flows into it; a cause on another branch explains other symptoms, and so
            // does one on an upstream whose calls the saturated entity times itself and finds normal.
            let outside = hypotheses.filter {
                $0.kind != .saturation
                    && !($0.entity == hypothesis.entity && [.dependency, .infrastructure].contains($0.kind))
                    && reaches($0, hypothesis.entity) && context.calmView(of: $0.entity, by: hypothesis.entity) == nil
            }.max { $0.score < $1.score }
            guard hypothesis.kind == .saturation, let outside, outside.score >= 0.6 else { return hypothesis }
            var marked = hypothesis
            marked.score *= 0.5
            marked.evidence.append(
                Evidence(
                    "an outside cause explains it better: \(outside.kind.rawValue) \(outside.entity)", against: true))
            return marked
        }
    }

    /// Whether `cause` can have made `saturated` saturated: it is on `saturated` or on something `saturated` depends
    /// on (directly or through hops), or the load it made (``Hypothesis/loaded``) reaches `saturated`: it entered
    /// `saturated`, a caller of it, or a resource `saturated` reads (what a writer sends is what its readers read).
    /// A tenant without a measured load has no place in the graph and is given the benefit of the doubt.
    func reaches(_ cause: Hypothesis, _ saturated: EntityRef) -> Bool {
        let upstreams = Set(lake.dependencies(of: saturated, depth: nil, asOf: nil).map(\.ref)).union([saturated])
        if let loaded = cause.loaded {
            let downstream = lake.dependencies(of: loaded.entity, depth: nil, asOf: nil).map(\.ref) + [loaded.entity]
            if downstream.contains(where: upstreams.contains) { return true }
        }
        return upstreams.contains(cause.entity)
            || (cause.loaded == nil && ["customer", "org"].contains(cause.entity.kind))
    }

    /// A failing upstream that turned bad shortly after a well-supported deploy or change on a neighbour (an
    /// entity serving the same alerting callers, or one it depends on) may be that change's consequence: a
    /// cache whose config change sends every miss to the database makes the database slow too. Such a
    /// dependency or infrastructure hypothesis is marked down, with the timing as evidence against.
    func settleConsequences(_ hypotheses: [Hypothesis], context: InvestigationContext) -> [Hypothesis] {
        let changes = hypotheses.filter { [.deployment, .configChange].contains($0.kind) && $0.score >= 0.6 }
        guard !changes.isEmpty else { return hypotheses }
        let window = context.playbook.alignmentWindow
        return hypotheses.map { hypothesis in
            guard [.dependency, .infrastructure].contains(hypothesis.kind),
                let onset = context.faultOnset(of: hypothesis.entity)
            else { return hypothesis }
            let callers = context.covered(by: hypothesis.entity)
            for change in changes where change.entity != hypothesis.entity {
                let neighbours =
                    !callers.isDisjoint(with: context.covered(by: change.entity))
                    || context.upstreams[change.entity] != nil
                        && lake.dependencies(of: hypothesis.entity, depth: 1, asOf: nil).contains {
                            $0.ref == change.entity
                        }
                // A tenant of it beside the alerting entities, neither alerting nor upstream of them (TenantChange),
                // whether or not it measures load (a sibling).
                let isTenant =
                    context.upstreams[change.entity] == nil && !context.facts.alerting.contains(change.entity)
                    && lake.dependents(of: hypothesis.entity, depth: 1, asOf: nil).contains { $0.ref == change.entity }
                guard neighbours || isTenant,
                    let at = changeInstant(of: change, before: onset, within: window, context: context)
                else { continue }
                // The changed entity turning bad after this upstream makes the upstream first, unless the upstream's
                // trouble began in the very minute of the change and reaches nobody the change does not.
                let withChange =
                    abs(onset.timeIntervalSince(at)) <= ChangeCheck.sameSample
                    && callers.isSubset(of: context.covered(by: change.entity))
                if let own = context.faultOnset(of: change.entity), own > onset, !withChange { continue }
                // A caller of it reaches it only through its load: at flat load its change broke the caller, not it.
                let isCaller = lake.dependencies(of: change.entity, depth: 1, asOf: nil).contains {
                    $0.ref == hypothesis.entity
                }
                if isCaller, !isTenant, !withChange, context.hasFlatLoad(change.entity) { continue }
                var marked = hypothesis
                marked.score *= 0.85
                let what = change.kind == .deployment ? "deploy of" : "change on"
                marked.evidence.append(
                    Evidence(
                        "\(hypothesis.entity) turned bad \(DurationText.format(max(0, onset.timeIntervalSince(at)))) after the "
                            + "\(what) \(change.entity), which "
                            + (isTenant ? "shares it with them" : "serves the same callers")
                            + ": it may be a consequence",
                        against: true))
                return marked
            }
            return hypothesis
        }
    }

    /// When every alerting entity has signals and none of them moved (a certificate warning, a flapping check),
    /// there is no symptom for an upstream to have caused: causes found elsewhere are marked down, so such an
    /// alert is not handed a neighbour's incident as its root cause. An alerting entity whose own load rose by
    /// the spike ratio or more is not quiet: that rise is its symptom (an ingest-rate alert); so is a tenant its
    /// alert names whose own value in the breakdown of that load rose so (a steady large tenant dilutes the total).
    func settleQuietAlerts(_ hypotheses: [Hypothesis], context: InvestigationContext) -> [Hypothesis] {
        let alerting = context.facts.alerting
        guard !alerting.isEmpty,
            alerting.allSatisfy({
                !(context.assessments[$0] ?? []).isEmpty && context.faults(of: $0).isEmpty
                    && !context.hasLoadSpike($0) && !context.tenantLoadRose.contains($0)
            })
        else { return hypotheses }
        let names = alerting.map(\.description).joined(separator: ", ")
        return hypotheses.map { hypothesis in
            guard !alerting.contains(hypothesis.entity) else { return hypothesis }
            var marked = hypothesis
            marked.score *= 0.5
            marked.evidence.append(
                Evidence(
                    "the signals of \(names) are normal: no symptom there for \(hypothesis.entity) to explain",
                    against: true))
            return marked
        }
    }

    /// An upstream that recovered within the judging window after a rollback or revert of a service that
    /// depends on it, where that undo helped, was the change's victim: its failing is marked down.
    func settleUndone(_ hypotheses: [Hypothesis], context: InvestigationContext) -> [Hypothesis] {
        let undone = context.judged.helped.filter { ChangeCheck.undoing.contains($0.name) }
        guard !undone.isEmpty else { return hypotheses }
        return hypotheses.map { hypothesis in
            guard [.dependency, .infrastructure, .saturation].contains(hypothesis.kind),
                let recovered = context.faults(of: hypothesis.entity).first?.recoveredAt,
                let undo = undone.first(where: { action in
                    action.target != hypothesis.entity && recovered >= action.at
                        && recovered <= action.at.addingTimeInterval(context.playbook.judgeAfter)
                        && context.lake.dependencies(
                            of: action.target, depth: context.playbook.upstreamDepth, asOf: nil
                        )
                        .contains { $0.ref == hypothesis.entity }
                })
            else { return hypothesis }
            var marked = hypothesis
            marked.score *= 0.5
            marked.evidence.append(
                Evidence(
                    "it recovered \(DurationText.format(recovered.timeIntervalSince(undo.at))) after the \(undo.name) of "
                        + "\(undo.target), which depends on it: it suffered that change", against: true))
            return marked
        }
    }

    /// A "failing dependency" whose own load jumped when it began to fail, while a traffic spike is traced to
    /// a customer or org, or a caller of it was changed (a well-supported deploy or change), is overloaded rather
    /// than broken: the spike, or the change that made it, is the cause, and it is marked down. One that measures
    /// no load of its own is read through its callers: a well-supported spike (or change that made one) on a
    /// direct caller of it, rising up to 5 minutes before it began to fail, overloads it the same way.
    func settleOverload(_ hypotheses: [Hypothesis], context: InvestigationContext) -> [Hypothesis] {
        let spike = hypotheses.filter({ $0.kind == .trafficSpike && ["customer", "org"].contains($0.entity.kind) })
            .max(by: { $0.score < $1.score })
        // A well-supported change of a caller of it: the load from that caller (ChangedSource).
        let changedCallers = hypotheses.filter { [.deployment, .configChange].contains($0.kind) && $0.score >= 0.6 }
        guard spike != nil || !changedCallers.isEmpty else { return hypotheses }
        return hypotheses.map { hypothesis in
            guard [.dependency, .saturation].contains(hypothesis.kind),
                let failed = context.faultOnset(of: hypothesis.entity)
            else { return hypothesis }
            if !(context.assessments[hypothesis.entity] ?? []).contains(where: { $0.signal.type == .load }) {
                return overloadedThroughCallers(hypothesis, failed: failed, by: hypotheses, context: context)
            }
            guard
                let load = (context.assessments[hypothesis.entity] ?? []).first(where: {
                    $0.signal.type == .load && $0.isAnomalous && $0.ratio >= context.playbook.spikeRatio
                        && ($0.onset ?? .distantFuture) <= failed.addingTimeInterval(120)
                        && ($0.recoveredAt.map { $0 > failed } ?? true)
                }),
                let source = changedCallers.first(where: { change in
                    lake.dependencies(of: change.entity, depth: 1, asOf: nil).contains { $0.ref == hypothesis.entity }
                })?.entity ?? changedBeside(hypothesis.entity, among: changedCallers, context: context) ?? spike?.entity
            else { return hypothesis }
            var marked = hypothesis
            marked.score *= 0.7
            let isBeside = changedBeside(hypothesis.entity, among: changedCallers, context: context) == source
            marked.evidence.append(
                Evidence(
                    "\(hypothesis.entity)'s own \(load.signal.name) rose \(load.rise) as it began to "
                        + (isBeside
                            ? "fail while its callers' load did not: overloaded by what the change of \(source), "
                                + "beside it, sends it, not broken"
                            : "fail: overloaded by the spike from \(source), not broken"),
                    against: true))
            return marked
        }
    }

    /// A deploy or change of an entity that then stayed well at unchanged load for 5 minutes or more, and turned
    /// bad (it, or what it explains) within 5 minutes of its load rising in a spike traced to a customer or org (a
    /// candidate of 0.6 or more), was not what broke it: the spike arrived and triggered the symptoms. The mirror
    /// of a later upstream change: the nearer trigger is the load. The change is marked down (x0.6).
    func settleSpikeTriggered(_ hypotheses: [Hypothesis], context: InvestigationContext) -> [Hypothesis] {
        let spikes = hypotheses.filter {
            $0.kind == .trafficSpike && ["customer", "org"].contains($0.entity.kind) && $0.score >= 0.6
                && $0.loaded != nil
        }
        guard !spikes.isEmpty else { return hypotheses }
        return hypotheses.map { hypothesis in
            guard [.deployment, .configChange].contains(hypothesis.kind) else { return hypothesis }
            let changed = hypothesis.entity
            var explained = context.covered(by: changed).union([changed])
            if let shared = context.siblings[changed] { explained.formUnion(context.upstreams[shared]?.below ?? []) }
            guard let firstFault = explained.compactMap({ context.faultOnset(of: $0) }).min() else { return hypothesis }
            for spike in spikes {
                guard let loaded = spike.loaded else { continue }
                // The changed entity's own load, or that of a caller right in front of it (a gateway).
                let reaches =
                    loaded.entity == changed
                    || lake.dependencies(of: loaded.entity, depth: 1, asOf: nil).contains { $0.ref == changed }
                let window = context.playbook.alignmentWindow
                guard reaches,
                    let at = changeInstant(of: hypothesis, before: loaded.onset, within: window, context: context),
                    loaded.onset.timeIntervalSince(at) >= ChangeCheck.settled,
                    firstFault >= loaded.onset.addingTimeInterval(-ChangeCheck.sameSample),
                    firstFault <= loaded.onset.addingTimeInterval(ChangeCheck.settled)
                else { continue }
                let what = hypothesis.kind == .deployment ? "deploy" : "change"
                // The same load absorbed before the change: the change took the headroom away, the spike exposed it.
                if let absorbed = context.absorbedRise(of: loaded.entity, before: at, symptomatic: explained) {
                    var kept = hypothesis
                    kept.evidence.append(
                        Evidence(
                            "\(loaded.entity)'s load rose \(SignalAssessment.format(absorbed.ratio))x at "
                                + "\(Timestamp.clockTime(absorbed.at)) too, before the \(what), while "
                                + "\(absorbed.symptoms.joined(separator: ", ")) stayed normal: that load was absorbed "
                                + "then, so the \(what) took the headroom away and the spike only exposed it"))
                    return kept
                }
                var marked = hypothesis
                marked.score *= 0.6
                marked.evidence.append(
                    Evidence(
                        "but \(changed) stayed well at unchanged load for \(DurationText.format(loaded.onset.timeIntervalSince(at))) "
                            + "after the \(what), and the symptoms began "
                            + "\(DurationText.format(max(0, firstFault.timeIntervalSince(loaded.onset)))) after "
                            + "\(loaded.entity)'s load rose \(loaded.rise) from \(spike.entity): "
                            + "the spike triggered them", against: true))
                return marked
            }
            return hypothesis
        }
    }

    /// `hypothesis` (a failing dependency without a load signal that began to fail at `failed`) marked down when a
    /// direct caller's load rose just before, traced to a customer or org or made by a change of that caller.
    private func overloadedThroughCallers(
        _ hypothesis: Hypothesis, failed: Date, by hypotheses: [Hypothesis], context: InvestigationContext
    ) -> Hypothesis {
        let callers = Set(lake.dependents(of: hypothesis.entity, depth: 1, asOf: nil).map(\.ref))
        let sources = hypotheses.filter { source in
            // The rise must come first (the same sample gives no order): load that rose after the dependency
            // failed is the callers retrying what it refused, not what broke it. A rate is dated from the start of
            // the interval it measures, a sample before it is seen: that is already its one sample of slack.
            guard let loaded = source.loaded, source.score >= 0.6, callers.contains(loaded.entity),
                loaded.onset >= failed.addingTimeInterval(-ChangeCheck.settled),
                loaded.onset <= failed.addingTimeInterval(loaded.isRate ? 0 : ChangeCheck.sameSample)
            else { return false }
            return source.kind == .trafficSpike
                ? ["customer", "org"].contains(source.entity.kind) : [.deployment, .configChange].contains(source.kind)
        }
        guard let source = sources.max(by: { $0.score < $1.score }), let loaded = source.loaded else {
            return hypothesis
        }
        let lead = failed.timeIntervalSince(loaded.onset)
        let when = lead > 0 ? "\(DurationText.format(lead)) before" : "as"
        var marked = hypothesis
        marked.score *= 0.7
        marked.evidence.append(
            Evidence(
                "\(hypothesis.entity) measures no load of its own, but the load of its caller \(loaded.entity) rose "
                    + "\(loaded.rise) \(when) it began to fail: overloaded by the "
                    + "\(source.kind == .trafficSpike ? "spike from" : "\(source.kind.rawValue) of") \(source.entity), not broken",
                against: true))
        return marked
    }

    /// A changed entity among `changes` that shares a direct caller with `ref`, when the callers of `ref` send it
    /// no more load than before (``ChangeBeside``): the extra load on `ref` comes from that change.
    func changedBeside(_ ref: EntityRef, among changes: [Hypothesis], context: InvestigationContext) -> EntityRef? {
        guard ChangeBeside.flatCallerLoads(of: ref, context: context) != nil else { return nil }
        let callers = lake.dependents(of: ref, depth: 1, asOf: nil).map(\.ref)
        return changes.first { change in
            change.entity != ref
                && callers.contains { caller in
                    lake.dependencies(of: caller, depth: 1, asOf: nil).contains { $0.ref == change.entity }
                }
        }?.entity
    }

    /// The latest deploy or change of `change`'s kind on its entity within `window` before `onset`.
    func changeInstant(
        of change: Hypothesis, before onset: Date, within window: TimeInterval, context: InvestigationContext
    ) -> Date? {
        // Up to the sample of the onset: a change in that very minute may have caused it.
        let from = onset.addingTimeInterval(-window)
        let to = onset.addingTimeInterval(ChangeCheck.sameSample)
        let instants =
            change.kind == .deployment
            ? lake.deployments(on: [change.entity], from: from, to: to).map(\.at)
            : lake.changes(on: [change.entity], from: from, to: to).map(\.at)
        return instants.max()
    }
}
