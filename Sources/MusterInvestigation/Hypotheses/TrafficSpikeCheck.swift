import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

/// A load increase on an alerting entity, an upstream, or a producer beside the alerting consumers
/// on a shared resource, attributed through breakdown labels to orgs and then to customers.
struct TrafficSpikeCheck: HypothesisCheck {
    let kind = RootCauseKind.trafficSpike

    func evaluate(_ context: InvestigationContext) async throws -> [Hypothesis] {
        var results: [Hypothesis] = []
        let symptoms = context.symptomOnset
        for (ref, assessments) in context.assessments {
            for load in assessments where load.signal.type == .load && load.isAnomalous {
                guard let onset = load.onset, load.ratio >= context.playbook.spikeRatio,
                    onset <= symptoms.addingTimeInterval(120)
                else { continue }
                if let hypothesis = try await judge(load, of: ref, onset: onset, context: context) {
                    results.append(hypothesis)
                }
            }
            for total in assessments where total.signal.type == .load {
                guard !(total.isAnomalous && total.ratio >= context.playbook.spikeRatio),
                    let led = try await sourceLed(total, of: ref, context: context), let onset = led.load.onset,
                    onset <= symptoms.addingTimeInterval(120),
                    var hypothesis = try await judge(led.load, of: ref, onset: onset, context: context),
                    hypothesis.entity != ref
                else { continue }
                hypothesis.evidence.insert(Evidence(led.words), at: 1)
                hypothesis.load = Hypothesis.Load(ratio: led.load.ratio, isGoing: led.load.recoveredAt == nil)
                results.append(hypothesis)
            }
        }
        results += try await spikesInFrontOfProducers(context)
        return results
    }

    /// A service upstream of the alerting entities (a producer they read from) that measures no load of its own:
    /// a spike shows on its callers (a gateway in front of it) instead, and reaches the alerting entities through
    /// the producer and what it writes. (A producer beside them is found only by its load signal, so it has one.)
    private func spikesInFrontOfProducers(_ context: InvestigationContext) async throws -> [Hypothesis] {
        let analyzer = SignalAnalyzer(playbook: context.playbook)
        let facts = context.facts
        var results: [Hypothesis] = []
        let producers = context.upstreams.keys.filter { $0.kind == "service" }
        for producer in producers.sorted(by: { $0.description < $1.description })
        where !(context.assessments[producer] ?? []).contains(where: { $0.signal.type == .load }) {
            for hit in context.lake.dependents(of: producer, depth: 1, asOf: nil)
            where context.assessments[hit.ref] == nil {
                let signals = context.lake.entity(hit.ref, asOf: nil)?.signals ?? []
                for signal in signals where signal.type == .load {
                    guard
                        let load = await analyzer.assess(
                            signal, of: hit.ref, reference: facts.firstOnset, now: facts.now, source: context.metrics),
                        load.isAnomalous, load.peak > load.baseline, load.ratio >= context.playbook.spikeRatio,
                        let onset = load.onset, onset <= context.symptomOnset.addingTimeInterval(120),
                        let hypothesis = try await judge(
                            load, of: hit.ref, onset: onset, via: producer, context: context)
                    else { continue }
                    results.append(hypothesis)
                }
            }
        }
        return results
    }

