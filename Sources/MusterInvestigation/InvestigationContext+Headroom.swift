import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

extension InvestigationContext {
    /// What an upstream whose only faults are mild saturation does to its users.
    enum Headroom: Equatable {
        /// What its users feel is normal: busier, not failing (the words say why).
        case busier(String)
        /// A caller's own measure of its calls to it (`peer: redis-sessions`) turned bad: its users feel it.
        case felt(String)
    }

    /// Whether an upstream whose only faults are mild saturation is busier or felt by its users; nil when a fault is
    /// not mild, or nothing its users feel is measured.
    ///
    /// A saturation signal is anomalous by its relative deviation alone (CPU 12% -> 18% is 1.5x), yet a resource
    /// far from exhaustion (every fault mild: under `mildRatio` times its baseline and under `exhausted_level`)
    /// fails nobody while what its users feel is normal: its own latency, errors and health, or the signals of
    /// another caller of it that does not alert (one that turned bad right after a change of its own has that
    /// explanation, and is left out). At least one of those must be measured and every one measured normal. A
    /// caller's signal about its calls to it (a peer label names it) that turned bad says otherwise, whether that
    /// caller alerts or not: a server-side latency that counts execution only misses the queue in front
    /// of a pegged single thread (25% of a 4-core host), which its clients time. The words name the mild faults and
    /// the normal signals and callers, or the caller's signal that turned bad.
    func headroom(of ref: EntityRef, faults: [SignalAssessment]) async -> Headroom? {
        guard !faults.isEmpty, faults.allSatisfy({ $0.signal.type == .saturation && isMild($0) }) else { return nil }
        let felt: Set<SignalType> = [.latency, .errors, .health, .lag]
        if let words = peerSymptom(of: ref, types: felt) { return .felt(words) }
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
            if read.contains(where: \.isAnomalous) {
                // A caller that turned bad right after a deploy or change of its own has that explanation.
                if changedJustBefore(hit.ref, read.filter(\.isAnomalous)) { continue }
                return nil
            }
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
        return .busier(
            "\(ref)'s \(mild.joined(separator: ", ")) is mild and far from exhausted "
                + "(\(SignalAssessment.format(playbook.exhaustedLevel))), with \(normal.joined(separator: " and ")): "
                + "busier, not failing")
    }

    /// Whether `ref` was deployed or changed in the 5 minutes before the first of `faults` began (or in that minute).
    private func changedJustBefore(_ ref: EntityRef, _ faults: [SignalAssessment]) -> Bool {
        guard let onset = faults.compactMap(\.onset).min() else { return false }
        let (from, to) = (onset.addingTimeInterval(-5 * 60), onset.addingTimeInterval(60))
        return !lake.deployments(on: [ref], from: from, to: to).isEmpty
            || !lake.changes(on: [ref], from: from, to: to).isEmpty
    }

    /// "service:a's redis-call-latency (calls to it) 0.002 -> 0.85 since 09:01: its users feel it" when a direct
    /// caller's signal of one of `types` that names `ref` by a peer label turned bad; nil otherwise.
    private func peerSymptom(of ref: EntityRef, types: Set<SignalType>) -> String? {
        for hit in lake.dependents(of: ref, depth: 1, asOf: nil).sorted(by: { $0.ref < $1.ref }) {
            for seen in assessments[hit.ref] ?? []
            where types.contains(seen.signal.type) && seen.isAnomalous && Self.names(seen.signal, peer: ref) {
                return "\(hit.ref)'s \(seen.summary), its own timing of calls to \(ref): the users of \(ref) feel it "
                    + "(a mild saturation is no headroom when they do)"
            }
        }
        return nil
    }
}
