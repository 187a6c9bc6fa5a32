import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

extension InvestigationContext {
    /// Label keys that name the other end of a call (`peer: geo-vendor`): a signal whose match gives one of them an
    /// entity's id measures the caller's calls to that entity.
    static let peerLabels: Set<String> = [
        "peer", "peer_service", "upstream", "remote", "remote_service", "destination", "destination_service",
        "server", "callee", "dependency", "target",
    ]

    /// Whether `signal` measures calls to `ref`: a peer label of its match names it.
    static func names(_ signal: SignalSpec, peer ref: EntityRef) -> Bool {
        signal.match.contains { peerLabels.contains($0.key) && $0.value == ref.id }
    }

    /// Gives an upstream without signals of its own the client-side signals its direct callers measure about it: a
    /// caller's signal whose `match` names the upstream (`peer: geo-vendor`, the latency of calls to an external API)
    /// is evidence about that upstream, seen from the caller. Such a signal is named "<name> seen by <caller>".
    static func observe(
        _ refs: some Collection<EntityRef>, lake: any LakeReader,
        assessments: inout [EntityRef: [SignalAssessment]], samples: inout [EntityRef: [String: [Sample]]]
    ) {
        for ref in refs.sorted() where (lake.entity(ref, asOf: nil)?.signals ?? []).isEmpty {
            var seen: [SignalAssessment] = []
            var read: [String: [Sample]] = [:]
            for hit in lake.dependents(of: ref, depth: 1, asOf: nil).sorted(by: { $0.ref < $1.ref }) {
                for assessment in assessments[hit.ref] ?? [] where assessment.signal.match.values.contains(ref.id) {
                    var observed = assessment
                    observed.entity = ref
                    observed.signal.name = "\(assessment.signal.name) seen by \(hit.ref)"
                    seen.append(observed)
                    read[observed.signal.name] = samples[hit.ref]?[assessment.signal.name]
                }
            }
            guard !seen.isEmpty else { continue }
            assessments[ref] = seen
            samples[ref] = read
        }
    }
}