    /// A total that rose by less than the spike ratio, yet clearly (the deviation rule: `sigmas` and
    /// `relativeChange`), while one of its breakdown sources spiked on its own: a large steady source (a whale
    /// customer) dilutes the total's ratio, not the spike. The total re-read as a change from that onset, with
    /// the words that say so; the attribution must then still name one source behind most of the increase.
    /// A total without a breakdown is split by that of a direct caller in front of it (a gateway), whose source
    /// must have spiked within two minutes of the total's rise.
    private func sourceLed(_ total: SignalAssessment, of ref: EntityRef, context: InvestigationContext) async throws
        -> (load: SignalAssessment, words: String)?
    {
        let facts = context.facts
        var relaxed = SignalAnalyzer(playbook: context.playbook)
        relaxed.loadRatio = 1 + context.playbook.relativeChange
        guard
            var change = await relaxed.assess(
                total.signal, of: ref, reference: facts.firstOnset, now: facts.now, source: context.metrics),
            change.peak > change.baseline
        else { return nil }
        if !change.isAnomalous {
            // A bursty large source can hide a clean step of a small one from the deviation test: the total still
            // counts when it now stands above its baseline by the relative change, and one source of its own
            // breakdown stepped up on its own (dated by that step).
            guard total.signal.breakdown != nil,
                change.current >= change.baseline * (1 + context.playbook.relativeChange),
                let top = try await spikingSource(of: total.signal, of: ref, context: context)
            else { return nil }
            change.onset = top.onset
        }
        guard let onset = change.onset else { return nil }
        var splits: [(entity: EntityRef, signal: SignalSpec)] = []
        if total.signal.breakdown != nil {
            splits = [(ref, total.signal)]
        } else {
            for hit in context.lake.dependents(of: ref, depth: 1, asOf: nil) {
                for signal in context.lake.entity(hit.ref, asOf: nil)?.signals ?? []
                where signal.type == .load && signal.breakdown != nil {
                    splits.append((hit.ref, signal))
                }
            }
        }
        for split in splits {
            guard let top = try await spikingSource(of: split.signal, of: split.entity, context: context),
                split.entity == ref || abs(top.onset.timeIntervalSince(onset)) <= 120
            else { continue }
            let label = split.signal.breakdown ?? "source"
            let whose = split.entity == ref ? "" : "\(split.entity)'s "
            let words =
                "the total rose \(SignalAssessment.format(change.ratio))x, under the \(SignalAssessment.format(context.playbook.spikeRatio))x "
                + "of a spike, but \(whose)\(label)=\(top.key) alone rose \(SignalAssessment.format(top.ratio))x: a steady large source "
                + "dilutes the total"
            return (change, words)
        }
        return nil
    }

    /// The breakdown value of `signal` on `ref` that rose by the spike ratio or more on its own, the most of them.
    private func spikingSource(of signal: SignalSpec, of ref: EntityRef, context: InvestigationContext) async throws
        -> (key: String, ratio: Double, onset: Date)?
    {
        let facts = context.facts
        let analyzer = SignalAnalyzer(playbook: context.playbook)
        let from = facts.firstOnset.addingTimeInterval(-(analyzer.baselineSpan + analyzer.baselineGap))
        let groups = try await context.metrics.breakdown(of: signal, from: from, to: facts.now)
        var spiking: [(key: String, ratio: Double, onset: Date)] = []
        for (key, samples) in groups {
            guard
                let own = analyzer.assess(
                    samples.filter { $0.time <= facts.now }, signal: signal, entity: ref, reference: facts.firstOnset),
                own.isAnomalous, own.peak > own.baseline, own.ratio >= context.playbook.spikeRatio,
                let onset = own.onset
            else { continue }
            spiking.append((key, own.ratio, onset))
        }
        return spiking.max { $0.ratio < $1.ratio }
    }

