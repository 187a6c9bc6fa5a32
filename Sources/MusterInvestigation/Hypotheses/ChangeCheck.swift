import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

/// A deploy (or a config change) on an alerting entity or an upstream, before the symptoms.
///
/// It counts when the changed entity's own signals turned bad shortly after it; a change followed by
/// flat signals, or by an onset long after, is evidence against. With no signals to check, only
/// timing and topology speak, at lower confidence.
struct ChangeCheck: HypothesisCheck {
    let kind: RootCauseKind

    private struct Candidate {
        var target: EntityRef
        var at: Date
        var words: String
    }

    func evaluate(_ context: InvestigationContext) async throws -> [Hypothesis] {
        // Producers beside the alerting consumers too: what a producer writes can break its readers.
        let suspects = Set(context.facts.alerting).union(context.upstreams.keys).union(context.siblings.keys)
        let symptoms = context.symptomOnset
        let from = symptoms.addingTimeInterval(-context.playbook.changeLookBack)
        // Up to the latest episode's start too: a re-deploy can break what a rollback had fixed.
        let latest = context.facts.alerting.compactMap { context.faultOnset(of: $0) }.max() ?? symptoms
        let to = min(max(symptoms, latest).addingTimeInterval(120), context.facts.now)
        let candidates: [Candidate]
        if kind == .deployment {
            candidates = context.lake.deployments(on: suspects, from: from, to: to).map {
                Candidate(
                    target: $0.target, at: $0.at,
                    words: "deployed \($0.version ?? "a new version")" + ($0.by.map { " by \($0)" } ?? ""))
            }
        } else {
            candidates = context.lake.changes(on: suspects, from: from, to: to).map {
                Candidate(
                    target: $0.target, at: $0.at, words: "changed: \($0.summary)" + ($0.by.map { " by \($0)" } ?? ""))
            }
        }
        var best: [EntityRef: Hypothesis] = [:]
        var olderLeaks: [Candidate] = []
        if kind == .deployment {
            // A leak is exhausted hours after the deploy that introduced it, later still when a restart reset it on
            // the way: a deploy before the look-back is a suspect when the climb since it is a leak's.
            let earliest = symptoms.addingTimeInterval(-Self.leakLookBack)
            for deploy in context.lake.deployments(on: suspects, from: earliest, to: from) {
                guard
                    await leak(
                        since: deploy.at, of: deploy.target, faults: context.faults(of: deploy.target),
                        context: context) != nil
                else { continue }
                olderLeaks.append(
                    Candidate(
                        target: deploy.target, at: deploy.at,
                        words: "deployed \(deploy.version ?? "a new version")" + (deploy.by.map { " by \($0)" } ?? "")))
            }
        }
        for candidate in candidates + olderLeaks {
            var hypothesis = await judge(candidate, context: context, symptoms: symptoms)
            weighUndo(of: candidate, context.judged, into: &hypothesis, context: context)
            if let known = best[candidate.target], known.score >= hypothesis.score { continue }
            best[candidate.target] = hypothesis
        }
        // Tenants of a shared resource that filled after their change (a batch job eating a node's memory).
        for tenant in await TenantChange(context: context, kind: kind).hypotheses(symptoms: symptoms) {
            guard var known = best[tenant.hypothesis.entity] else {
                best[tenant.hypothesis.entity] = tenant.hypothesis
                continue
            }
            // Judged already (a sibling): another user's growth filled the shared resource all the same.
            guard let outgrown = tenant.outgrown else { continue }
            known.score *= TenantChange.outgrownWeight
            known.evidence.append(outgrown)
            best[tenant.hypothesis.entity] = known
        }
        var more: [Hypothesis] = []
        // A change on the one org or customer the failures are confined to (a feature flag for one org).
        if kind == .configChange { more += await ConfinedFailures(context: context).hypotheses() }
        for hypothesis in more where best[hypothesis.entity] == nil {
            best[hypothesis.entity] = hypothesis
        }
        return Array(best.values)
    }

