import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

/// An alerting entity's own resource is exhausted (CPU, memory, connections, disk).
///
/// "With no outside cause" is settled by the investigator after every check has run: a saturation
/// that a stronger traffic, deploy or dependency hypothesis explains is marked down there.
struct SaturationCheck: HypothesisCheck {
    let kind = RootCauseKind.saturation

    func evaluate(_ context: InvestigationContext) async throws -> [Hypothesis] {
        var results: [Hypothesis] = []
        // The contract's saturation is an exhausted resource of the alerting *service*; a database or other
        // resource that is exhausted is, to the services calling it, a failing dependency.
        for ref in context.facts.alerting where ref.kind == "service" {
            let saturated = context.faults(of: ref).filter { $0.signal.type == .saturation }
            guard let first = saturated.first else { continue }
            var evidence = saturated.prefix(3).map { Evidence("\(ref): \($0.summary)") }
            // Its own upstreams: an alerting service that others call is their upstream, not its own.
            let own = context.lake.dependencies(of: ref, depth: context.playbook.upstreamDepth, asOf: nil).map(\.ref)
            // A shared resource it uses directly that its own growth filled (its neighbours there fail) is its
            // doing: no upstream trouble of its own, and what fails below that resource is explained.
            var filled: EntityRef?
            for hit in context.lake.dependencies(of: ref, depth: 1, asOf: nil).sorted(by: { $0.ref < $1.ref }) {
                guard let filler = await context.filler(of: hit.ref), filler.entity == ref else { continue }
                filled = hit.ref
                evidence.append(Evidence(filler.words))
                break
            }
            // An upstream without signals seen only through its own timing of calls to it, which turned bad no
            // earlier than its saturation, is no outside trouble: its own pauses slow what it times.
            let saturatedAt = first.onset ?? .distantFuture
            let ownView = { (upstream: EntityRef) -> Bool in
                let seen = context.faults(of: upstream)
                return !seen.isEmpty && (context.lake.entity(upstream, asOf: nil)?.signals ?? []).isEmpty
                    && seen.allSatisfy { view in
                        guard let seenAt = view.onset else { return false }
                        return context.observer(of: view) == ref && saturatedAt <= seenAt.addingTimeInterval(60)
                    }
            }
            // An upstream whose calls it times itself and finds normal does not reach it, whatever else it shows.
            let calm = Set(own).filter { !context.faults(of: $0).isEmpty }.compactMap {
                context.calmView(of: $0, by: ref)
            }
            evidence += calm.sorted().map { Evidence($0 + ": its upstream's trouble does not reach it") }
            let troubled = Set(own).subtracting([ref] + (filled.map { [$0] } ?? [])).filter {
                !context.faults(of: $0).isEmpty && !ownView($0) && context.calmView(of: $0, by: ref) == nil
            }
            // Trouble that began long before its saturation and did not worsen since did not make it.
            let longBefore = troubled.filter {
                DependencyCheck.unexplainedDelay(
                    of: $0, faults: context.faults(of: $0), below: saturatedAt, context: context) != nil
            }
            let upstreamFaults = troubled.subtracting(longBefore)
            for upstream in longBefore.sorted() {
                evidence.append(
                    Evidence(
                        "\(upstream) turned bad long before its saturation and did not worsen since: not its cause"))
            }
            let seenOnly = Set(own).filter(ownView).sorted()
            if !seenOnly.isEmpty {
                evidence.append(
                    Evidence(
                        "\(seenOnly.map(\.description).joined(separator: ", ")) looks slow only through \(ref)'s own timing "
                            + "of calls to it, which turned bad no earlier than its saturation: no outside trouble"))
            }
            var score = 0.5 + min(0.2, first.strength / 100)
            if upstreamFaults.isEmpty {
                evidence.append(
                    Evidence(
                        calm.isEmpty ? "no upstream of \(ref) shows trouble" : "no upstream trouble reaches \(ref)"))
                score += 0.1
            } else {
                evidence.append(
                    Evidence(
                        "upstream trouble too: \(upstreamFaults.sorted().map(\.description).joined(separator: ", "))",
                        against: true))
                score -= 0.15
            }
            let covered = context.covered(by: ref).union(filled.map { context.covered(by: $0) } ?? [])
            let coverage = Double(covered.count) / Double(context.alertingCount)
            if coverage < 1 {
                evidence.append(Evidence("explains \(context.coverageWords(covered))", against: true))
                score -= 0.2 * (1 - coverage)
            } else if covered.count > 1 {
                evidence.append(Evidence("explains \(context.coverageWords(covered))"))
            }
            if let full = context.exhaustedSaturation(of: ref),
                let silent = context.silentUpstreamsShared(by: ref).first
            {
                evidence.append(
                    Evidence(
                        "\(ref)'s \(full.signal.name) is exhausted (\(SignalAssessment.format(full.current))): a cause "
                            + "of its own in plain sight, so \(silent), which has no signals, is not where its failure "
                            + "meets another's"))
            }
            if let waiting = Self.waiting(ref, saturated: first, context: context) {
                score *= 0.6
                evidence.append(Evidence(waiting, against: true))
            }
            let judged = context.judged
            if let futile = judged.avoid.first(where: { advice in
                advice.action == "scale-out" && advice.target == ref
                    && !judged.failed.contains { $0.name == advice.action && $0.at == advice.at }
            }) {
                // More capacity is saturation's remedy: one that ran and did not help speaks against a shortage.
                score *= 0.5
                evidence.append(Evidence("but " + futile.reason, against: true))
            }
            results.append(
                Hypothesis(
                    kind: .saturation, entity: ref, score: score,
                    summary: "\(context.title(ref)) is saturated (\(first.signal.name))", evidence: evidence))
        }
        return results
    }

    /// Words saying why `ref`'s full `saturated` pool is waiting rather than short of capacity, or nil: another
    /// saturation signal of it (CPU) fell clearly (by `relative_change` of its baseline or more) while its load is
    /// measured and did not rise. Threads that fill while the CPU idles at the same traffic are blocked on
    /// something they call, and more of them would only wait too.
    static func waiting(_ ref: EntityRef, saturated: SignalAssessment, context: InvestigationContext) -> String? {
        let own = context.assessments[ref] ?? []
        let loads = own.filter { $0.signal.type == .load }
        guard !loads.isEmpty, !loads.contains(where: { $0.isAnomalous && $0.peak > $0.baseline }),
            let idle = own.first(where: { other in
                other.signal.type == .saturation && other.signal.name != saturated.signal.name && other.baseline > 0
                    && other.current <= (1 - context.playbook.relativeChange) * other.baseline
            })
        else { return nil }
        return "its \(idle.signal.name) fell \(SignalAssessment.format(idle.baseline)) -> "
            + "\(SignalAssessment.format(idle.current)) while its \(saturated.signal.name) filled and its "
            + "\(loads[0].signal.name) stayed flat: waiting on something it calls, not short of capacity"
    }
}