    /// The hypothesis for a spike of `load` on `ref`; `producer` when `ref` is a caller in front of a producer
    /// beside the consumers, which then carries the spike to them.
    private func judge(
        _ load: SignalAssessment, of ref: EntityRef, onset: Date, via producer: EntityRef? = nil,
        context: InvestigationContext
    ) async throws -> Hypothesis? {
        let anchor = producer ?? ref
        var covered = context.covered(by: anchor)
        var relation = "upstream of or beside"
        // A producer loads what it writes to: the alerting entities below its resources are covered too.
        let written = context.lake.related(anchor, by: Relation.dependsOn, asOf: nil).filter { $0.kind == "resource" }
        for resource in written { covered.formUnion(context.upstreams[resource]?.below ?? []) }
        if let shared = context.siblings[anchor] {
            covered.formUnion(context.upstreams[shared]?.below ?? [])
            relation = "writing to \(shared), which is shared with"
        }
        if let producer { relation = "in front of \(producer), upstream of" }
        let isSelf = context.facts.alerting.contains(ref)
        guard !covered.isEmpty else { return nil }
        let coverage = Double(covered.count) / Double(context.alertingCount)
        var evidence = [
            Evidence("\(ref): \(load.summary)"),
            Evidence(
                "\(ref) is \(isSelf && covered.count == 1 ? "the alerting entity" : "\(relation) \(context.coverageWords(covered))")"
            ),
        ]
        let lead = context.symptomOnset.timeIntervalSince(onset)
        var lateness = 0.0
        // A rate is computed over the step that ends at its sample: it trails its counter's change by a sample.
        if lead >= -60 {
            evidence.append(Evidence("the load rose \(DurationText.format(max(0, lead))) before the first symptom"))
        } else {
            // Symptoms first, load after: failing calls are retried, backlogs replayed. A consequence, as likely as a cause.
            lateness = 0.15
            evidence.append(
                Evidence(
                    "the load rose \(DurationText.format(-lead)) after the first symptom: retries of failing calls "
                        + "raise load too", against: true))
        }
        var entity = ref
        var share = 0.0
        var customers: [EntityRef] = []
        var ownRise: String?
        var found = try await attribute(load, context: context)
        if found == nil, load.signal.breakdown == nil,
            let (caller, spike, attribution) = try await callerAttribution(of: load, onset: onset, context: context)
        {
            var through = attribution
            // The producer's own load has no breakdown; the entity in front of it (a gateway) does.
            through.evidence.insert(Evidence("\(caller), which calls \(ref): \(spike.summary)"), at: 0)
            found = through
        }
        if found == nil, load.signal.breakdown == nil {
            found = alertNamedSource(of: load, onset: onset, context: context)
        }
        if let attribution = found {
            entity = attribution.entity
            share = attribution.share
            customers = attribution.customers
            ownRise = attribution.ownRise
            evidence.append(contentsOf: attribution.evidence)
        } else if load.signal.breakdown == nil {
            evidence.append(
                Evidence("\(load.signal.name) has no breakdown label: the source cannot be named", against: true))
        } else {
            let needed = Int((context.playbook.attributionShare * 100).rounded())
            evidence.append(
                Evidence(
                    "no single \(load.signal.breakdown ?? "source") explains \(needed)% of the increase: growth, not one source",
                    against: true))
        }
        var score = 0.45 + 0.25 * coverage + 0.15 * min(1, log10(max(1, load.ratio))) + 0.1 * share - lateness
        // A change beside it names a source even for the alerting entity's own throughput.
        let namedScore = score
        if isSelf && entity == ref {
            // Nobody to throttle: the alerting entity's own traffic grew, which is capacity (saturation) or a
            // consequence, not a spike from a source.
            score *= 0.7
            evidence.append(
                Evidence("the load is the alerting entity's own throughput, with no source to name", against: true))
        }
        if let recovered = load.recoveredAt, recovered < context.symptomOnset.addingTimeInterval(-60) {
            // The symptoms began after the spike was over: nothing of it was left to cause them.
            score *= 0.3
            evidence.append(
                Evidence(
                    "the load was back to normal at \(Timestamp.clockTime(recovered)), "
                        + "\(DurationText.format(context.symptomOnset.timeIntervalSince(recovered))) before the symptoms began",
                    against: true))
        }
        let faultsHere = context.faults(of: ref)
        if !isSelf, let fault = faultsHere.first {
            if entity == ref {
                evidence.append(Evidence("\(ref) itself is also failing (\(fault.signal.name))", against: true))
                score -= 0.1
            } else {
                // With the load traced to a source, the loaded entity failing is how the overload shows.
                evidence.append(Evidence("\(ref) fails under it (\(fault.signal.name))"))
            }
        }
        let who = entity == ref ? context.title(ref) : "\(context.title(entity)) (\(entity))"
        var spike = Hypothesis(
            kind: .trafficSpike, entity: entity, score: score,
            summary:
                "traffic spike from \(who): "
                + (ownRise.map { "its own traffic \($0); the total \(load.signal.name) " }
                    ?? "\(load.signal.name) ")
                + load.rise + (load.ratio.isFinite ? " its baseline" : ""),
            evidence: evidence, customers: customers)
        spike.loaded = Hypothesis.Loaded(
            entity: ref, onset: onset, ratio: load.ratio, peak: load.peak, isRate: load.signal.isRate,
            baseline: load.baseline, current: load.current, recoveredAt: load.recoveredAt)
        // A client beside the alerting entities on a shared resource (not upstream of them: its load is then what
        // it is sent) whose own load, with no breakdown to split it, rose is itself the source of the load on that
        // resource: a deploy or change of it just before is what made the load.
        let isOwnSource =
            entity == ref && !isSelf && found == nil && load.signal.breakdown == nil && context.siblings[ref] != nil
            && context.upstreams[ref] == nil
        if entity == ref && !isOwnSource {
            // No outside source: a change beside it (on another dependency of its callers) may have made the work.
            let beside = ChangeBeside(context: context)
            // Its own throughput too (an alerting entity whose callers sent no more): the change beside it is the
            // source to name, and the self-throughput mark no longer applies.
            guard found == nil, load.signal.breakdown == nil, load.peak > load.baseline,
                let change = beside.find(load, of: ref, onset: onset)
            else { return spike }
            var named = spike
            named.score = max(spike.score, namedScore)
            return beside.hypothesis(change, explaining: named, loaded: ref)
        }
        var sent = spike
        // Its own load names it as the source: that its load has no breakdown does not speak against the change.
        if isOwnSource { sent.evidence.removeAll { $0.isAgainst } }
        return await ChangedSource(context: context).explaining(sent, onset: onset, own: isOwnSource ? load : nil)
            ?? spike
    }

