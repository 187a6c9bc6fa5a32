import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

/// Judges the actions people took during an incident from the metrics after them.
///
/// An action helped when, `judgeAfter` later, the worst symptom it should have touched is at most
/// half as far from its baseline as just before it. Otherwise it lands in `avoid` with the numbers.
/// When another action follows sooner, the first is judged just before the second (what came after belongs
/// to both); with less than `minimumWindow` between them it is not judged on its own.
struct ActionJudge {
    let context: InvestigationContext
    /// The shortest span after an action that can show its effect (the before/after medians take 3 minutes).
    static let minimumWindow: TimeInterval = 3 * 60

    /// What to avoid (actions that did not help, whatever their recorded result), a line per action tried, the
    /// actions that helped, and those recorded as failed to run (no test of anything).
    typealias Judged = (avoid: [AvoidAdvice], tried: [String], helped: [ActionRecord], failed: [ActionRecord])

    /// Judges every action once; the investigation keeps the result in its context (`InvestigationContext.judged`).
    func judge() -> Judged {
        let facts = context.facts
        let examined = Set(facts.alerting).union(context.upstreams.keys).union(context.siblings.keys)
        let from = context.symptomOnset.addingTimeInterval(-30 * 60)
        // An action on a customer or org whose traffic reaches the neighbourhood (a throttle) acts on the load of
        // the incident: judged by the alerting entities' symptoms, when taken since they began.
        let onTenants = context.lake.actions(on: context.tenants, from: context.symptomOnset, to: facts.now)
        var actions = context.lake.actions(on: examined, from: from, to: facts.now)
        if !onTenants.isEmpty { actions = (actions + onTenants).sorted { $0.at < $1.at } }
        var avoid: [AvoidAdvice] = []
        var tried: [String] = []
        var helped: [ActionRecord] = []
        for action in actions {
            // Only an action that can move the same symptom shares its window: on the same entity, or on one
            // it depends on or that depends on it (a restart of another team's worker does not).
            let instants = actions.filter { related($0.target, action.target) }.map(\.at).sorted()
            let label = "\(action.name) of \(action.target) at \(Timestamp.clockTime(action.at))"
            if Self.failedToRun(action) {
                // It never ran: it tested nothing, so it neither helped nor failed to help.
                let words = "\(label) failed to run (recorded \(action.result ?? "failed")): it tested nothing"
                avoid.append(
                    AvoidAdvice(
                        action: action.name, target: action.target, at: action.at, reason: words, failedToRun: true))
                tried.append(words)
                continue
            }
            var judgedAt = action.at.addingTimeInterval(context.playbook.judgeAfter)
            var note = ""
            // Another action too soon after: the credit for an improvement cannot be shared out, but when
            // nothing improved through both, there is none to share and neither helped.
            var tooClose: String?
            if let next = instants.first(where: { $0 > action.at }), next < judgedAt {
                let gap = DurationText.format(next.timeIntervalSince(action.at))
                if next.timeIntervalSince(action.at) >= Self.minimumWindow {
                    judgedAt = next
                    note = " (judged before the next action at \(Timestamp.clockTime(next)))"
                } else {
                    tooClose = "\(label): another action followed \(gap) later, too soon to judge it alone"
                    note = " (with another action \(gap) later; neither helped)"
                }
            }
            let verdict = judgedAt <= facts.now ? effect(of: action, until: judgedAt) : nil
            if let tooClose, verdict?.helped ?? true {
                tried.append(tooClose)
                continue
            }
            guard judgedAt <= facts.now else {
                tried.append("\(label): too early to judge")
                continue
            }
            guard var verdict else {
                tried.append("\(label): no symptom signal to judge it by")
                continue
            }
            verdict.words += note
            if verdict.isUnderWayBefore {
                // The symptom was already recovering on its own: the action neither helped nor failed.
                tried.append("\(label): cannot tell whether it helped: \(verdict.words)")
                continue
            }
            if !verdict.helped, tooClose == nil, let late = secondLook(at: action, before: instants) {
                // New capacity takes minutes to join (pods pulling an image): looked at again, it helped.
                verdict.helped = true
                verdict.words += ", not yet; " + late
            }
            if verdict.helped {
                helped.append(action)
                tried.append("\(label) helped: \(verdict.words)")
            } else {
                avoid.append(
                    AvoidAdvice(
                        action: action.name, target: action.target, at: action.at,
                        reason: "\(label) did not help: \(verdict.words)"))
                tried.append("\(label) did not help: \(verdict.words)")
            }
        }
        return (avoid, tried, helped, actions.filter(Self.failedToRun))
    }