    /// What undoing the change (a rollback of a deploy, a revert of a config change) showed, when it was tried
    /// after the change and judged: a fix that worked confirms the change, one that did not speaks against it.
    private func weighUndo(
        of candidate: Candidate,
        _ judged: ActionJudge.Judged,
        into hypothesis: inout Hypothesis, context: InvestigationContext
    ) {
        let undo = kind == .deployment ? "rollback" : "config-revert"
        if let fixed = judged.helped.first(where: {
            $0.name == undo && $0.target == candidate.target && $0.at > candidate.at
        }) {
            let coverage =
                Double(context.covered(by: candidate.target).union([candidate.target]).count)
                / Double(context.alertingCount)
            hypothesis.score = max(hypothesis.score, 0.55 + 0.3 * min(1, coverage) + 0.05)
            hypothesis.evidence.append(
                Evidence("undoing it (\(undo) at \(Timestamp.clockTime(fixed.at))) brought the symptoms back to normal")
            )
        } else if let futile = judged.avoid.first(where: { advice in
            advice.action == undo && advice.target == candidate.target && advice.at > candidate.at
                && !judged.failed.contains { $0.name == advice.action && $0.at == advice.at }
        }) {
            hypothesis.score *= 0.5
            hypothesis.evidence.append(Evidence("but " + futile.reason, against: true))
        }
    }

    /// How long before the symptoms the deploy that introduced a leak may lie (beyond `change_lookback`).
    static let leakLookBack: TimeInterval = 24 * 3600

    /// A saturation ratio that was flat for the hour before `at` and has climbed steadily since, to exhaustion:
    /// the words that say so, or nil. A restart of `target` since resets the climb: each stretch between restarts
    /// must climb steadily, starting below where the one before ended, and the last one reach exhaustion.
    private func leak(since at: Date, of target: EntityRef, faults: [SignalAssessment], context: InvestigationContext)
        async -> String?
    {
        let exhausted = context.playbook.exhaustedLevel
        for fault in faults where fault.signal.type == .saturation && fault.current >= exhausted && fault.current <= 1.5
        {
            // A climb that began before the deploy is not the deploy's.
            guard (fault.onset ?? .distantFuture) >= at.addingTimeInterval(-Self.sameSample),
                at < context.facts.now.addingTimeInterval(-1800),
                let samples = try? await context.metrics.values(
                    of: fault.signal, from: at.addingTimeInterval(-3600), to: context.facts.now)
            else { continue }
            let before = samples.filter { $0.time <= at }
            let after = samples.filter { $0.time > at }
            guard after.count >= 8,
                let early = SeriesMath.median(before.filter { $0.time <= at.addingTimeInterval(-1800) }.map(\.value)),
                let late = SeriesMath.median(before.filter { $0.time > at.addingTimeInterval(-1800) }.map(\.value)),
                abs(late - early) < 0.05, late < exhausted - 0.2
            else { continue }
            let restarts = context.lake.actions(on: [target], from: at, to: context.facts.now)
                .filter { $0.name == "restart" && $0.result != "failed" }.map(\.at).sorted()
            var stretches: [[Sample]] = []
            var rest = after
            for restart in restarts {
                stretches.append(rest.filter { $0.time <= restart })
                rest = rest.filter { $0.time > restart }
            }
            stretches.append(rest)
            // Four quarters after the deploy (and after each restart), each higher than the one before: a steady
            // climb, not a step; a restart brings it down, and it climbs again.
            var climbs: [[Double]] = []
            for stretch in stretches {
                guard let quarters = Self.steadyClimb(stretch), quarters.first! > late + 0.02 else { break }
                if let previous = climbs.last, quarters.first! >= previous.last! { break }
                climbs.append(quarters)
            }
            guard climbs.count == stretches.count, let last = climbs.last,
                await !loadCarries(target, growth: last.last! / max(late, 1e-9), since: at, context: context)
            else { continue }
            let reset =
                restarts.isEmpty
                ? ""
                : ", and climbed again at once after the restart at "
                    + restarts.map { Timestamp.clockTime($0) }.joined(separator: ", ")
                    + " reset it (a restart frees what leaked, not the leak)"
            return
                "\(target)'s \(fault.signal.name) was flat at \(SignalAssessment.format(late)) before it and has climbed "
                + "steadily since, to \(SignalAssessment.format(fault.current))\(reset): a leak it introduced"
        }
        return nil
    }

