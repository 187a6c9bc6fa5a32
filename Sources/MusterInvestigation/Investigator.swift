import Foundation
public import MusterLake
import MusterModel
public import MusterTelemetry

/// Ranks root-cause hypotheses for an incident from the lake and the metrics, and writes the verdict.
///
/// Every hypothesis runs as a child of one task group with a time budget: one that fails or runs out
/// of time is reported in `Verdict.problems`, never fatal. Reads never look past `IncidentFacts.now`.
public struct Investigator: Sendable {
    public let lake: any LakeReader
    public let metrics: any MetricSource
    public var playbook: Playbook
    public var analyzer: SignalAnalyzer
    /// Wall-clock budget of each hypothesis.
    public var budget: Duration

    public init(
        lake: any LakeReader, metrics: any MetricSource, playbook: Playbook = .standard,
        analyzer: SignalAnalyzer? = nil, budget: Duration = .seconds(10)
    ) {
        self.lake = lake
        self.metrics = metrics
        self.playbook = playbook
        self.analyzer = analyzer ?? SignalAnalyzer(playbook: playbook)
        self.budget = budget
    }

    private var checks: [any HypothesisCheck] {
        [
            TrafficSpikeCheck(), ChangeCheck(kind: .deployment), ChangeCheck(kind: .configChange), DependencyCheck(),
            SaturationCheck(),
        ]
    }

    /// Investigates an incident as it stands at `facts.now`.
    public func investigate(_ facts: IncidentFacts) async -> Verdict {
        let context = await InvestigationContext.build(
            facts: facts, lake: lake, metrics: metrics, playbook: playbook, analyzer: analyzer)
        let (found, problems) = await runChecks(context)
        let settled = settleUndone(
            settleOverload(
                settleQuietAlerts(
                    settleConsequences(settleSaturation(context.weighed(found), context: context), context: context),
                    context: context),
                context: context),
            context: context)
        let ranked = rank(settled).map(calibrated)
        let top = ranked.first
        let root = (top?.confidence ?? 0) >= playbook.confidenceBar ? top : nil
        // Below the bar the best candidate still leads what to do, marked tentative, unless it is a long shot.
        let lead = root ?? top.flatMap { $0.confidence >= playbook.tentativeBar ? $0 : nil }
        let teams = engagedTeams(context: context, root: lead)
        let judged = ActionJudge(context: context).judge()
        var customers = Set(lead?.customers ?? [])
        let tenants = facts.alerts.flatMap { tenantRefs(of: $0) }
        customers.formUnion(tenants.filter { $0.kind == "customer" })
        customers.formUnion(lake.customers(ofOrgs: tenants.filter { $0.kind == "org" }, asOf: nil))
        return Verdict(
            at: facts.now, hypotheses: ranked, rootCause: root,
            abstention: root == nil ? abstention(best: top, context: context) : nil,
            // Never recommend what was just tried on the same target without effect.
            // (An action that failed to run proves nothing about doing it again.)
            actions: Recommender(context: context).recommend(for: lead, teams: teams, isTentative: root == nil).filter {
                proposal in
                !judged.avoid.contains { $0.action == proposal.action && $0.target == proposal.target }
                    || judged.failed.contains { $0.name == proposal.action && $0.target == proposal.target }
            },
            avoid: judged.avoid, tried: judged.tried, customers: customers.sorted(), services: facts.alerting,
            teams: teams, notified: notified(teams: teams, at: facts.now), problems: problems)
    }

    private func runChecks(_ context: InvestigationContext) async -> ([Hypothesis], [String]) {
        let budget = self.budget
        return await withTaskGroup(of: (RootCauseKind, Result<[Hypothesis], any Error>?).self) { group in
            for check in checks where context.runsCheck(of: check.kind) {
                let scoped = context.reading(for: check.kind)
                group.addTask {
                    await Self.withBudget(budget) { try await check.evaluate(scoped) }.map { (check.kind, $0) }
                        ?? (check.kind, nil)
                }
            }
            var hypotheses: [Hypothesis] = []
            var problems: [String] = []
            for await (kind, result) in group {
                switch result {
                case .success(let found): hypotheses += found
                case .failure(let error): problems.append("\(kind.rawValue) check failed: \(error)")
                case nil: problems.append("\(kind.rawValue) check ran out of its \(budget) budget")
                }
            }
            return (hypotheses, problems.sorted())
        }
    }

