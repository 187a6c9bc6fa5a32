import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

/// Failures confined to one tenant, and a change on that tenant just before them: a feature flag turned on for
/// one org (a change whose target is the org) makes that org's payments fail while every other org's stay normal.
///
/// An alerting entity's anomalous `errors` signal with an org or customer breakdown is split like a load: one
/// breakdown value behind `attribution_share` of the increase, whose errors grew out of proportion to the rest's,
/// confines the failures to that tenant. A change on it (or on the customer it belongs to) within the alignment
/// window before the errors rose is the candidate.
struct ConfinedFailures {
    let context: InvestigationContext

    func hypotheses() async -> [Hypothesis] {
        var found: [EntityRef: Hypothesis] = [:]
        for ref in context.facts.alerting {
            for errors in context.faults(of: ref) where errors.signal.type == .errors && errors.signal.breakdown != nil
            {
                guard let onset = errors.onset, let (tenant, words) = await confinement(of: errors, onset: onset)
                else { continue }
                let owners =
                    tenant.kind == "customer" ? [] : context.lake.related(tenant, by: Relation.belongsTo, asOf: nil)
                let from = onset.addingTimeInterval(-context.playbook.alignmentWindow)
                let to = onset.addingTimeInterval(ChangeCheck.sameSample)
                guard
                    let change = context.lake.changes(on: Set([tenant] + owners), from: from, to: to).max(by: {
                        $0.at < $1.at
                    }), found[change.target] == nil
                else { continue }
                let confined = context.facts.alerting.filter { $0 == ref }
                let coverage = Double(confined.count) / Double(context.alertingCount)
                var evidence = [
                    Evidence(
                        "\(change.target) changed: \(change.summary)" + (change.by.map { " by \($0)" } ?? "")
                            + " at \(Timestamp.clockTime(change.at)), "
                            + "\(DurationText.format(max(0, onset.timeIntervalSince(change.at)))) before the failures rose"
                    ),
                    Evidence("\(ref): \(errors.summary)"),
                    Evidence(words),
                ]
                if coverage < 1 { evidence.append(Evidence("explains \(context.coverageWords(Set(confined)))")) }
                let customers = tenant.kind == "customer" ? [tenant] : owners
                found[change.target] = Hypothesis(
                    kind: .configChange, entity: change.target,
                    score: 0.55 + 0.3 * coverage + (onset.timeIntervalSince(change.at) <= 15 * 60 ? 0.1 : 0.05),
                    summary: "\(context.title(change.target)) changed: \(change.summary), and the failures of "
                        + "\(context.title(ref)) are confined to \(tenant)",
                    evidence: evidence, customers: customers)
            }
        }
        return Array(found.values)
    }

    /// The tenant (an org or customer, per the breakdown) behind `attribution_share` or more of the rise of
    /// `errors`, whose errors grew out of proportion to every other tenant's, with words that say so; nil otherwise.
    private func confinement(of errors: SignalAssessment, onset: Date) async -> (EntityRef, String)? {
        guard let label = errors.signal.breakdown,
            let groups = try? await context.metrics.breakdown(
                of: errors.signal, from: onset.addingTimeInterval(-2 * 3600), to: context.facts.now)
        else { return nil }
        let kind = errors.signal.breakdownKind ?? label
        guard ["org", "customer"].contains(kind) else { return nil }
        var levels: [String: (before: Double, after: Double)] = [:]
        for (key, samples) in groups {
            let before = samples.filter { $0.time < onset.addingTimeInterval(-60) }.map(\.value)
            let after = samples.filter { $0.time >= onset && $0.time <= context.facts.now }.suffix(10).map(\.value)
            guard let base = SeriesMath.median(before), let now = SeriesMath.median(after) else { continue }
            levels[key] = (base, now)
        }
        let increases = levels.mapValues { max(0, $0.after - $0.before) }
        let total = increases.values.reduce(0, +)
        guard total > 0, let top = increases.max(by: { $0.value < $1.value }), let level = levels[top.key] else {
            return nil
        }
        let share = top.value / total
        var growth = SourceGrowth(before: level.before, after: level.after, restBefore: 0, restAfter: 0)
        for (key, other) in levels where key != top.key {
            growth.restBefore += other.before
            growth.restAfter += other.after
        }
        guard share >= context.playbook.attributionShare, growth.isOutOfProportion(factor: context.playbook.spikeRatio)
        else { return nil }
        let words =
            "\(label)=\(top.key) is \(Int((share * 100).rounded()))% of the rise in \(errors.signal.name) "
            + "(\(SignalAssessment.format(level.before)) -> \(SignalAssessment.format(level.after))), while the "
            + "rest went \(SignalAssessment.format(growth.restBefore)) -> \(SignalAssessment.format(growth.restAfter)): "
            + "the failures are confined to it"
        return (EntityRef(kind: kind, id: top.key), words)
    }
}