    /// The medians of four quarters of `samples`, each higher than the one before; nil when they are fewer than 8
    /// or do not climb.
    static func steadyClimb(_ samples: [Sample]) -> [Double]? {
        guard samples.count >= 8 else { return nil }
        let size = samples.count / 4
        let quarters = (0..<4).compactMap { SeriesMath.median(samples[($0 * size)..<(($0 + 1) * size)].map(\.value)) }
        guard quarters.count == 4, zip(quarters, quarters.dropFirst()).allSatisfy({ $0 < $1 }) else { return nil }
        return quarters
    }

    /// Whether a load signal of `target` grew since `at` by at least half as much, relatively, as a saturation
    /// signal that grew `growth` times: the climb is more work at the same cost per request, not a leak.
    private func loadCarries(_ target: EntityRef, growth: Double, since at: Date, context: InvestigationContext) async
        -> Bool
    {
        for signal in context.lake.entity(target, asOf: nil)?.signals ?? [] where signal.type == .load {
            guard
                let samples = try? await context.metrics.values(
                    of: signal, from: at.addingTimeInterval(-3600), to: context.facts.now),
                let before = SeriesMath.median(samples.filter { $0.time <= at }.map(\.value)),
                let now = SeriesMath.median(samples.suffix(max(3, samples.count / 8)).map(\.value)), before > 0
            else { continue }
            if now / before - 1 >= 0.5 * (growth - 1) { return true }
        }
        return false
    }

    /// An upstream of `target` whose own fault began before `onset` and was still going then, if any.
    ///
    /// Onsets in the same sample (within `Self.sameSample`) establish no order, and the change breaks the tie:
    /// when it came before both, the upstream counts as first only when its fault began before the change too
    /// (a change that makes every lookup miss stampedes its cache in the very minute its own signals turn bad),
    /// or when undoing the change (a rollback, a config revert) was already tried and did not help. Trouble that
    /// began with the change is the change's only when the change sent it more load: at flat load it is judged
    /// against `onset` like any other (a pool full a minute before its caller broke). An upstream that
    /// is busier, not failing (only mild saturations, what its users feel normal) failed nobody first; nor did one
    /// whose trouble `target` rode out (``riddenOut``).
    static func failedFirst(
        upstreamOf target: EntityRef, before onset: Date, changedAt: Date, context: InvestigationContext
    ) async -> (ref: EntityRef, fault: SignalAssessment)? {
        let upstreams = context.lake.dependencies(of: target, depth: context.playbook.upstreamDepth, asOf: nil)
        let judged = context.judged
        let undoneInVain = judged.avoid.contains { advice in
            advice.target == target && Self.undoing.contains(advice.action)
                && !judged.failed.contains { $0.name == advice.action && $0.at == advice.at }
        }
        for hit in upstreams {
            // A fault that was over before `onset` did not pass anything on.
            guard let fault = context.faults(of: hit.ref).first, let start = fault.onset,
                fault.recoveredAt.map({ $0 > onset }) ?? true
            else { continue }
            // Trouble of a shared upstream that began with the change and reaches nobody but the changed entity
            // (and what sits on it) is the change's doing: a deploy that cannot be scheduled shows on its cluster.
            let others = (context.upstreams[hit.ref]?.below ?? []).filter { other in
                other != target
                    && !context.lake.dependencies(of: other, depth: context.playbook.upstreamDepth, asOf: nil)
                        .contains { $0.ref == target }
            }
            // Unless the changed entity sent it no more load: then nothing of the change reached it, and its trouble
            // is judged against the changed entity's own onset (a pool that filled before its caller broke).
            if abs(start.timeIntervalSince(changedAt)) <= sameSample, others.isEmpty, !undoneInVain,
                !context.loadUnmoved(from: target, into: hit.ref)
            {
                continue
            }
            if hit.distance == 1, loadedByChange(hit.ref, changedAt: changedAt, until: onset, context: context) {
                continue
            }
            guard
                start <= onset.addingTimeInterval(-sameSample) || start <= onset && (start < changedAt || undoneInVain)
            else { continue }
            // Busier, not failing (a mild saturation its users do not feel) passes nothing on.
            if case .busier = await context.headroom(of: hit.ref, faults: context.faults(of: hit.ref)) { continue }
            // Trouble short of severe that the changed entity rode out, nothing new on it since, did not make it fail
            // after the change.
            let upstreamFaults = context.faults(of: hit.ref)
            if !upstreamFaults.contains(where: context.isSevere),
                DependencyCheck.unexplainedDelay(
                    of: hit.ref, faults: upstreamFaults, below: onset, context: context, lead: Self.riddenOut)
                    != nil
            {
                continue
            }
            return (hit.ref, fault)
        }
        return nil
    }