    /// The attribution of `load` (on an entity without a breakdown) through a direct caller whose load has a
    /// breakdown label: the first caller where one source's traffic grew out of proportion from the spike's
    /// onset. The caller's total need not double: a small tenant sending heavy requests (batches, replays)
    /// barely moves the total in front while multiplying the load behind it.
    private func callerAttribution(of load: SignalAssessment, onset: Date, context: InvestigationContext) async throws
        -> (EntityRef, SignalAssessment, Attribution)?
    {
        let analyzer = SignalAnalyzer(playbook: context.playbook)
        for hit in context.lake.dependents(of: load.entity, depth: 1, asOf: nil) {
            let signals = context.lake.entity(hit.ref, asOf: nil)?.signals ?? []
            for signal in signals where signal.type == .load && signal.breakdown != nil {
                let facts = context.facts
                guard
                    var front = await analyzer.assess(
                        signal, of: hit.ref, reference: facts.firstOnset, now: facts.now, source: context.metrics)
                else { continue }
                if front.onset.map({ abs($0.timeIntervalSince(onset)) > 120 }) ?? true {
                    // Not a spike of its own in front: read its breakdown from the spike behind it.
                    front.onset = onset
                    front.recoveredAt = load.recoveredAt
                }
                let elsewhere = try await risesElsewhere(
                    from: hit.ref, besides: load.entity, like: signal, onset: onset, context: context)
                guard let attribution = try await attribute(front, context: context, discounting: elsewhere),
                    attribution.entity != hit.ref
                else { continue }
                return (hit.ref, front, attribution)
            }
        }
        return nil
    }

    /// The rise of each breakdown key that `caller`'s other downstreams (besides `loaded`) show in a breakdown of
    /// the same kind as `signal`: traffic the caller passed on elsewhere, which did not reach `loaded`.
    private func risesElsewhere(
        from caller: EntityRef, besides loaded: EntityRef, like signal: SignalSpec, onset: Date,
        context: InvestigationContext
    ) async throws -> [String: Double] {
        let kind = signal.breakdownKind ?? signal.breakdown
        var rises: [String: Double] = [:]
        for hit in context.lake.dependencies(of: caller, depth: 1, asOf: nil) where hit.ref != loaded {
            for other in context.lake.entity(hit.ref, asOf: nil)?.signals ?? []
            where other.type == .load && other.breakdown != nil && (other.breakdownKind ?? other.breakdown) == kind {
                let levels = try await levels(of: other, recoveredAt: nil, onset: onset, context: context)
                for (key, level) in levels where level.after > level.before {
                    rises[key, default: 0] += level.after - level.before
                }
            }
        }
        return rises
    }

