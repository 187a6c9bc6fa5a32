import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

/// Turns the root cause into actions with targets and parameters, per the playbook's remediations.
struct Recommender {
    let context: InvestigationContext

    /// `isTentative`: `root` did not clear the confidence bar; each reason says so, with its probability.
    func recommend(for root: Hypothesis?, teams: [EntityRef], isTentative: Bool = false) -> [ActionProposal] {
        guard let root else { return [] }
        guard !isTentative else {
            let percent = Int((root.confidence * 100).rounded())
            return recommend(for: root, teams: teams).map { proposal in
                var tentative = proposal
                tentative.reason =
                    "tentative, if \(root.kind.rawValue) \(root.entity) is confirmed (\(percent)%): \(proposal.reason)"
                return tentative
            }
        }
        var proposals: [ActionProposal] = []
        for action in context.playbook.remediations[root.kind] ?? [] {
            proposals += makeProposals(action, root: root).flatMap(standingIn)
        }
        let paged = Set(context.facts.alerting.flatMap { context.lake.owners(of: $0, asOf: context.facts.now) })
        if ["service", "resource"].contains(root.entity.kind) {
            for team in context.lake.owners(of: root.entity, asOf: context.facts.now) where !paged.contains(team) {
                let onCall = context.lake.onCall(team: team, at: context.facts.now)
                proposals.append(
                    ActionProposal(
                        action: "page", target: team, isAvailable: true,
                        params: onCall.isEmpty ? [:] : ["users": .array(onCall.map { .string($0.description) })],
                        reason: "\(team) owns \(root.entity) and was not paged"))
            }
        }
        return proposals
    }

    private func makeProposals(_ action: String, root: Hypothesis) -> [ActionProposal] {
        switch (action, root.kind) {
        case ("scale-out", .trafficSpike):
            // A burst that is over, its backlogs clearing at their pace: nothing left to add capacity for.
            guard endedAndDraining(root) == nil else { return [] }
            return capacityTargets(consumers(of: root)).map { scaleOut($0, measuredRatio: nil, spike: root) }
        case ("scale-out", _):
            return [scaleOut(root.entity, measuredRatio: nil)]
        case ("throttle", _):
            // Only while the source's own spike is still up at the instant of the investigation (when known).
            let isGoing = root.loaded.map { $0.recoveredAt == nil } ?? (isSpikeGoing || root.load?.isGoing == true)
            guard ["customer", "org"].contains(root.entity.kind), isGoing else { return [] }
            let lagging = context.facts.alerting.contains { context.faults(of: $0).contains { $0.signal.type == .lag } }
            let until = lagging ? "while the consumers catch up" : "until the services it overloads recover"
            return [
                proposal(action, root.entity, reason: "rate-limit \(root.entity), the source of the load, \(until)")
            ]
        case ("failover", _):
            // Down: fail over, registered or not (the gap is then named). Degraded but up: only where the
            // entity registers a failover (a replica to promote).
            // Recovered by now: the failure is over, and there is nothing left to fail over from.
            let faults = context.faults(of: root.entity)
            guard !context.hasRecovered(root.entity) else { return [] }
            let health = faults.contains { $0.signal.type == .health }
            let registered = isRegistered(action, on: root.entity)
            guard health || registered else { return [] }
            let why =
                health
                ? "\(root.entity) is down"
                : "\(root.entity) is degraded (\(faults.first?.signal.name ?? "alerting")) and registers a failover"
            return [proposal(action, root.entity, reason: why)]
        default:
            return [proposal(action, root.entity, reason: "\(root.kind.rawValue) on \(root.entity)")]
        }
    }

    /// Which of `consumers` (nearest first) to scale out: every one that registers scale-out, since capacity is
    /// what each of them lacks; the nearest unregistered ones only while fewer than `atLeast` are named, so a
    /// missing registration is pointed out without listing every consumer.
    func capacityTargets(_ consumers: [EntityRef], atLeast: Int = 2) -> [EntityRef] {
        let registered = Set(consumers.filter { isRegistered("scale-out", on: $0) })
        let unregistered = consumers.filter { !registered.contains($0) }.prefix(max(0, atLeast - registered.count))
        return consumers.filter { registered.contains($0) || unregistered.contains($0) }
    }