    /// Runs `work` against a wall-clock budget; nil when the budget ran out first.
    static func withBudget<T: Sendable>(_ budget: Duration, _ work: @escaping @Sendable () async throws -> T) async
        -> Result<T, any Error>?
    {
        await withTaskGroup(of: Result<T, any Error>?.self) { group in
            group.addTask {
                do { return .success(try await work()) } catch { return .failure(error) }
            }
            group.addTask {
                try? await Task.sleep(for: budget)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Saturation needs "no outside cause": a stronger explanation of another kind (a deploy or change of the
    /// entity itself counts) marks it down. Conversely a "failing dependency" that is itself saturated is better told as that
    /// saturation: its own exhausted resource is why it fails.
    private func settleSaturation(_ hypotheses: [Hypothesis], context: InvestigationContext) -> [Hypothesis] {
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
            let outside = hypotheses.filter {
                $0.kind != .saturation
                    && !($0.entity == hypothesis.entity && [.dependency, .infrastructure].contains($0.kind))
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

    /// A failing upstream that turned bad shortly after a well-supported deploy or change on a neighbour (an
    /// entity serving the same alerting callers, or one it depends on) may be that change's consequence: a
    /// cache whose config change sends every miss to the database makes the database slow too. Such a
    /// dependency or infrastructure hypothesis is marked down, with the timing as evidence against.
    private func settleConsequences(_ hypotheses: [Hypothesis], context: InvestigationContext) -> [Hypothesis] {
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
                guard neighbours, let at = changeInstant(of: change, before: onset, within: window, context: context)
                else { continue }
                // The changed entity turning bad after this upstream makes the upstream first, unless the upstream's
                // trouble began in the very minute of the change and reaches nobody the change does not.
                let withChange =
                    abs(onset.timeIntervalSince(at)) <= ChangeCheck.sameSample
                    && callers.isSubset(of: context.covered(by: change.entity))
                if let own = context.faultOnset(of: change.entity), own > onset, !withChange { continue }
                var marked = hypothesis
                marked.score *= 0.85
                let what = change.kind == .deployment ? "deploy of" : "change on"
                marked.evidence.append(
                    Evidence(
                        "\(hypothesis.entity) turned bad \(DurationText.format(max(0, onset.timeIntervalSince(at)))) after the "
                            + "\(what) \(change.entity), which serves the same callers: it may be a consequence",
                        against: true))
                return marked
            }
            return hypothesis
        }
    }

    /// The orgs and customers an alert's labels name: `org` always (as the spec says); `customer`, `tenant`,
    /// `account`, and the breakdown labels its entity's signals declare as holding org or customer ids, when
    /// the value is an org or customer the lake knows.
    private func tenantRefs(of alert: Alert) -> [EntityRef] {
        var refs = alert.labels["org"].map { [EntityRef(kind: "org", id: $0)] } ?? []
        var names = ["customer", "tenant", "account"]
        if let entity = lake.entity(forAlert: alert, asOf: nil) {
            for signal in lake.entity(entity, asOf: nil)?.signals ?? [] {
                if let label = signal.breakdown, ["org", "customer"].contains(signal.breakdownKind ?? "") {
                    names.append(label)
                }
            }
        }
        for name in names where name != "org" {
            guard let value = alert.labels[name] else { continue }
            for kind in ["org", "customer"] {
                let ref = EntityRef(kind: kind, id: value)
                if lake.entity(ref, asOf: nil) != nil { refs.append(ref) }
            }
        }
        return refs
    }

    /// When every alerting entity has signals and none of them moved (a certificate warning, a flapping check),
    /// there is no symptom for an upstream to have caused: causes found elsewhere are marked down, so such an
    /// alert is not handed a neighbour's incident as its root cause.
    private func settleQuietAlerts(_ hypotheses: [Hypothesis], context: InvestigationContext) -> [Hypothesis] {
        let alerting = context.facts.alerting
        guard !alerting.isEmpty,
            alerting.allSatisfy({ !(context.assessments[$0] ?? []).isEmpty && context.faults(of: $0).isEmpty })
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
    private func settleUndone(_ hypotheses: [Hypothesis], context: InvestigationContext) -> [Hypothesis] {
        let undone = ActionJudge(context: context).judge().helped.filter { ChangeCheck.undoing.contains($0.name) }
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
    /// than broken: the spike, or the change that made it, is the cause, and it is marked down.
    private func settleOverload(_ hypotheses: [Hypothesis], context: InvestigationContext) -> [Hypothesis] {
        let spike = hypotheses.filter({ $0.kind == .trafficSpike && ["customer", "org"].contains($0.entity.kind) })
            .max(by: { $0.score < $1.score })
        // A well-supported change of a caller of it: the load from that caller (ChangedSource).
        let changedCallers = hypotheses.filter { [.deployment, .configChange].contains($0.kind) && $0.score >= 0.6 }
        guard spike != nil || !changedCallers.isEmpty else { return hypotheses }
        return hypotheses.map { hypothesis in
            guard [.dependency, .saturation].contains(hypothesis.kind),
                let failed = context.faultOnset(of: hypothesis.entity),
                let load = (context.assessments[hypothesis.entity] ?? []).first(where: {
                    $0.signal.type == .load && $0.isAnomalous && $0.ratio >= context.playbook.spikeRatio
                        && ($0.onset ?? .distantFuture) <= failed.addingTimeInterval(120)
                        && ($0.recoveredAt.map { $0 > failed } ?? true)
                }),
                let source = changedCallers.first(where: { change in
                    lake.dependencies(of: change.entity, depth: 1, asOf: nil).contains { $0.ref == hypothesis.entity }
                })?.entity ?? spike?.entity
            else { return hypothesis }
            var marked = hypothesis
            marked.score *= 0.7
            marked.evidence.append(
                Evidence(
                    "\(hypothesis.entity)'s own \(load.signal.name) rose \(SignalAssessment.format(load.ratio))x as it began to "
                        + "fail: overloaded by the spike from \(source), not broken",
                    against: true))
            return marked
        }
    }

    /// The latest deploy or change of `change`'s kind on its entity within `window` before `onset`.
    private func changeInstant(
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

    /// Best raw score first: calibration may give neighbouring scores one probability, never reverse them.
    private func rank(_ hypotheses: [Hypothesis]) -> [Hypothesis] {
        let order = RootCauseKind.allCases
        return hypotheses.sorted {
            if $0.score != $1.score { return $0.score > $1.score }
            if $0.kind != $1.kind {
                return order.firstIndex(of: $0.kind)! < order.firstIndex(of: $1.kind)!
            }
            return $0.entity < $1.entity
        }
    }

    /// `hypothesis` with its confidence read off the playbook's calibration map.
    private func calibrated(_ hypothesis: Hypothesis) -> Hypothesis {
        var calibrated = hypothesis
        calibrated.confidence = playbook.calibration.probability(ofScore: hypothesis.score)
        return calibrated
    }

    /// Owners of the alerting entities, plus the owners of the root cause.
    private func engagedTeams(context: InvestigationContext, root: Hypothesis?) -> [EntityRef] {
        var teams: [EntityRef] = []
        for entity in context.facts.alerting {
            for team in lake.owners(of: entity, asOf: context.facts.now) where !teams.contains(team) {
                teams.append(team)
            }
        }
        if let root, ["service", "resource"].contains(root.entity.kind) {
            for team in lake.owners(of: root.entity, asOf: context.facts.now) where !teams.contains(team) {
                teams.append(team)
            }
        }
        // Alerts that map to no entity still reach somebody: a `team` label that names a known team.
        if teams.isEmpty {
            for value in context.facts.alerts.compactMap({ $0.labels["team"] }) {
                let team = EntityRef(kind: "team", id: value)
                if !teams.contains(team), lake.entity(team, asOf: context.facts.now) != nil { teams.append(team) }
            }
        }
        return teams
    }

    private func notified(teams: [EntityRef], at instant: Date) -> [EntityRef] {
        var users: [EntityRef] = []
        for team in teams {
            for user in lake.onCall(team: team, at: instant) where !users.contains(user) { users.append(user) }
        }
        return users
    }

    private func abstention(best: Hypothesis?, context: InvestigationContext) -> String {
        guard let best else {
            if context.facts.alerting.isEmpty {
                return
                    "no confident root cause: the alert maps to no catalog entity; add alert_labels or a pagerduty_service_id to the entity it belongs to"
            }
            return
                "no confident root cause: no signal around \(context.facts.alerting.map(\.description).joined(separator: ", ")) "
                + "moved, and no deploy or change precedes the alerts; check the alerting services' logs and recent traffic"
        }
        let percent = Int((best.confidence * 100).rounded())
        return "no confident root cause: the best candidate is \(best.kind.rawValue) \(best.entity) at \(percent)%; "
            + "check next: " + (best.evidence.first { $0.isAgainst }?.text ?? "the signals of \(best.entity)")
    }
}