    /// Whether `upstream`, called directly by an entity changed at `changedAt`, shows only mild faults (under 2x its
    /// baseline, never its health) while its own load jumped by the spike ratio or more from the change on (up to a
    /// sample after `until`): the change sent it that load (a cache TTL set to 0 calls it on every request), so its
    /// strain is the change's consequence, not a failure before it.
    static func loadedByChange(
        _ upstream: EntityRef, changedAt: Date, until: Date, context: InvestigationContext
    ) -> Bool {
        let faults = context.faults(of: upstream).filter { $0.signal.type != .load }
        guard !faults.isEmpty, faults.allSatisfy({ context.isMild($0) }) else { return false }
        return (context.assessments[upstream] ?? []).contains { load in
            guard load.signal.type == .load, load.ratio >= context.playbook.spikeRatio, let rose = load.onset else {
                return false
            }
            return rose >= changedAt.addingTimeInterval(-sameSample) && rose <= until.addingTimeInterval(sameSample)
        }
    }

    /// A deploy or change of an upstream of `target` without signals of its own, made after `target`'s own change
    /// at `changedAt` and before `target` turned bad at `onset`, when `target` stayed well for a while after its
    /// own change: the later change on the path is the nearer trigger, and nothing measured clears it.
    private func laterUpstreamChange(
        of target: EntityRef, after changedAt: Date, before onset: Date, context: InvestigationContext
    ) -> (ref: EntityRef, at: Date, words: String)? {
        guard onset.timeIntervalSince(changedAt) >= Self.settled else { return nil }
        let silent = Set(
            context.lake.dependencies(of: target, depth: context.playbook.upstreamDepth, asOf: nil).map(\.ref)
                .filter { (context.assessments[$0] ?? []).isEmpty })
        guard !silent.isEmpty else { return nil }
        let from = changedAt.addingTimeInterval(1)
        let to = onset.addingTimeInterval(Self.sameSample)
        let deploys = context.lake.deployments(on: silent, from: from, to: to).map {
            (ref: $0.target, at: $0.at, words: "was deployed at \(Timestamp.clockTime($0.at))")
        }
        let changes = context.lake.changes(on: silent, from: from, to: to).map {
            (ref: $0.target, at: $0.at, words: "was changed at \(Timestamp.clockTime($0.at))")
        }
        return (deploys + changes).max { $0.at < $1.at }
    }

    /// How long a changed entity must stay well before a later change elsewhere becomes the nearer trigger.
    static let settled: TimeInterval = 5 * 60

    /// Two onsets this close fell in the same sample of a one-minute scrape: neither is known to be first.
    static let sameSample: TimeInterval = 60

    /// The actions that undo a deploy or a change.
    static let undoing: Set<String> = ["rollback", "config-revert"]

    /// The alerting readers of the shared resource `target` writes to, when `target` is such a producer (a
    /// sibling: neither alerting nor upstream of them). A reader deployed or changed itself after `target`'s change
    /// at `changedAt`, or in the 5 minutes before it turned bad, and no later than a minute after it turned bad has
    /// that nearer trigger: it is left out. A producer whose own signals turned bad reaches its readers only through
    /// the resource: its load rose, or the resource failed (not merely busier); otherwise none is its.
    private func readersBroken(by target: EntityRef, changedAt: Date, context: InvestigationContext) async -> Set<
        EntityRef
    > {
        guard let shared = context.siblings[target] else { return [] }
        // A producer that failed itself passes that on only through the resource: its load into it moved, or the
        // resource turned bad (not merely busier). Otherwise its readers failing beside it is a coincidence.
        if !context.faults(of: target).isEmpty,
            !(context.assessments[target] ?? []).contains(where: {
                $0.signal.type == .load && context.loadRose($0, of: target)
            })
        {
            let faults = context.faults(of: shared)
            if faults.isEmpty { return [] }
            if case .busier = await context.headroom(of: shared, faults: faults) { return [] }
        }
        return (context.upstreams[shared]?.below ?? []).filter { reader in
            guard let onset = context.faultOnset(of: reader) else { return true }
            // Its own change in the 5 minutes before it turned bad is nearer than the producer's, whichever came first.
            let from = min(changedAt.addingTimeInterval(1), onset.addingTimeInterval(-Self.settled))
            let to = onset.addingTimeInterval(Self.sameSample)
            return context.lake.deployments(on: [reader], from: from, to: to).isEmpty
                && context.lake.changes(on: [reader], from: from, to: to).isEmpty
        }
    }

