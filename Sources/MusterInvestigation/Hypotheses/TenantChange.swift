import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

/// A deploy or change of a tenant of a shared resource (another entity that depends on a failing upstream of the
/// alerting entities, neither alerting nor upstream of them) after which the tenant's own use grew and the shared
/// resource filled with it: a batch job's new version eats a node's memory, and its neighbours on the node are
/// killed. The alerting entities are victims; the tenant's change is the cause.
struct TenantChange {
    let context: InvestigationContext
    let kind: RootCauseKind

    /// A tenant's hypothesis, and the evidence against it when another user of the shared resource grew most of
    /// what filled it (measured in the same metric).
    struct Found {
        var hypothesis: Hypothesis
        var outgrown: Evidence?
    }

    /// One hypothesis per changed tenant whose saturation or load turned bad within the alignment window after
    /// its change, no later than a minute after a saturation fault of the shared resource began. A tenant whose
    /// saturation growth is under half of what the users of the shared resource measure in the same metric grew
    /// (a batch job's 1.2 GiB beside a neighbour's 26 GiB) did not fill it: marked down (``outgrownWeight``).
    func hypotheses(symptoms: Date) async -> [Found] {
        let analyzer = SignalAnalyzer(playbook: context.playbook)
        let facts = context.facts
        var found: [EntityRef: Found] = [:]
        for shared in context.upstreams.keys.sorted() {
            guard let filled = context.faults(of: shared).first(where: { $0.signal.type == .saturation }),
                let filledAt = filled.onset
            else { continue }
            let victims = context.covered(by: shared).subtracting([shared])
            guard !victims.isEmpty else { continue }
            for hit in context.lake.dependents(of: shared, depth: 1, asOf: nil).sorted(by: { $0.ref < $1.ref }) {
                let tenant = hit.ref
                // A tenant with a load signal (a sibling, judged as a producer too) is a tenant all the same.
                guard !facts.alerting.contains(tenant), context.upstreams[tenant] == nil, found[tenant] == nil,
                    let change = latestChange(of: tenant, before: filledAt)
                else { continue }
                var grown: SignalAssessment?
                for signal in context.lake.entity(tenant, asOf: nil)?.signals ?? []
                where [.saturation, .load].contains(signal.type) {
                    guard
                        let own = await analyzer.assess(
                            signal, of: tenant, reference: facts.firstOnset, now: facts.now, source: context.metrics),
                        let onset = own.onset, own.peak > own.baseline,
                        onset >= change.at.addingTimeInterval(-90),
                        onset <= change.at.addingTimeInterval(context.playbook.alignmentWindow),
                        onset <= filledAt.addingTimeInterval(60)
                    else { continue }
                    grown = own
                    break
                }
                guard let grown, let grewAt = grown.onset else { continue }
                let coverage = Double(victims.count) / Double(context.alertingCount)
                let lead = symptoms.timeIntervalSince(change.at)
                let names = victims.sorted().map(\.description).joined(separator: ", ")
                var evidence = [
                    Evidence(
                        "\(tenant) \(change.words) at \(Timestamp.clockTime(change.at)), "
                            + "\(DurationText.format(max(0, lead))) before the first symptom"),
                    Evidence(
                        "\(tenant): \(grown.summary), \(DurationText.format(max(0, grewAt.timeIntervalSince(change.at)))) "
                            + "after it"),
                    Evidence(
                        "\(shared), which \(names) \(victims.count == 1 ? "depends" : "depend") on too, filled with it: "
                            + "\(filled.summary): \(tenant) takes what its neighbours need"),
                ]
                if coverage < 1 {
                    evidence.append(Evidence("explains \(context.coverageWords(victims))", against: coverage < 0.5))
                } else {
                    evidence.append(Evidence("every alerting entity depends on \(shared)"))
                }
                var outgrown: Evidence?
                if grown.signal.type == .saturation,
                    let share = await context.growthShare(of: grown, by: tenant, in: shared),
                    share.share < InvestigationContext.fillerShare
                {
                    outgrown = Evidence(
                        "but \(share.words): \(tenant)'s growth is \(Int((share.share * 100).rounded()))% of it, "
                            + "not what filled \(shared)", against: true)
                }
                var hypothesis = Hypothesis(
                    kind: kind, entity: tenant,
                    score: 0.55 + 0.3 * min(1, coverage) + (lead <= 15 * 60 ? 0.1 : 0.05),
                    summary: "\(context.title(tenant)) \(change.words), and its use of \(context.title(shared)) "
                        + "grew until its neighbours failed",
                    evidence: evidence)
                if let outgrown {
                    hypothesis.score *= Self.outgrownWeight
                    hypothesis.evidence.append(outgrown)
                }
                found[tenant] = Found(hypothesis: hypothesis, outgrown: outgrown)
            }
        }
        return Array(found.values)
    }

    /// What a tenant that grew little of what filled the shared resource keeps of its score.
    static let outgrownWeight = 0.3

    /// The latest deploy or change of this check's kind on `tenant` within the alignment window before `onset`
    /// (up to a sample after it), with words.
    private func latestChange(of tenant: EntityRef, before onset: Date) -> (at: Date, words: String)? {
        let from = onset.addingTimeInterval(-context.playbook.alignmentWindow)
        let to = onset.addingTimeInterval(ChangeCheck.sameSample)
        if kind == .deployment {
            return context.lake.deployments(on: [tenant], from: from, to: to).max { $0.at < $1.at }.map {
                ($0.at, "deployed \($0.version ?? "a new version")" + ($0.by.map { " by \($0)" } ?? ""))
            }
        }
        return context.lake.changes(on: [tenant], from: from, to: to).max { $0.at < $1.at }.map {
            ($0.at, "changed: \($0.summary)" + ($0.by.map { " by \($0)" } ?? ""))
        }
    }
}
