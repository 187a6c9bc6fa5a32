import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

extension InvestigationContext {
    /// How much of the growth that the direct users of a shared resource measure in one metric is one user's.
    struct GrowthShare {
        /// The user's growth over the growth of every user measuring the same metric, in [0, 1].
        var share: Double
        /// "service:a's memory grew 26.6 and service:b's 1.26 (container_memory_working_set_gib)".
        var words: String
        /// How many other users of the shared resource measure the same metric.
        var others: Int
    }

    /// The share of `growth` (a saturation signal of `ref`, a direct user of `shared`) in the growth of that metric
    /// (the same units) across every direct user of `shared` whose signal with it rose; nil when `growth` did not
    /// rise. A user whose working set grew 1.2 GiB beside one whose grew 26 GiB did not fill the node.
    func growthShare(of growth: SignalAssessment, by ref: EntityRef, in shared: EntityRef) async -> GrowthShare? {
        guard growth.peak > growth.baseline else { return nil }
        let analyzer = SignalAnalyzer(playbook: playbook)
        var grown: [(ref: EntityRef, name: String, by: Double)] = [
            (ref, growth.signal.name, growth.peak - growth.baseline)
        ]
        var others = 0
        for hit in lake.dependents(of: shared, depth: 1, asOf: nil).sorted(by: { $0.ref < $1.ref }) where hit.ref != ref
        {
            for signal in lake.entity(hit.ref, asOf: nil)?.signals ?? []
            where signal.type == .saturation && signal.metric == growth.signal.metric {
                var read = (assessments[hit.ref] ?? []).first { $0.signal.name == signal.name }
                if read == nil {
                    read = await analyzer.assess(
                        signal, of: hit.ref, reference: facts.firstOnset, now: facts.now, source: metrics)
                }
                others += 1
                guard let read, read.isAnomalous, read.peak > read.baseline else { continue }
                grown.append((hit.ref, signal.name, read.peak - read.baseline))
            }
        }
        let total = grown.reduce(0) { $0 + $1.by }
        guard total > 0 else { return nil }
        let words = grown.sorted { $0.by > $1.by }.map {
            "\($0.ref)'s \($0.name) grew \(SignalAssessment.format($0.by))"
        }
        return GrowthShare(
            share: grown[0].by / total, words: "\(words.joined(separator: ", ")) (\(growth.signal.metric))",
            others: others)
    }

    /// An alerting service beside the other users of `shared` whose own saturation filled it: its fault (not mild)
    /// began no later than a sample after `shared`'s saturation fault, another user of `shared` alerts and turned
    /// bad no earlier (a neighbour that fails), another user measures the same metric (so the growths compare),
    /// and its growth is most (half or more) of what the users of `shared` grew in that metric. Its runaway memory
    /// takes what its neighbours need.
    func filler(of shared: EntityRef) async -> (entity: EntityRef, fault: SignalAssessment, words: String)? {
        guard let filled = faults(of: shared).first(where: { $0.signal.type == .saturation }),
            let filledAt = filled.onset
        else { return nil }
        let users = lake.dependents(of: shared, depth: 1, asOf: nil).map(\.ref).sorted()
        for user in users where user.kind == "service" && facts.alerting.contains(user) {
            for fault in faults(of: user) where fault.signal.type == .saturation && !isMild(fault) {
                guard let onset = fault.onset, onset <= filledAt.addingTimeInterval(60),
                    users.contains(where: { neighbour in
                        neighbour != user && facts.alerting.contains(neighbour)
                            && (faultOnset(of: neighbour).map { $0 >= onset } ?? false)
                    }),
                    let share = await growthShare(of: fault, by: user, in: shared), share.others > 0,
                    share.share >= Self.fillerShare
                else { continue }
                return (
                    user, fault,
                    "\(shared) filled with it: \(filled.summary); \(share.words): "
                        + "\(user) takes what its neighbours need"
                )
            }
        }
        return nil
    }

    /// The least share of the growth the users of a shared resource measure that makes one of them its filler.
    static let fillerShare = 0.5
}
