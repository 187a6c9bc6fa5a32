import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

/// A failing upstream: its signals turned bad before (or with) the alerting entities' did.
///
/// Infrastructure when the upstream's `properties.type` names a cluster, node, broker, host or zone.
/// An upstream whose failure lines up with its own deploy or change is left to those checks.
struct DependencyCheck: HypothesisCheck {
    let kind = RootCauseKind.dependency

    func evaluate(_ context: InvestigationContext) async throws -> [Hypothesis] {
        var results: [Hypothesis] = []
        let candidates = Set(context.upstreams.keys)
        let remedied = context.judged.helped.filter {
            !ChangeCheck.undoing.contains($0.name)
        }
        for ref in candidates {
            var faults = context.faults(of: ref)
            let covered = context.covered(by: ref).subtracting([ref])
            guard !covered.isEmpty else { continue }
            // Failing by its signals, or, when none moved (or it has none), by alerting itself; a notice
            // (severity info) reports no failure.
            let ownAlert =
                faults.isEmpty
                ? context.facts.alerts.first {
                    $0.severity != .info && context.lake.entity(forAlert: $0, asOf: nil) == ref
                } : nil
            guard var onset = faults.first?.onset ?? ownAlert?.startedAt else {
                if let meeting = context.silentMeeting(at: ref) {
                    results.append(await silent(ref, meeting, context))
                } else if let fix = remedied.first(where: { $0.target == ref }) {
                    results.append(hypothesis(ref, remediedBy: fix, context))
                }
                continue
            }
            // An upstream that alerts itself is not among those it must explain.
            let isAlerting = context.facts.alerting.contains(ref)
            let others = max(1, context.alertingCount - (isAlerting ? 1 : 0))
            let coverage = Double(covered.count) / Double(others)
            let coverageWords =
                "\(covered.count) of \(others) \(isAlerting ? "other " : "")alerting "
                + (others == 1 ? "entity" : "entities")
            let belowOnset = covered.compactMap { context.faultOnset(of: $0) }.min() ?? context.facts.firstOnset
            if let severe = Self.headline(of: faults, below: belowOnset, context: context) {
                faults.removeAll { $0 == severe }
                faults.insert(severe, at: 0)
                onset = severe.onset ?? onset
            }
            let lead = belowOnset.timeIntervalSince(onset)
            var evidence = faults.prefix(3).map { Evidence("\(ref): \($0.summary)") }
            if let ownAlert { evidence.append(Evidence("\(ref) is alerting itself: \(ownAlert.title)")) }
            evidence.append(
                Evidence(
                    "\(coverageWords) depend on it: \(covered.sorted().map(\.description).joined(separator: ", "))"))
            evidence += context.setAsideWords(of: [ref] + covered.sorted()).map { Evidence($0) }
            var score = 0.35 + 0.35 * coverage + min(0.1, (faults.first?.strength ?? 0) / 200)
            // An alert fires once its condition has held a while (its `for:`): dated by its own alert alone, the
            // failure may have begun up to 2 minutes before it.
            if lead >= (ownAlert == nil ? -60 : -Self.alertLag) {
                score += 0.15
                evidence.append(
                    Evidence(
                        lead < -60
                            ? "its alert began \(DurationText.format(-lead)) after the services below it turned bad, "
                                + "within the time an alert takes to fire"
                            : "it turned bad \(DurationText.format(max(0, lead))) before the services below it"))
            } else {
                score -= 0.1
                evidence.append(
                    Evidence("it turned bad \(DurationText.format(-lead)) after the services below it", against: true))
            }
            if let delay = Self.unexplainedDelay(of: ref, faults: faults, below: belowOnset, context: context) {
                score *= Self.delayWeight
                evidence.append(Evidence(delay, against: true))
            }
            if let recovered = faults.first?.recoveredAt, recovered <= belowOnset {
                score *= 0.3
                evidence.append(
                    Evidence(
                        "it was back to normal at \(Timestamp.clockTime(recovered)), before the symptoms began",
                        against: true))
            }
            let windowStart = context.facts.firstOnset.addingTimeInterval(-context.playbook.onsetLookBack)
            // A step dated from the history before the usual baseline window is no condition of unknown age: when
            // the services below turned bad with it, it is the start of their failure, however long ago.
            let isDatedStep =
                faults.first?.baselineSettledBefore != nil && lead >= -60 && lead <= context.playbook.alignmentWindow
            if isDatedStep {
                evidence.append(
                    Evidence(
                        "its failure began \(DurationText.format(context.facts.firstOnset.timeIntervalSince(onset))) "
                            + "before the first alert, a step dated from the history before it, and the services below "
                            + "turned bad with it: the same failure, alerted late"))
            } else if onset <= windowStart.addingTimeInterval(context.playbook.baselineGap / 6),
                let first = faults.first,
                first.signal.type != .saturation
            {
                score *= 0.6
                evidence.append(
                    Evidence(
                        "it was already abnormal \(DurationText.format(context.facts.firstOnset.timeIntervalSince(onset))) before the first alert: an older condition",
                        against: true))
            }
            // A failing upstream whose own upstream failed first is more likely passing the failure on.
            let below = Set(
                context.lake.dependencies(of: ref, depth: context.playbook.upstreamDepth, asOf: nil).map(\.ref))
            if let deeper = context.upstreams.keys.sorted().first(where: { other in
                other != ref && below.contains(other) && (context.faultOnset(of: other).map { $0 <= onset } ?? false)
            }) {
                score *= 0.85
                evidence.append(Evidence("its own upstream \(deeper) failed first", against: true))
            }
            // Hops between it and the alerting entities that are failing too carry the failure visibly; only the
            // others are uncertain ground.
            let distance = context.upstreams[ref]?.distance ?? 1
            let failingBetween = context.upstreams.filter { other, entry in
                other != ref && entry.distance < distance && context.faultOnset(of: other) != nil
                    && context.lake.dependencies(of: other, depth: distance - entry.distance, asOf: nil).contains {
                        $0.ref == ref
                    }
            }.count
            let silentHops = max(0, distance - 1 - failingBetween)
            score -= 0.05 * Double(silentHops)
            if silentHops > 0 { evidence.append(Evidence("the path runs through \(silentHops) silent hop(s)")) }
            if let peer = context.peerThroughSilentUpstream(of: ref, onset: onset, explained: covered.union([ref])) {
                score *= 0.7
                evidence.append(
                    Evidence(
                        "but \(peer.peer), which does not depend on it, turned bad with it; both depend on "
                            + "\(peer.shared), which has no signals", against: true))
            }
            if let stalled = Self.stalledReader(of: ref, faults: faults, onset: onset, context: context) {
                score *= 0.5
                evidence.append(
                    Evidence(
                        "but it fills while its inflow is not up, and \(stalled.reader), which reads it, failed first "
                            + "(\(Timestamp.clockTime(stalled.at))), after \(stalled.cause): it backs up behind a reader "
                            + "that stopped draining it", against: true))
            }
            for doubt in context.doubtfulViews(of: ref, faults: faults) {
                score *= Self.doubtfulViewWeight
                evidence.append(Evidence(doubt, against: true))
            }
            if let filler = await context.filler(of: ref) {
                score *= Self.filledWeight
                evidence.append(
                    Evidence(
                        "but \(filler.entity)'s \(filler.fault.summary), most of what its users grew: "
                            + "\(filler.entity), which alerts, filled it", against: true))
            }
            switch await context.headroom(of: ref, faults: faults) {
            case .busier(let words):
                score *= 0.5
                evidence.append(Evidence(words, against: true))
            case .felt(let words): evidence.append(Evidence(words))
            case nil: break
            }
            let window = (onset.addingTimeInterval(-context.playbook.alignmentWindow), onset.addingTimeInterval(60))
            let deploys = context.lake.deployments(on: [ref], from: window.0, to: window.1)
            let changes = context.lake.changes(on: [ref], from: window.0, to: window.1)
            if let deploy = deploys.last {
                score *= 0.6
                evidence.append(
                    Evidence(
                        "deployed \(deploy.version ?? "") \(InvestigationContext.gap(deploy.at, onset)) before it failed: the deploy, not a failing dependency, is the better account",
                        against: true))
            } else if let change = changes.last {
                score *= 0.6
                evidence.append(
                    Evidence(
                        "changed (\(change.summary)) \(InvestigationContext.gap(change.at, onset)) before it failed: the change, not a failing dependency, is the better account",
                        against: true))
            } else if let undone = Self.helpfulUndo(of: ref, before: onset, context: context) {
                // Undoing its own earlier change helped: that change, however long before, is the better account.
                score *= 0.6
                evidence.append(
                    Evidence(
                        "\(undone.what) \(InvestigationContext.gap(undone.at, onset)) before it failed, and undoing it "
                            + "(\(undone.undo) at \(Timestamp.clockTime(undone.undoneAt))) helped: the \(undone.noun), "
                            + "not a failing dependency, is the better account", against: true))
            } else {
                let earlier =
                    context.lake.deployments(
                        on: [ref], from: onset.addingTimeInterval(-context.playbook.changeLookBack), to: window.0
                    ).count
                    + context.lake.changes(
                        on: [ref], from: onset.addingTimeInterval(-context.playbook.changeLookBack), to: window.0
                    ).count
                evidence.append(
                    Evidence(
                        earlier == 0
                            ? "no deploy or change on it before it failed"
                            : "no deploy or change on it in the \(DurationText.format(context.playbook.alignmentWindow)) "
                                + "before it failed"))
            }
            let what = "(\(faults.first?.signal.name ?? "alerting")) and \(coverageWords) depend on it"
            // Over by now: say so, since its remedy (a failover) is no longer called for.
            let summary = context.recovery(of: ref).map {
                "\(context.title(ref)) failed \(what); it recovered at \(Timestamp.clockTime($0)): nothing to fail over"
            }
            results.append(
                Hypothesis(
                    kind: kind(of: ref, context), entity: ref, score: score,
                    summary: summary ?? "\(context.title(ref)) is failing \(what)", evidence: evidence))
        }
        return results
    }

