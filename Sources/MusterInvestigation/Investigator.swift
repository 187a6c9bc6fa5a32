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
                settleSpikeTriggered(
                    settleQuietAlerts(
                        settleConsequences(
                            settleSaturation(context.weighed(found), context: context), context: context),
                        context: context),
                    context: context),
                context: context),
            context: context)
        let ranked = rank(settled).map(calibrated)
        let top = ranked.first
        let root = (top?.confidence ?? 0) >= playbook.confidenceBar ? top : nil
        // Below the bar the best candidate still leads what to do, marked tentative, unless it is a long shot.
        let lead = root ?? top.flatMap { $0.confidence >= playbook.tentativeBar ? $0 : nil }
        let teams = engagedTeams(context: context, root: lead)
        let judged = context.judged
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
            }.map { alreadyHelped($0, judged.helped) },
            avoid: judged.avoid, tried: judged.tried, customers: customers.sorted(), services: facts.alerting,
            teams: teams, notified: notified(teams: teams, at: facts.now), problems: problems,
            notes: [Recommender(context: context).endedAndDraining(lead)].compactMap { $0 })
    }

    /// `proposal`, reworded when the same action on the same target already helped: it is under what was tried,
    /// and it is offered to keep or finish, not as a new remedy.
    private func alreadyHelped(_ proposal: ActionProposal, _ helped: [ActionRecord]) -> ActionProposal {
        guard let done = helped.last(where: { $0.name == proposal.action && $0.target == proposal.target }) else {
            return proposal
        }
        var kept = proposal
        kept.reason =
            "already done at \(Timestamp.clockTime(done.at)) and it helped (see already tried): keep it in place, "
            + "not a new remedy; \(proposal.reason)"
        return kept
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

    /// Best raw score first: calibration may give neighbouring scores one probability, never reverse them. Two
    /// checks may reach the same hypothesis (a deploy judged by its own signals, and as the source of a spike):
    /// only the better-supported reading of it is kept. A spike with no customer or org to name, on the load of an
    /// entity that a well-supported deploy or change made or calls directly, is that change read again (as the overload
    /// of a dependency is): only the change is kept.
    private func rank(_ hypotheses: [Hypothesis]) -> [Hypothesis] {
        let order = RootCauseKind.allCases
        var seen: Set<String> = []
        var made: Set<EntityRef> = []
        for change in hypotheses where [.deployment, .configChange].contains(change.kind) && change.score >= 0.6 {
            made.formUnion(lake.dependencies(of: change.entity, depth: 1, asOf: nil).map(\.ref))
            if let loaded = change.loaded { made.insert(loaded.entity) }
        }
        return hypotheses.filter { hypothesis in
            hypothesis.kind != .trafficSpike || ["customer", "org"].contains(hypothesis.entity.kind)
                || !made.contains(hypothesis.loaded?.entity ?? hypothesis.entity)
        }.sorted {
            if $0.score != $1.score { return $0.score > $1.score }
            if $0.kind != $1.kind {
                return order.firstIndex(of: $0.kind)! < order.firstIndex(of: $1.kind)!
            }
            return $0.entity < $1.entity
        }.filter { seen.insert("\($0.kind.rawValue) \($0.entity)").inserted }
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
            let alerting = context.facts.alerting.map(\.description).joined(separator: ", ")
            // Say what moved when something did: a symptom with no cause in sight is not "nothing moved".
            if let moved = context.facts.alerting.lazy.flatMap({ context.faults(of: $0) }).first {
                return "no confident root cause: \(moved.entity): \(moved.summary), but no deploy or change precedes "
                    + "the alerts and no upstream shows trouble; check the alerting services' logs and recent traffic"
            }
            if let moved = callerMoved(context: context) {
                return "no confident root cause: no signal of \(alerting) moved, but \(moved); a caller's own change "
                    + "shows on the caller: check whether it is what the alert reports, and the alerting services' logs"
            }
            return
                "no confident root cause: no signal around \(alerting) "
                + "moved, and no deploy or change precedes the alerts; check the alerting services' logs and recent traffic"
        }
        let percent = Int((best.confidence * 100).rounded())
        return "no confident root cause: the best candidate is \(best.kind.rawValue) \(best.entity) at \(percent)%; "
            + "check next: " + (best.evidence.first { $0.isAgainst }?.text ?? "the signals of \(best.entity)")
    }

    /// What moved on a direct caller of the alerting entities ("around" them too): a deploy or change of it in the
    /// 30 minutes before the triage, with its fault if it shows one; nil when none was deployed or changed.
    private func callerMoved(context: InvestigationContext) -> String? {
        let now = context.facts.now
        let alerting = Set(context.facts.alerting)
        let callers = Set(alerting.flatMap { lake.dependents(of: $0, depth: 1, asOf: now).map(\.ref) })
            .subtracting(alerting)
        guard !callers.isEmpty else { return nil }
        let from = min(context.facts.firstOnset, now).addingTimeInterval(-30 * 60)
        var moves: [(at: Date, target: EntityRef, words: String)] =
            lake.deployments(on: callers, from: from, to: now).map {
                ($0.at, $0.target, "deployed\($0.version.map { " " + $0 } ?? "") at \(Timestamp.clockTime($0.at))")
            }
        moves += lake.changes(on: callers, from: from, to: now).map {
            ($0.at, $0.target, "changed (\($0.summary)) at \(Timestamp.clockTime($0.at))")
        }
        guard let move = moves.max(by: { $0.at < $1.at }) else { return nil }
        var text = "its caller \(move.target) was \(move.words)"
        if let fault = context.faults(of: move.target).first { text += " (\(fault.summary))" }
        return text
    }
}