    /// Alerting entities that lag or saturate: the ones that need capacity. Nearest to the source first.
    private func consumers(of root: Hypothesis) -> [EntityRef] {
        let symptomatic = context.facts.alerting.filter { ref in
            context.faults(of: ref).contains { [.lag, .saturation, .latency].contains($0.signal.type) }
                && !isSlowedByUpstream(ref)
        }
        let candidates = symptomatic.isEmpty ? context.facts.alerting : symptomatic
        return candidates.sorted { lhs, rhs in
            let left = context.faults(of: lhs).contains { $0.signal.type == .saturation } ? 0 : 1
            let right = context.faults(of: rhs).contains { $0.signal.type == .saturation } ? 0 : 1
            return left != right
                ? left < right
                : context.facts.alerting.firstIndex(of: lhs)! < context.facts.alerting.firstIndex(of: rhs)!
        }
    }

    /// Whether `ref` is only slow (latency, no lag or saturation of its own) at a load that did not rise, below a
    /// saturated upstream: it waits on that upstream, and more replicas of it would only add to the upstream's load.
    private func isSlowedByUpstream(_ ref: EntityRef) -> Bool {
        let own = Set(context.faults(of: ref).map(\.signal.type))
        guard !own.contains(.lag), !own.contains(.saturation), context.hasFlatLoad(ref) else { return false }
        return context.lake.dependencies(of: ref, depth: 1, asOf: context.facts.now).contains { hit in
            context.faults(of: hit.ref).contains { $0.signal.type == .saturation }
        }
    }

    /// Some load signal that spiked is still up: a source whose traffic is back to normal needs no throttle.
    private var isSpikeGoing: Bool {
        context.assessments.values.joined().contains {
            $0.signal.type == .load && $0.isAnomalous && $0.ratio >= context.playbook.spikeRatio
                && $0.recoveredAt == nil
        }
    }

    /// The largest measured load ratio among the anomalous load signals; nil when no load signal moved.
    private func loadRatio() -> Double? {
        let loads = context.assessments.values.flatMap { $0 }.filter { $0.signal.type == .load && $0.isAnomalous }
        return loads.map(\.ratio).filter(\.isFinite).max()
    }

    /// How long a backlog may take to clear at the pace it has drained since the burst ended, and still need no
    /// more capacity.
    static let drainHorizon: TimeInterval = 30 * 60

    /// Why no scale-out is offered for `root`, a traffic spike: its load was back to normal at the instant of the
    /// investigation and every lagging consumer's backlog is clearing (below its peak, at a pace that empties it
    /// within `drainHorizon`). Nil when the load is still up, or some backlog is not clearing.
    func endedAndDraining(_ root: Hypothesis?) -> String? {
        guard let root, root.kind == .trafficSpike, let ended = root.loaded?.recoveredAt, ended < context.facts.now
        else { return nil }
        let elapsed = context.facts.now.timeIntervalSince(ended)
        let lags = consumers(of: root).flatMap { context.faults(of: $0).filter { $0.signal.type == .lag } }
        guard !lags.isEmpty else { return nil }
        for lag in lags where lag.recoveredAt == nil {
            let drained = lag.peak - lag.current
            let left = lag.current - lag.baseline
            guard drained > 0, left <= drained / elapsed * Self.drainHorizon else { return nil }
        }
        return "the burst ended at \(Timestamp.clockTime(ended)); backlog draining: no capacity to add"
    }