    /// The fault that names and dates the failure when it is not the earliest: a severe one (a health signal down,
    /// `severeRatio` times its baseline) that began within 2 minutes before the services below it (or a minute
    /// after), while the earliest fault, more than 2 minutes before it, is not severe (a mild wobble, then the
    /// outage that the callers felt). Nil otherwise: the earliest fault dates it.
    static func headline(of faults: [SignalAssessment], below: Date, context: InvestigationContext)
        -> SignalAssessment?
    {
        guard let first = faults.first, let firstOnset = first.onset, !context.isSevere(first) else { return nil }
        return faults.first { fault in
            guard let onset = fault.onset, context.isSevere(fault) else { return false }
            return onset.timeIntervalSince(firstOnset) > 120 && onset >= below.addingTimeInterval(-120)
                && onset <= below.addingTimeInterval(60)
        }
    }

    /// What a shared resource filled by an alerting user's own growth keeps of its score: that user's saturation
    /// is the account (``InvestigationContext/filler(of:)``).
    static let filledWeight = 0.5

    /// What an upstream without signals keeps of its score for each doubt about its callers' views of it.
    static let doubtfulViewWeight = 0.5

    /// When `ref`'s trouble is a buffer filling (saturation or lag) while what flows into it is not up: a reader
    /// of it (an entity that depends on it) that failed no later than it began to fill, after an upstream of
    /// that reader's own had failed. The buffer backs up behind the reader, which is where the cause lies.
    static func stalledReader(
        of ref: EntityRef, faults: [SignalAssessment], onset: Date, context: InvestigationContext
    ) -> (reader: EntityRef, cause: EntityRef, at: Date)? {
        guard let first = faults.first, [.saturation, .lag].contains(first.signal.type),
            !(context.assessments[ref] ?? []).contains(where: {
                $0.signal.type == .load && $0.isAnomalous && $0.current > $0.baseline
            })
        else { return nil }
        for reader in context.lake.dependents(of: ref, depth: 1, asOf: nil).map(\.ref).sorted() {
            guard let readerOnset = context.faultOnset(of: reader), readerOnset <= onset.addingTimeInterval(60)
            else { continue }
            for hit in context.lake.dependencies(of: reader, depth: 1, asOf: nil) where hit.ref != ref {
                guard let causeOnset = context.faultOnset(of: hit.ref), causeOnset < onset,
                    causeOnset <= readerOnset.addingTimeInterval(60)
                else { continue }
                return (reader, hit.ref, readerOnset)
            }
        }
        return nil
    }