    /// How long an entity must have stayed well through an upstream's trouble short of severe (under `severeRatio`
    /// times its baseline, never its health; none of it newer, none of it worse since) for that trouble to be ridden
    /// out: it failed first against no change of the entity (a search cluster 3x slower for half an hour, then a
    /// deploy that breaks facet parsing).
    static let riddenOut: TimeInterval = 15 * 60

    /// How soon after a change of an upstream its callers must all fail for the change to have broken them.
    static let callersBreakWindow: TimeInterval = 10 * 60

    /// How long a caller may stay well through an upstream's trouble before that trouble no longer explains it.
    static let rideThrough: TimeInterval = 5 * 60

    /// For an upstream `target` (not alerting) changed at `changedAt`: words saying that every alerting entity
    /// calling it directly, two or more, turned bad within ``callersBreakWindow`` after the change, with nothing
    /// else to explain it (no change of their own in the alignment window before, no other upstream of theirs
    /// failing first, within ``rideThrough`` before them); nil otherwise.
    private func brokenCallers(of target: EntityRef, changedAt: Date, context: InvestigationContext) -> String? {
        guard !context.facts.alerting.contains(target) else { return nil }
        let callers = Set(context.lake.dependents(of: target, depth: 1, asOf: nil).map(\.ref))
            .intersection(context.facts.alerting)
        guard callers.count >= 2 else { return nil }
        var last = changedAt
        for caller in callers {
            guard let onset = context.faultOnset(of: caller), onset >= changedAt.addingTimeInterval(-Self.sameSample),
                onset <= changedAt.addingTimeInterval(Self.callersBreakWindow)
            else { return nil }
            last = max(last, onset)
            let window = (onset.addingTimeInterval(-context.playbook.alignmentWindow), onset)
            guard context.lake.deployments(on: [caller], from: window.0, to: window.1).isEmpty,
                context.lake.changes(on: [caller], from: window.0, to: window.1).isEmpty
            else { return nil }
            let others = context.lake.dependencies(of: caller, depth: context.playbook.upstreamDepth, asOf: nil)
                .map(\.ref).filter { $0 != target && !callers.contains($0) }
            // Only an upstream that turned bad shortly before the caller explains it: one whose trouble the caller
            // rode out for longer than `rideThrough` (a slow cache, no error for 20 minutes) does not.
            if others.contains(where: { ref in
                context.faultOnset(of: ref).map {
                    $0 <= onset.addingTimeInterval(Self.sameSample)
                        && $0 >= onset.addingTimeInterval(-Self.rideThrough)
                } ?? false
            }) {
                return nil
            }
        }
        let names = callers.sorted().map(\.description).joined(separator: ", ")
        return "its own signals are normal, but every alerting service calling it (\(names)) "
            + "turned bad within \(DurationText.format(max(60, last.timeIntervalSince(changedAt)))) after it, "
            + "with no change of their own and no upstream of theirs that turned bad shortly before them: a change "
            + "can break its callers (a new contract)"
    }

    /// "turned bad 1m to 3m after it" when every one of `entities` with a fault onset turned bad within the
    /// alignment window after `at` (from 90 s before it); nil otherwise.
    private func alignedBelow(_ entities: Set<EntityRef>, after at: Date, context: InvestigationContext) -> String? {
        let onsets = entities.compactMap { context.faultOnset(of: $0) }
        guard let first = onsets.min(), let last = onsets.max(), first >= at.addingTimeInterval(-90),
            last <= at.addingTimeInterval(context.playbook.alignmentWindow)
        else { return nil }
        return "turned bad \(DurationText.format(max(0, first.timeIntervalSince(at)))) "
            + "to \(DurationText.format(max(0, last.timeIntervalSince(at)))) after it"
    }