    /// The source of a load without a breakdown named by the alerts on its entity: when that entity shows no fault
    /// of its own (the load is all that moved there), an alert on it that began after the load rose is about the
    /// traffic, and the one tenant its labels (`org`, `customer`) name is the source (a per-tenant rate rule computed
    /// outside the metrics). Its share of the increase cannot be measured. Nil when the alerts name no tenant, or
    /// more than one, or the entity also fails (a per-tenant SLO page names who felt it, not a source).
    private func alertNamedSource(of load: SignalAssessment, onset: Date, context: InvestigationContext)
        -> Attribution?
    {
        guard context.faults(of: load.entity).isEmpty else { return nil }
        let alerts = context.facts.alerts.filter {
            $0.startedAt >= onset && context.lake.entity(forAlert: $0, asOf: nil) == load.entity
        }
        var named: [(alert: Alert, tenant: EntityRef)] = []
        for alert in alerts {
            for kind in InvestigationContext.tenantKinds {
                guard let id = alert.labels[kind], context.lake.entity(EntityRef(kind: kind, id: id), asOf: nil) != nil
                else { continue }
                named.append((alert, EntityRef(kind: kind, id: id)))
            }
        }
        guard let first = named.first, Set(named.map(\.tenant)).count == 1 else { return nil }
        let tenant = first.tenant
        let customers =
            tenant.kind == "customer" ? [tenant] : context.lake.related(tenant, by: Relation.belongsTo, asOf: nil)
        // An org is named by the customer it belongs to, as a breakdown by org is.
        let source = customers.count == 1 ? customers[0] : tenant
        let whose = source == tenant ? "" : " (of \(source))"
        let evidence = Evidence(
            "\(load.signal.name) has no breakdown, but \(first.alert.name) on \(load.entity), which began after the "
                + "load rose while nothing else moved there, names \(tenant.kind)=\(tenant.id)\(whose): the source")
        return Attribution(entity: source, share: 0, customers: customers, evidence: [evidence])
    }

    private struct Attribution {
        var entity: EntityRef
        var share: Double
        var customers: [EntityRef]
        var evidence: [Evidence]
        /// The source's own traffic before and during the spike, in words ("org-zeta 40 -> 520/s, 13x").
        var ownRise: String? = nil
    }