    /// Scale-out by the measured load ratio; without one (saturation with flat traffic, or a load that rose from
    /// zero, which has no ratio), by the default factor of 2, and the reason says it is a default, not a measurement.
    /// A traffic spike's sizes by the total load on the loaded entity at the instant of the investigation (what the
    /// service must carry, not the source's own rise), else by its peak ratio.
    private func scaleOut(_ target: EntityRef, measuredRatio: Double?, spike: Hypothesis? = nil) -> ActionProposal {
        let replicas = context.lake.entity(target, asOf: nil)?.replicas ?? 1
        var measured = measuredRatio
        var now = ""
        var burstWords = ""
        if let spike {
            measured = spike.load?.ratio ?? loadRatio()
            if let loaded = spike.loaded, loaded.baseline > 0, loaded.current > 0 {
                measured = loaded.current / loaded.baseline
                now = " now"
                if let ended = loaded.recoveredAt {
                    burstWords =
                        "the burst ended at \(Timestamp.clockTime(ended)) but a backlog would take over 30 minutes to clear at its pace; "
                }
            }
        }
        let ratio = measured.flatMap { $0.isFinite ? $0 : nil }
        let factor = min(context.playbook.maxScaleFactor, max(1.5, ratio ?? 2))
        let wanted = Int((Double(replicas) * factor).rounded(.up))
        let why: String
        if let ratio, spike != nil {
            why =
                burstWords
                + "the total load is\(now) \(SignalAssessment.format(ratio))x its baseline, what the service "
                + "must carry" + (ratio < 1.5 ? " (1.5x is the least step)" : "")
        } else if let ratio {
            why = "load is \(SignalAssessment.format(ratio))x its baseline"
        } else if let rose = loadFromNothing() {
            why =
                "\(rose.entity)'s \(rose.signal.name) rose from nothing (\(SignalAssessment.format(rose.baseline)) -> "
                + "\(SignalAssessment.format(rose.current))), which has no ratio; doubling is a default, not a measurement"
        } else {
            why =
                "\(target) is \(strain(of: target)) with no load change measured; doubling is a default, not a measurement"
        }
        var proposal = proposal("scale-out", target, reason: "add capacity: \(why)")
        proposal.params = ["from_replicas": .number(Double(replicas)), "to_replicas": .number(Double(wanted))]
        return proposal
    }

    /// An anomalous load in scope that rose from a zero baseline (a job that runs hourly): its rise has no ratio.
    private func loadFromNothing() -> SignalAssessment? {
        context.assessments.sorted { $0.key < $1.key }.flatMap(\.value).first {
            $0.signal.type == .load && $0.isAnomalous && $0.current > $0.baseline && !$0.ratio.isFinite
        }
    }

    /// How `target` lacks capacity, in a word, by its worst kind of fault: saturated, lagging, slow or failing.
    private func strain(of target: EntityRef) -> String {
        let types = Set(context.faults(of: target).map(\.signal.type))
        if types.contains(.saturation) { return "saturated" }
        if types.contains(.lag) { return "lagging" }
        return types.contains(.latency) ? "slow" : "failing"
    }

    /// Registered actions that do what another does: a rollback restores the configuration its release shipped with.
    static let equivalents = ["config-revert": "rollback"]

    /// `proposal`, preceded by the registered action that does the same on its target when `proposal` is not
    /// registered there: that one can be approved, and `proposal` stays a step to take by hand.
    private func standingIn(_ proposal: ActionProposal) -> [ActionProposal] {
        guard !proposal.isAvailable, let equivalent = Self.equivalents[proposal.action],
            isRegistered(equivalent, on: proposal.target)
        else { return [proposal] }
        let reason =
            "\(equivalent) instead of \(proposal.action), which \(proposal.target) does not register: "
            + proposal.reason.replacingOccurrences(
                of: "; no \(proposal.action) action is registered for \(proposal.target)", with: "")
        let standIn = ActionProposal(
            action: equivalent, target: proposal.target, isAvailable: true, params: proposal.params, reason: reason)
        return [standIn, proposal]
    }

    private func isRegistered(_ action: String, on target: EntityRef) -> Bool {
        context.lake.entity(target, asOf: nil)?.registeredActions.contains(action) ?? false
    }

    private func proposal(_ action: String, _ target: EntityRef, reason: String) -> ActionProposal {
        let available = isRegistered(action, on: target)
        let words = available ? reason : reason + "; no \(action) action is registered for \(target)"
        return ActionProposal(action: action, target: target, isAvailable: available, reason: words)
    }
}