    private func judge(_ candidate: Candidate, context: InvestigationContext, symptoms: Date) async -> Hypothesis {
        let target = candidate.target
        var covered = context.covered(by: target)
        if context.facts.alerting.contains(target) { covered.insert(target) }
        let readers = await readersBroken(by: target, changedAt: candidate.at, context: context)
        covered.formUnion(readers)
        let coverage = Double(covered.count) / Double(context.alertingCount)
        let lead = symptoms.timeIntervalSince(candidate.at)
        var evidence = [
            Evidence(
                "\(target) \(candidate.words) at \(Timestamp.clockTime(candidate.at)), \(DurationText.format(max(0, lead))) before the first symptom"
            )
        ]
        let own = context.assessments[target] ?? []
        let faults = context.faults(of: target)
        let window = context.playbook.alignmentWindow
        var score: Double
        if let aligned = faults.first(where: { fault in
            guard let onset = fault.onset else { return false }
            let after = onset.timeIntervalSince(candidate.at)
            return after >= -90 && after <= window
        }) {
            score = 0.55 + 0.3 * coverage + (lead <= 15 * 60 ? 0.1 : 0.05)
            evidence.append(
                Evidence(
                    "\(target): \(aligned.summary), \(DurationText.format(max(0, aligned.onset!.timeIntervalSince(candidate.at)))) after it"
                ))
            let nearby = [target] + context.lake.dependencies(of: target, depth: 1, asOf: nil).map(\.ref).sorted()
            evidence += context.setAsideWords(of: nearby).map { Evidence($0) }
            if let upstream = await Self.failedFirst(
                upstreamOf: target, before: aligned.onset!, changedAt: candidate.at, context: context)
            {
                score *= 0.45
                evidence.append(
                    Evidence(
                        "but \(upstream.ref) failed first (\(upstream.fault.signal.name) since \(Timestamp.clockTime(upstream.fault.onset!))): \(target) is downstream of that failure",
                        against: true))
            }
            if let earlier = faults.first(where: { fault in
                guard let onset = fault.onset else { return false }
                return onset < candidate.at.addingTimeInterval(-Self.sameSample)
                    && (fault.recoveredAt.map { $0 > candidate.at } ?? true)
            }), let onset = earlier.onset {
                // Its trouble had begun before the change: the change came into it, it did not start it.
                score *= 0.45
                evidence.append(
                    Evidence(
                        "but \(target)'s \(earlier.signal.name) was already bad since \(Timestamp.clockTime(onset)), "
                            + "\(DurationText.format(candidate.at.timeIntervalSince(onset))) before it",
                        against: true))
            }
            if let peer = context.peerThroughSilentUpstream(of: target, onset: aligned.onset!, explained: covered) {
                score *= 0.7
                evidence.append(
                    Evidence(
                        "but \(peer.peer), not below it and not changed, turned bad with it; both depend on "
                            + "\(peer.shared), which has no signals", against: true))
            }
            if let later = laterUpstreamChange(
                of: target, after: candidate.at, before: aligned.onset!, context: context)
            {
                score *= 0.6
                evidence.append(
                    Evidence(
                        "but \(target) stayed well for \(DurationText.format(aligned.onset!.timeIntervalSince(candidate.at))) "
                            + "after it and turned bad \(DurationText.format(max(0, aligned.onset!.timeIntervalSince(later.at)))) "
                            + "after \(later.ref) \(later.words), which it depends on and which has no signals to clear it",
                        against: true))
            }
            if let recovered = aligned.recoveredAt {
                evidence.append(Evidence("\(target) recovered at \(Timestamp.clockTime(recovered))"))
            }
        } else if let leak = await leak(since: candidate.at, of: target, faults: faults, context: context) {
            // A slow leak starts at the deploy and is exhausted hours later: far outside the alignment window,
            // yet the deploy is the cause, and rolling back (not scaling out) fixes it.
            score = 0.55 + 0.3 * coverage + 0.05
            evidence.append(Evidence(leak))
        } else if !readers.isEmpty, let words = alignedBelow(readers, after: candidate.at, context: context) {
            // A producer's change reaches its readers through the data (a new schema, bad records): its own
            // signals stay flat while every reader of what it writes fails right after it.
            score = 0.5 + 0.3 * coverage + (lead <= 15 * 60 ? 0.1 : 0.05)
            let shared = context.siblings[target]?.description ?? "a shared resource"
            evidence.append(
                Evidence("\(target) writes to \(shared), read by \(context.coverageWords(readers)); " + words))
            let readersFailed = readers.compactMap { context.faultOnset(of: $0) }.min() ?? symptoms
            if let upstream = await Self.failedFirst(
                upstreamOf: target, before: readersFailed, changedAt: candidate.at, context: context)
            {
                // What it writes to (or what that runs on) failed first: the readers fail with it, not with the change.
                score *= 0.45
                evidence.append(
                    Evidence(
                        "but \(upstream.ref) failed first (\(upstream.fault.signal.name) since "
                            + "\(Timestamp.clockTime(upstream.fault.onset!))): the readers fail with it", against: true)
                )
            }
        } else if let late = faults.first, let onset = late.onset {
            score = 0.12
            evidence.append(
                Evidence(
                    "\(target)'s \(late.signal.name) turned bad only \(DurationText.format(onset.timeIntervalSince(candidate.at))) after it, with the other symptoms"
                        + (late.creptSince == nil ? "" : " (\(late.summary))"),
                    against: true))
        } else if !own.isEmpty, lead <= 15 * 60, coverage >= 1, context.facts.alerting.contains(target),
            context.assessments.keys.allSatisfy({ context.faults(of: $0).isEmpty })
        {
            // Alerts right after a change of the alerting entity itself, and no signal in scope moved: the change
            // may have made the alerts (a lowered threshold, a new rule) rather than an outage. Never a certainty.
            score = 0.6
            evidence.append(
                Evidence(
                    "no signal of \(target) or around it moved: the alerts may come from the change itself "
                        + "(an alert rule or threshold), not from an outage"))
        } else if !own.isEmpty, coverage >= 1,
            let broken = brokenCallers(of: target, changedAt: candidate.at, context: context)
        {
            // A change that breaks what its callers expect (a new contract) shows on them, not on its own signals.
            score = 0.5 + 0.3 * coverage + (lead <= 15 * 60 ? 0.1 : 0.05)
            evidence.append(Evidence(broken))
        } else if !own.isEmpty {
            score = 0.08
            let flat = own.filter { $0.signal.type != .load }.first ?? own[0]
            if let shift = ChangeBeside(context: context).shift(of: target, at: candidate.at) {
                // A signal that moved the good way (a cache emptied) shows the change did something, not nothing.
                evidence.append(
                    Evidence(
                        "right after it \(target)'s \(shift): the change took effect, but none of its own signals "
                            + "turned bad", against: true))
            } else {
                evidence.append(
                    Evidence(
                        "\(target)'s \(flat.signal.name) is flat since (\(SignalAssessment.format(flat.current)))",
                        against: true))
            }
        } else {
            // Nothing of its own to confirm or refute it: timing and topology only, never a certainty. The
            // services below it turning bad within the alignment window after it is the best that is left.
            score = 0.2 + 0.2 * coverage + (lead <= 15 * 60 ? 0.15 : 0)
            evidence.append(Evidence("\(target) has no signals to confirm it", against: true))
            if let words = alignedBelow(covered.subtracting([target]), after: candidate.at, context: context) {
                score += 0.15
                evidence.append(Evidence("the services below it " + words))
            }
        }
        if coverage < 1 {
            evidence.append(Evidence("explains \(context.coverageWords(covered))", against: coverage < 0.5))
        } else if !readers.isEmpty {
            evidence.append(Evidence("every alerting entity reads what \(target) writes"))
        } else if covered.count > 1 || !context.facts.alerting.contains(target) {
            evidence.append(Evidence("every alerting entity is \(target) or depends on it"))
        }
        let title = context.title(target)
        let summary =
            kind == .deployment
            ? "\(title) \(candidate.words) \(DurationText.format(max(0, lead))) before the symptoms"
            : "\(title) \(candidate.words)"
        return Hypothesis(kind: kind, entity: target, score: score, summary: summary, evidence: evidence)
    }
}