    /// Splits the increase by the breakdown label and names the org or customer behind most of it, provided
    /// its traffic grew out of proportion to the rest (`SourceGrowth`). `discounting`: the rise of each key that
    /// went elsewhere (``risesElsewhere(from:besides:like:onset:context:)``), taken off before the split.
    private func attribute(
        _ load: SignalAssessment, context: InvestigationContext, discounting elsewhere: [String: Double] = [:]
    ) async throws -> Attribution? {
        guard let label = load.signal.breakdown, let onset = load.onset else { return nil }
        let kind = load.signal.breakdownKind ?? label
        var levels = try await levels(of: load.signal, recoveredAt: load.recoveredAt, onset: onset, context: context)
        for (key, rise) in elsewhere {
            guard let level = levels[key] else { continue }
            levels[key]?.after = max(level.before, level.after - rise)
        }
        let increases = levels.mapValues { max(0, $0.after - $0.before) }
        let total = increases.values.reduce(0, +)
        guard total > 0 else { return nil }
        var byCustomer: [EntityRef: [String]] = [:]
        for (key, increase) in increases where increase > 0 {
            let org = EntityRef(kind: kind, id: key)
            for customer in context.lake.related(org, by: Relation.belongsTo, asOf: nil) {
                byCustomer[customer, default: []].append(key)
            }
        }
        var evidence: [Evidence] = []
        let topKeys = increases.sorted { $0.value > $1.value }.prefix(4)
        let parts = topKeys.map { "\(label)=\($0.key) +\(SignalAssessment.format($0.value))" }
        evidence.append(
            Evidence(
                "increase by \(label): \(parts.joined(separator: ", ")) of +\(SignalAssessment.format(total)) in all"))
        var candidates: [(entity: EntityRef, keys: [String])] = []
        let customerIncrease = { (keys: [String]) in increase(of: keys, in: increases) }
        if let (customer, keys) = byCustomer.max(by: { customerIncrease($0.value) < customerIncrease($1.value) }) {
            candidates.append((customer, keys))
        }
        if let top = topKeys.first { candidates.append((EntityRef(kind: kind, id: top.key), [top.key])) }
        for candidate in candidates {
            let share = increase(of: candidate.keys, in: increases) / total
            guard share >= context.playbook.attributionShare else { continue }
            let growth = growth(of: candidate.keys, in: levels)
            let percent = Int((share * 100).rounded())
            guard growth.isOutOfProportion(factor: context.playbook.spikeRatio) else {
                evidence.append(
                    Evidence(
                        "\(candidate.entity) is \(percent)% of the increase, but its traffic grew "
                            + "\(SignalAssessment.format(growth.growth))x like the rest's \(SignalAssessment.format(growth.restGrowth))x: "
                            + "growth across every \(kind), not one source", against: true))
                return Attribution(entity: load.entity, share: 0, customers: [], evidence: evidence)
            }
            let keys = candidate.entity.kind == kind ? "" : " (\(candidate.keys.sorted().joined(separator: ", ")))"
            evidence.append(Evidence("\(candidate.entity)\(keys) explains \(percent)% of the increase"))
            // A customer is its own customer; an org (or whatever the breakdown names) belongs to one.
            let customers =
                candidate.entity.kind == "customer" || candidate.entity.kind != kind
                ? [candidate.entity] : context.lake.related(candidate.entity, by: Relation.belongsTo, asOf: nil)
            // Its own rise, which the total's ratio (diluted by everybody else's steady traffic) does not tell.
            let unit = load.signal.isRate ? "/s" : ""
            let own =
                "\(candidate.keys.sorted().joined(separator: ", ")) \(SignalAssessment.format(growth.before)) -> "
                + "\(SignalAssessment.format(growth.after))\(unit)"
                + (growth.growth.isFinite ? ", \(SignalAssessment.format(growth.growth))x" : "")
            return Attribution(
                entity: candidate.entity, share: share, customers: customers, evidence: evidence, ownRise: own)
        }
        evidence.append(Evidence("no single \(kind) explains most of the increase", against: true))
        return Attribution(entity: load.entity, share: 0, customers: [], evidence: evidence)
    }

    /// The load of each breakdown key before the onset and during the spike (medians).
    private func levels(of signal: SignalSpec, recoveredAt: Date?, onset: Date, context: InvestigationContext)
        async throws -> [String: (before: Double, after: Double)]
    {
        let from = onset.addingTimeInterval(-2 * 3600)
        let groups = try await context.metrics.breakdown(of: signal, from: from, to: context.facts.now)
        var levels: [String: (before: Double, after: Double)] = [:]
        for (key, samples) in groups {
            let before = samples.filter { $0.time < onset.addingTimeInterval(-60) }.map(\.value)
            // The spike itself: up to its recovery when it is over (a backlog outlives the traffic that made it).
            let end = recoveredAt ?? context.facts.now
            let after = samples.filter { $0.time >= onset && $0.time < end }.suffix(10).map(\.value)
            guard let base = SeriesMath.median(before), let now = SeriesMath.median(after) else { continue }
            levels[key] = (base, now)
        }
        return levels
    }

    private func increase(of keys: [String], in increases: [String: Double]) -> Double {
        keys.reduce(0) { $0 + (increases[$1] ?? 0) }
    }

    /// The growth of `keys` together against that of every other key.
    private func growth(of keys: [String], in levels: [String: (before: Double, after: Double)]) -> SourceGrowth {
        var growth = SourceGrowth(before: 0, after: 0, restBefore: 0, restAfter: 0)
        for (key, level) in levels {
            if keys.contains(key) {
                growth.before += level.before
                growth.after += level.after
            } else {
                growth.restBefore += level.before
                growth.restAfter += level.after
            }
        }
        return growth
    }
}
