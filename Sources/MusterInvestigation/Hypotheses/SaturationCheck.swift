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
            let upstreamFaults = Set(own).subtracting([ref]).filter { !context.faults(of: $0).isEmpty }
            var score = 0.5 + min(0.2, first.strength / 100)
            if upstreamFaults.isEmpty {
                evidence.append(Evidence("no upstream of \(ref) shows trouble"))
                score += 0.1
            } else {
                evidence.append(
                    Evidence(
                        "upstream trouble too: \(upstreamFaults.sorted().map(\.description).joined(separator: ", "))",
                        against: true))
                score -= 0.15
            }
            let covered = context.covered(by: ref)
            let coverage = Double(covered.count) / Double(context.alertingCount)
            if coverage < 1 {
                evidence.append(Evidence("explains \(context.coverageWords(covered))", against: true))
                score -= 0.2 * (1 - coverage)
            } else if covered.count > 1 {
                evidence.append(Evidence("explains \(context.coverageWords(covered))"))
            }
            results.append(
                Hypothesis(
                    kind: .saturation, entity: ref, score: score,
                    summary: "\(context.title(ref)) is saturated (\(first.signal.name))", evidence: evidence))
        }
        return results
    }
}
