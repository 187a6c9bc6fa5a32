import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

/// One line of investigation: reads the shared context and proposes hypotheses of its kind.
protocol HypothesisCheck: Sendable {
    var kind: RootCauseKind { get }
    func evaluate(_ context: InvestigationContext) async throws -> [Hypothesis]
}

extension InvestigationContext {
    /// `service:a (2 hops)` style location of an upstream.
    func whereIs(_ ref: EntityRef) -> String {
        guard let distance = upstreams[ref]?.distance else { return ref.description }
        return "\(ref) (\(distance == 1 ? "1 hop" : "\(distance) hops") upstream)"
    }

    /// `2 of 3 alerting services`.
    func coverageWords(_ covered: Set<EntityRef>) -> String {
        "\(covered.count) of \(alertingCount) alerting \(alertingCount == 1 ? "entity" : "entities")"
    }

    /// Minutes between two instants, in words.
    static func gap(_ from: Date, _ to: Date) -> String {
        let seconds = to.timeIntervalSince(from)
        return DurationText.format(abs(seconds)) + (seconds >= 0 ? "" : " before")
    }
}