    /// The hypothesis for an upstream without signals where separate branches of alerting entities failed
    /// together: topology and timing only, never a certainty on its own.
    /// How late an alert's start may date the failure it reports.
    static let alertLag: TimeInterval = 2 * 60

    /// The contract's kind of a failing upstream: infrastructure when its `properties.type` names a cluster, node,
    /// broker, host or zone (whether it has signals or not), else dependency.
    private func kind(of ref: EntityRef, _ context: InvestigationContext) -> RootCauseKind {
        context.playbook.isInfrastructure(type: context.lake.entity(ref, asOf: nil)?.type ?? "")
            ? .infrastructure : .dependency
    }

    private func silent(
        _ ref: EntityRef, _ meeting: (branches: [EntityRef], first: Date, last: Date), _ context: InvestigationContext
    ) async -> Hypothesis {
        let covered = context.covered(by: ref).subtracting([ref])
        let coverage = Double(covered.count) / Double(context.alertingCount)
        let span = DurationText.format(meeting.last.timeIntervalSince(meeting.first))
        var evidence = [
            Evidence(
                "\(context.coverageWords(covered)) depend on it, on \(meeting.branches.count) separate branches that "
                    + "turned bad within \(span) of each other"),
            Evidence("\(ref) has no signals to confirm it", against: true),
        ]
        let witnesses = meeting.branches.filter { context.witnesses[$0] == ref }
        if !witnesses.isEmpty {
            let names = witnesses.map(\.description).joined(separator: ", ")
            evidence.insert(
                Evidence("\(names), which \(witnesses.count == 1 ? "does" : "do") not alert, failed with them"), at: 1)
        }
        let unchanged =
            context.lake.deployments(on: [ref], from: meeting.first.addingTimeInterval(-3600), to: meeting.last)
            .isEmpty
            && context.lake.changes(on: [ref], from: meeting.first.addingTimeInterval(-3600), to: meeting.last).isEmpty
        if unchanged { evidence.append(Evidence("no deploy or change on it in the hour before")) }
        var score = 0.25 + 0.3 * coverage + 0.1
        // A zone or host confines a failure to what runs on it: a comparable service elsewhere that stayed normal
        // is the control that says so (a region-wide or client-side cause would reach it too).
        if kind(of: ref, context) == .infrastructure, unchanged,
            let control = await context.normalOutside(ref, like: meeting.branches)
        {
            score += 0.15
            evidence.append(
                Evidence(
                    "\(control.ref), which does not run on it, stayed normal (\(control.signals)): the failure is "
                        + "confined to what runs on it"))
        }
        return Hypothesis(
            kind: kind(of: ref, context), entity: ref, score: score,
            summary: "\(context.title(ref)) is where the failures of \(meeting.branches.count) separate services meet",
            evidence: evidence)
    }

    /// The hypothesis for an upstream without a failure of its own in sight (no signals moved, no alert) on
    /// which a remediation helped: what it fixed is where the trouble was.
    private func hypothesis(_ ref: EntityRef, remediedBy fix: ActionRecord, _ context: InvestigationContext)
        -> Hypothesis
    {
        let covered = context.covered(by: ref).subtracting([ref])
        let coverage = Double(covered.count) / Double(context.alertingCount)
        var evidence = [
            Evidence(
                "\(fix.name) of \(ref) at \(Timestamp.clockTime(fix.at)) brought the symptoms back to normal"),
            Evidence("\(context.coverageWords(covered)) depend on it"),
        ]
        if (context.lake.entity(ref, asOf: nil)?.signals ?? []).isEmpty {
            evidence.append(Evidence("\(ref) has no signals to show its failure", against: true))
        }
        return Hypothesis(
            kind: kind(of: ref, context), entity: ref, score: 0.45 + 0.3 * coverage + 0.1,
            summary: "\(context.title(ref)) failed: the \(fix.name) of it fixed the symptoms", evidence: evidence)
    }

}
