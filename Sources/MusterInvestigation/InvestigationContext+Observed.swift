import Foundation
import MusterLake
public import MusterModel
import MusterTelemetry

extension InvestigationContext {
    /// Label keys that name the other end of a call (`peer: geo-vendor`): a signal whose match gives one of them an
    /// entity's id measures the caller's calls to that entity.
    static let peerLabels: Set<String> = [
        "peer", "peer_service", "upstream", "remote", "remote_service", "destination", "destination_service",
        "server", "callee", "dependency", "target",
    ]

    /// Whether `signal` measures calls to `ref`: a peer label of its match names it.
    public static func names(_ signal: SignalSpec, peer ref: EntityRef) -> Bool {
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
                for assessment in assessments[hit.ref] ?? [] where names(assessment.signal, peer: ref) {
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

    /// "service:render-svc's own timing of its calls to service:font-svc (font-call-errors, font-call-latency) stayed
    /// normal" when `caller` measures its calls to `upstream` (signals a peer label names it in, not its load) and none
    /// of them turned bad: whatever `upstream`'s own signals show (an endpoint only other clients use), its trouble
    /// does not reach `caller`. Nil when `caller` measures no such call, or one of them turned bad.
    func calmView(of upstream: EntityRef, by caller: EntityRef) -> String? {
        let views = (assessments[caller] ?? []).filter {
            $0.signal.type != .load && Self.names($0.signal, peer: upstream)
        }
        guard !views.isEmpty, !views.contains(where: \.isAnomalous) else { return nil }
        return "\(caller)'s own timing of its calls to \(upstream) "
            + "(\(views.map(\.signal.name).joined(separator: ", "))) stayed normal"
    }

    /// The caller whose own assessment `seen` (a signal of an upstream seen through a caller) is.
    func observer(of seen: SignalAssessment) -> EntityRef? {
        lake.dependents(of: seen.entity, depth: 1, asOf: nil).map(\.ref).sorted().first { caller in
            (assessments[caller] ?? []).contains {
                $0.signal.metric == seen.signal.metric && $0.signal.match == seen.signal.match
            }
        }
    }

    /// Why the views of an upstream without signals (its callers' signals about it) that turned bad are doubtful, or
    /// nil: another caller's view of the same kind stayed normal (the vendor answers it as fast as ever), or the caller
    /// behind every bad view had its own saturation turn bad no later than a sample after its view did (a JVM's GC
    /// pauses inflate every timing it takes, its calls to the vendor too). Each reason is one line of evidence.
    func doubtfulViews(of ref: EntityRef, faults: [SignalAssessment]) -> [String] {
        guard (lake.entity(ref, asOf: nil)?.signals ?? []).isEmpty, !faults.isEmpty else { return [] }
        var words: [String] = []
        let bad = Set(faults.compactMap { observer(of: $0) })
        let calm = (assessments[ref] ?? []).filter { view in
            !view.isAnomalous && faults.contains { $0.signal.type == view.signal.type }
                && observer(of: view).map { !bad.contains($0) } ?? false
        }
        if let other = calm.first {
            words.append("but \(other.summary): another caller's view of \(ref) disagrees")
        }
        var own: [String] = []
        for fault in faults {
            guard let caller = observer(of: fault), let seenAt = fault.onset,
                let saturated = self.faults(of: caller).first(where: {
                    $0.signal.type == .saturation && ($0.onset.map { $0 <= seenAt.addingTimeInterval(60) } ?? false)
                })
            else { return words }
            own.append("\(caller)'s own \(saturated.summary)")
        }
        words.append(
            "but \(Array(Set(own)).sorted().joined(separator: ", ")), no later than its view of \(ref) turned bad: "
                + "a caller short of its own capacity times its calls slow too")
        return words
    }
}