    /// Whether the action is recorded as not having run (its `result`).
    static func failedToRun(_ action: ActionRecord) -> Bool {
        ["failed", "failure", "error", "aborted"].contains(action.result?.lowercased() ?? "")
    }

    /// Whether actions on `one` and `other` can move each other's symptoms: the same entity, or one depends
    /// on the other within the upstream depth.
    private func related(_ one: EntityRef, _ other: EntityRef) -> Bool {
        guard one != other else { return true }
        let depth = context.playbook.upstreamDepth
        return context.lake.dependencies(of: one, depth: depth, asOf: nil).contains { $0.ref == other }
            || context.lake.dependencies(of: other, depth: depth, asOf: nil).contains { $0.ref == one }
    }

    /// The symptom signals an action on `target` should move: its own faults, else those below it.
    private func symptoms(for target: EntityRef) -> [SignalAssessment] {
        let own = context.faults(of: target)
        // Only a symptom users feel, or the alerting entity's own: an action changes its target's saturation
        // mechanically (more replicas, less CPU each) whatever it does to the incident.
        let felt = own.filter { ![.saturation, .load].contains($0.signal.type) }
        if !own.isEmpty, !felt.isEmpty || context.facts.alerting.contains(target) { return prioritized(own) }
        let below = context.facts.alerting.filter { context.upstreams[target]?.below.contains($0) ?? false }
        let faults = below.flatMap { context.faults(of: $0) }
        return prioritized(faults.isEmpty ? context.facts.alerting.flatMap { context.faults(of: $0) } : faults)
    }

    /// What users feel first (lag, errors, latency, health), saturation last: a restart that leaves
    /// the lag climbing did not help, whatever it did to CPU.
    private func prioritized(_ faults: [SignalAssessment]) -> [SignalAssessment] {
        let order: [SignalType] = [.lag, .errors, .latency, .health, .saturation, .load]
        return faults.sorted {
            (order.firstIndex(of: $0.signal.type) ?? 9) < (order.firstIndex(of: $1.signal.type) ?? 9)
        }
    }

    /// "grew 10.8k/min before, shrinks 3.6k/min since" when a backlog that grew before `at` shrinks after it
    /// at a quarter or more of the rate it grew at; nil otherwise.
    func backlogTurn(_ samples: [Sample], at: Date, until judgedAt: Date) -> String? {
        let before = samples.filter { $0.time <= at && $0.time >= at.addingTimeInterval(-context.playbook.judgeAfter) }
        let after = samples.filter { $0.time > at && $0.time <= judgedAt }
        guard after.count >= 3, let grew = SeriesMath.slope(before), let shrinks = SeriesMath.slope(after),
            grew > 0, -shrinks >= 0.25 * grew
        else { return nil }
        return "grew \(SignalAssessment.format(grew * 60))/min before, "
            + "shrinks \(SignalAssessment.format(-shrinks * 60))/min since"
    }

    /// The actions that add capacity.
    static let capacityActions = Playbook.capacityActions

