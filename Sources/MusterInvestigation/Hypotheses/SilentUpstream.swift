import Foundation
import MusterLake
import MusterModel

/// Upstreams without any signals of their own, seen through the alerting entities below them.
///
/// When independent alerting entities (none depends on another) fail within minutes of each other and share an
/// upstream that measures nothing, that upstream is the place where their failures meet: it gets a dependency
/// hypothesis of its own, and each of them, having a peer that failed with it for no reason of its own, is a
/// weaker account of the whole.
extension InvestigationContext {
    /// How close together failures must begin to count as one.
    static let together: TimeInterval = 3 * 60

    /// The alerting entities below `ref` that no other one below it sits above: the separate branches that meet
    /// at `ref`. One whose own saturation is exhausted (``exhaustedSaturation(of:)``) has its cause in plain sight:
    /// it is no branch of a meeting.
    func branches(below ref: EntityRef) -> [EntityRef] {
        // Failing witnesses count as branches too: they show the upstream's failure without alerting.
        let witnessing = witnesses.filter { $0.value == ref && faultOnset(of: $0.key) != nil }.map(\.key)
        let below = covered(by: ref).subtracting([ref]).union(witnessing)
        return below.filter { entity in
            guard exhaustedSaturation(of: entity) == nil else { return false }
            let own = Set(lake.dependencies(of: entity, depth: playbook.upstreamDepth, asOf: nil).map(\.ref))
            return own.isDisjoint(with: below)
        }.sorted()
    }

    /// A saturation signal of `ref` still at or above the exhausted level (a full disk, a pinned pool): a cause of
    /// its own in plain sight.
    func exhaustedSaturation(of ref: EntityRef) -> SignalAssessment? {
        faults(of: ref).first {
            $0.signal.type == .saturation && $0.recoveredAt == nil && $0.current >= playbook.exhaustedLevel
        }
    }

    /// Upstreams of `ref` without signals that another failing entity also depends on directly: where its
    /// failure could seem to meet another's.
    func silentUpstreamsShared(by ref: EntityRef) -> [EntityRef] {
        lake.dependencies(of: ref, depth: playbook.upstreamDepth, asOf: nil).map(\.ref).filter { upstream in
            (lake.entity(upstream, asOf: nil)?.signals.isEmpty ?? true)
                && lake.dependents(of: upstream, depth: 1, asOf: nil).contains {
                    $0.ref != ref && faultOnset(of: $0.ref) != nil
                }
        }
        .sorted()
    }

    /// When its trouble began: the signals' onset, else its first alert.
    func troubleStart(of ref: EntityRef) -> Date? {
        faultOnset(of: ref)
            ?? facts.alerts.filter { lake.entity(forAlert: $0, asOf: nil) == ref }.map(\.startedAt).min()
    }

    /// For an upstream without signals: the branches below it and the span of their onsets, when two or more
    /// failed within ``together`` of each other.
    func silentMeeting(at ref: EntityRef) -> (branches: [EntityRef], first: Date, last: Date)? {
        guard lake.entity(ref, asOf: nil)?.signals.isEmpty ?? true else { return nil }
        let branches = branches(below: ref)
        let onsets = branches.compactMap { troubleStart(of: $0) }
        guard branches.count >= 2, onsets.count == branches.count, let first = onsets.min(), let last = onsets.max(),
            last.timeIntervalSince(first) <= Self.together
        else { return nil }
        return (branches, first, last)
    }

    /// An alerting peer of `ref` that `ref` does not explain (`explained`: what sits below it, or reads what it
    /// writes) and that failed within ``together`` of `onset`, where both depend on an upstream without signals:
    /// what failed with `ref` for no reason of its own.
    func peerThroughSilentUpstream(of ref: EntityRef, onset: Date, explained: Set<EntityRef>) -> (
        peer: EntityRef, shared: EntityRef
    )? {
        let mine = Set(lake.dependencies(of: ref, depth: playbook.upstreamDepth, asOf: nil).map(\.ref))
        let peers = Set(facts.alerting).union(witnesses.keys.filter { faultOnset(of: $0) != nil })
        for peer in peers.sorted() where peer != ref && !explained.contains(peer) && !mine.contains(peer) {
            guard let start = troubleStart(of: peer), abs(start.timeIntervalSince(onset)) <= Self.together else {
                continue
            }
            let theirs = lake.dependencies(of: peer, depth: playbook.upstreamDepth, asOf: nil).map(\.ref)
            if let shared = theirs.sorted().first(where: { mine.contains($0) && silentMeeting(at: $0) != nil }) {
                return (peer, shared)
            }
        }
        return nil
    }

    /// How many services outside an upstream are read, at most, for a control (``normalOutside(_:like:)``).
    static let controlsRead = 8

    /// A service that does not depend on `ref`, neither alerting nor below it, with signals of the kinds that failed
    /// on `branches` (load aside), all of them normal: the control for a failure confined to what depends on `ref`.
    /// Nil when none of the first ``controlsRead`` such services (by id) is normal, or when one of them fails too.
    func normalOutside(_ ref: EntityRef, like branches: [EntityRef]) async -> (ref: EntityRef, signals: String)? {
        let failed = Set(branches.flatMap { faults(of: $0) }.map(\.signal.type)).subtracting([.load])
        guard !failed.isEmpty else { return nil }
        let below = Set(lake.dependents(of: ref, depth: nil, asOf: nil).map(\.ref))
        let outside = lake.entities(ofKind: "service", asOf: nil).filter { service in
            !below.contains(service.ref) && !facts.alerting.contains(service.ref)
                && service.signals.contains { failed.contains($0.type) }
        }
        let analyzer = SignalAnalyzer(playbook: playbook)
        var control: (ref: EntityRef, signals: String)?
        for service in outside.sorted(by: { $0.ref < $1.ref }).prefix(Self.controlsRead) {
            var read: [SignalAssessment] = []
            for signal in service.signals where failed.contains(signal.type) {
                if let assessed = await analyzer.assess(
                    signal, of: service.ref, reference: facts.firstOnset, now: facts.now, source: metrics)
                {
                    read.append(assessed)
                }
            }
            guard !read.isEmpty else { continue }
            // A failure outside it too: not confined to it.
            if read.contains(where: \.isAnomalous) { return nil }
            control = control ?? (service.ref, read.map(\.signal.name).joined(separator: ", "))
        }
        return control
    }
}
