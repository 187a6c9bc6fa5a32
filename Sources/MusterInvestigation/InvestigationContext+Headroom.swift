import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

extension InvestigationContext {
    /// Why an upstream whose only faults are mild saturation is busier, not failing, or nil when it may be failing.
    ///
    /// A saturation signal is anomalous by its relative deviation alone (CPU 12% -> 18% is 1.5x), yet a resource
    /// far from exhaustion (every fault mild: under `mildRatio` times its baseline and under `exhausted_level`)
    /// fails nobody while what its users feel is normal: its own latency, errors and health, or the signals of
    /// another caller of it that does not alert. At least one of those must be measured and every one measured
    /// normal. The words name the mild faults and the normal signals and callers.
    func headroom(of ref: EntityRef, faults: [SignalAssessment]) async -> String? {
        guard !faults.isEmpty, faults.allSatisfy({ $0.signal.type == .saturation && isMild($0) }) else { return nil }
        let felt: Set<SignalType> = [.latency, .errors, .health, .lag]
        let own = (assessments[ref] ?? []).filter { felt.contains($0.signal.type) }
        guard !own.contains(where: \.isAnomalous) else { return nil }
        var peers: [EntityRef] = []
        let analyzer = SignalAnalyzer(playbook: playbook)
        for hit in lake.dependents(of: ref, depth: 1, asOf: nil).sorted(by: { $0.ref < $1.ref })
        where !facts.alerting.contains(hit.ref) {
            var read = (assessments[hit.ref] ?? []).filter { felt.contains($0.signal.type) }
            if assessments[hit.ref] == nil {
                for signal in lake.entity(hit.ref, asOf: nil)?.signals ?? [] where felt.contains(signal.type) {
                    if let assessed = await analyzer.assess(
                        signal, of: hit.ref, reference: facts.firstOnset, now: facts.now, source: metrics)
                    {
                        read.append(assessed)
                    }
                }
            }
            guard !read.isEmpty else { continue }
            if read.contains(where: \.isAnomalous) { return nil }
            peers.append(hit.ref)
        }
        guard !own.isEmpty || !peers.isEmpty else { return nil }
        let mild = faults.map {
            "\($0.signal.name) \(SignalAssessment.format($0.baseline)) -> \(SignalAssessment.format($0.peak))"
        }
        var normal: [String] = []
        if !own.isEmpty { normal.append("its \(own.map(\.signal.name).joined(separator: ", ")) normal") }
        if !peers.isEmpty {
            normal.append(
                "\(peers.map(\.description).joined(separator: ", ")), which \(peers.count == 1 ? "calls" : "call") it "
                    + "too, normal")
        }
        return "\(ref)'s \(mild.joined(separator: ", ")) is mild and far from exhausted "
            + "(\(SignalAssessment.format(playbook.exhaustedLevel))), with \(normal.joined(separator: " and ")): "
            + "busier, not failing"
    }
}