    /// Words for a capacity action that did not help by the judging time but did by the second look
    /// (`Playbook.secondLook`, no related action before it): the backlog that grew before it shrinks in the last
    /// minutes before the second look, at a quarter or more of the rate it grew (any other symptom is half as far
    /// from its baseline as before the action), while no load spike in the neighbourhood fell back before then (a
    /// falling inflow drains a backlog without any new capacity). Nil otherwise.
    func secondLook(at action: ActionRecord, before instants: [Date]) -> String? {
        let look = action.at.addingTimeInterval(context.playbook.secondLook)
        guard Self.capacityActions.contains(action.name), look <= context.facts.now,
            !instants.contains(where: { $0 > action.at && $0 < look }),
            let symptom = symptoms(for: action.target).first
        else { return nil }
        let loads = context.assessments.values.joined().filter {
            $0.signal.type == .load && $0.isAnomalous && $0.peak > $0.baseline
        }
        guard !loads.contains(where: { ($0.recoveredAt ?? .distantFuture) < look }) else { return nil }
        let samples = context.samples[symptom.entity]?[symptom.signal.name] ?? []
        let before = samples.filter { $0.time <= action.at && $0.time >= action.at.addingTimeInterval(-180) }
        let since = samples.filter { $0.time > action.at && $0.time <= look }
        let last = since.filter { $0.time > look.addingTimeInterval(-Self.minimumWindow - 60) }
        guard last.count >= 3, let pre = SeriesMath.median(before.map(\.value)) else { return nil }
        let base = symptom.baseline
        let worse: (Double) -> Double = symptom.signal.type == .health ? { base - $0 } : { $0 - base }
        let name = "\(symptom.signal.name) of \(symptom.entity)"
        let wait = DurationText.format(context.playbook.secondLook)
        if symptom.signal.type == .lag {
            let grewBefore = samples.filter {
                $0.time <= action.at && $0.time >= action.at.addingTimeInterval(-context.playbook.judgeAfter)
            }
            guard let grew = SeriesMath.slope(grewBefore), grew > 0, let now = SeriesMath.slope(last),
                -now >= 0.25 * grew, let peak = since.max(by: { $0.value < $1.value })
            else { return nil }
            return "looked at again \(wait) after it: \(name) turned at \(Timestamp.clockTime(peak.time)), "
                + "\(DurationText.format(peak.time.timeIntervalSince(action.at))) after it, and shrinks "
                + "\(SignalAssessment.format(-now * 60))/min since (it grew \(SignalAssessment.format(grew * 60))/min "
                + "before) while the load stays up: new capacity takes minutes to join"
        }
        guard worse(pre) > 0, let post = SeriesMath.median(last.map(\.value)), worse(post) <= 0.5 * worse(pre)
        else { return nil }
        return "looked at again \(wait) after it: \(name) \(SignalAssessment.format(pre)) -> "
            + "\(SignalAssessment.format(post)) while the load stays up: new capacity takes minutes to join"
    }

    /// "grew 36k/min before, flat since" when a backlog that grew before `at` grows at a tenth of that rate or
    /// less after it; nil otherwise.
    func backlogHalted(_ samples: [Sample], at: Date, until judgedAt: Date) -> String? {
        let before = samples.filter { $0.time <= at && $0.time >= at.addingTimeInterval(-context.playbook.judgeAfter) }
        let after = samples.filter { $0.time > at.addingTimeInterval(60) && $0.time <= judgedAt }
        guard after.count >= 3, let grew = SeriesMath.slope(before), let since = SeriesMath.slope(after),
            grew > 0, since <= 0.1 * grew
        else { return nil }
        return "grew \(SignalAssessment.format(grew * 60))/min before, flat since"
    }

    /// "falling steadily since, back to normal in about 8m at this pace" when, after `at`, the deviation fell
    /// through the whole window (each third of it below the one before), by at least a quarter of `devPre`, at
    /// a pace that reaches the baseline within two more judging windows; nil otherwise (a dip that resumed,
    /// a plateau, a decline too slow to matter).
    func recoveryUnderWay(
        _ samples: [Sample], at: Date, until judgedAt: Date, deviation: (Double) -> Double, from devPre: Double
    ) -> String? {
        let after = samples.filter { $0.time > at && $0.time <= judgedAt }
        guard after.count >= 3 else { return nil }
        let third = after.count / 3
        let thirds = [after.prefix(third), after.dropFirst(third).prefix(after.count - 2 * third), after.suffix(third)]
        let medians = thirds.compactMap { SeriesMath.median($0.map { deviation($0.value) }) }
        guard medians.count == 3, medians[0] > medians[1], medians[1] > medians[2],
            let last = medians.last, last <= 0.75 * devPre,
            let slope = SeriesMath.slope(after.map { Sample(time: $0.time, value: deviation($0.value)) }), slope < 0
        else { return nil }
        let remaining = max(0, last) / -slope
        guard remaining <= 2 * context.playbook.judgeAfter else { return nil }
        return "falling steadily since, back to normal in about \(DurationText.format(remaining)) at this pace"
    }

    /// "already falling 2.1%/min before it, and after it on the same line" when the deviation was falling through
    /// the minutes before `at` (by 15% or more) at a pace that, kept up, would have halved `devPre` by `judgedAt`,
    /// and the first minutes after `at` do not drop below that line by a quarter of `devPre` or more: the recovery
    /// was under way before the action and did not bend at it. Nil otherwise.
    func recoveringBefore(
        _ samples: [Sample], at: Date, until judgedAt: Date, deviation: (Double) -> Double, from devPre: Double
    ) -> String? {
        let before = samples.filter { $0.time <= at && $0.time > at.addingTimeInterval(-Self.trendWindow) }
            .map { Sample(time: $0.time, value: deviation($0.value)) }
        let early = samples.filter { $0.time > at && $0.time <= at.addingTimeInterval(Self.minimumWindow) }
        guard devPre > 0, before.count >= 3, early.count >= 2, let first = before.first, let last = before.last,
            last.value <= 0.85 * first.value, let slope = SeriesMath.slope(before), slope < 0,
            let meanY = SeriesMath.mean(before.map(\.value)),
            let meanX = SeriesMath.mean(before.map { $0.time.timeIntervalSince(at) })
        else { return nil }
        func line(_ time: Date) -> Double { meanY + slope * (time.timeIntervalSince(at) - meanX) }
        guard line(judgedAt) <= 0.5 * devPre,
            let below = SeriesMath.median(early.map { line($0.time) - deviation($0.value) }), below < 0.25 * devPre
        else { return nil }
        return "its symptom was already falling \(SignalAssessment.format(-slope * 60))/min before it, "
            + "and after it on the same line: the recovery was under way"
    }

    /// How far back the trend before an action is read.
    static let trendWindow: TimeInterval = 4 * 60

    private func effect(of action: ActionRecord, until judgedAt: Date) -> (
        helped: Bool, words: String, isUnderWayBefore: Bool
    )? {
        guard let symptom = symptoms(for: action.target).first else { return nil }
        let samples = context.samples[symptom.entity]?[symptom.signal.name] ?? []
        let before = samples.filter { $0.time <= action.at && $0.time > action.at.addingTimeInterval(-180) }.map(
            \.value)
        let early = samples.filter { $0.time > action.at && $0.time <= action.at.addingTimeInterval(180) }.map(\.value)
        let after = samples.filter { $0.time > judgedAt.addingTimeInterval(-180) && $0.time <= judgedAt }.map(\.value)
        guard let pre = SeriesMath.median(before), let post = SeriesMath.median(after) else { return nil }
        let base = symptom.baseline
        let worse: (Double) -> Double = symptom.signal.type == .health ? { base - $0 } : { $0 - base }
        let devPre = worse(pre)
        let devPost = worse(post)
        let name = "\(symptom.signal.name) of \(symptom.entity)"
        var words =
            "\(name) \(SignalAssessment.format(pre)) -> \(SignalAssessment.format(post)) \(DurationText.format(judgedAt.timeIntervalSince(action.at))) later"
        var helped = devPre > 0 && devPost <= 0.5 * devPre
        if !helped, symptom.signal.type == .lag, let turn = backlogTurn(samples, at: action.at, until: judgedAt) {
            // A backlog drains at the spare capacity: halving takes long, but it shrinking where it grew is help.
            helped = true
            words += " (" + turn + ")"
        }
        if !helped, symptom.signal.type == .lag, Self.capacityActions.contains(action.name),
            let halt = backlogHalted(samples, at: action.at, until: judgedAt)
        {
            // Added capacity that now matches the inflow stops the growth without draining it: it helped, and
            // more of it is what drains the backlog.
            helped = true
            words += " (" + halt + ")"
        }
        if !helped, devPre > 0,
            let recovery = recoveryUnderWay(samples, at: action.at, until: judgedAt, deviation: worse, from: devPre)
        {
            // A staged rollback or a gradual drain: not yet halved, but falling since the action, all the way.
            helped = true
            words += " (" + recovery + ")"
        }
        if !helped, let dip = early.map(worse).min(), devPre > 0, dip < devPre * 0.97, devPost > dip {
            let percent = Int(((devPre - dip) / devPre * 100).rounded())
            words += " (dipped \(percent)% at first, then resumed)"
        }
        // Credit needs the trend to bend at the action: a symptom already falling as fast before it recovers alike.
        if helped, let trend = recoveringBefore(samples, at: action.at, until: judgedAt, deviation: worse, from: devPre)
        {
            return (false, words + " (" + trend + ")", true)
        }
        return (helped, words, false)
    }
}
