import Foundation
import MusterLake
import MusterModel

extension Correlator {
    /// How many direct callers must have turned bad with an entity's own failure alert for it to be trouble.
    static let ownFailureCallers = 2

    /// The start of `ref`'s own failure alert (severity error or worse, firing, no reminder; `arrival`'s, or one of
    /// an open incident) when two or more of `ref`'s direct callers turned bad within `causeLead` of it: the alert
    /// is trouble though `ref`'s signals are normal (a database whose server certificate expired idles while its
    /// clients cannot connect). Nil otherwise: a warning on a healthy entity (memory above 80%) is no failure.
    func ownFailureAlert(of ref: EntityRef, arrival: AlertArrival, entity: EntityRef) -> Date? {
        let tracked = (index.alertKeysByEntity[ref] ?? []).compactMap { alerts[$0] }
            .filter { incidents[$0.incident]?.isOpen == true }.map(\.alert)
        let own = (entity == ref ? [arrival.alert] : []) + tracked
        let failures = own.filter {
            $0.severity >= .error && $0.status != .resolved && reminderPattern(of: $0) == nil
        }
        guard !failures.isEmpty else { return nil }
        let callers = lake.dependents(of: ref, depth: 1, asOf: nil).compactMap { troubleOnset(of: $0.ref, arrival) }
        return failures.map(\.startedAt).sorted().first { start in
            callers.filter { abs($0.timeIntervalSince(start)) <= policy.causeLead }.count >= Self.ownFailureCallers
        }
    }

    /// When `ref`'s trouble began: the arrival's onset for its entity, else the earliest in an open incident.
    func troubleOnset(of ref: EntityRef, _ arrival: AlertArrival) -> Date? {
        if let onset = arrival.onsets[ref], arrival.entity == ref { return onset }
        return (index.byEntity[ref] ?? []).compactMap { id in
            incidents[id].flatMap { $0.isOpen ? $0.troubleOnsets[ref] : nil }
        }.min()
    }

    /// Whether `caller`, a direct caller of `ref`, turned bad with `ref`'s own failure alert (``ownFailureAlert``).
    /// The arrival's entity must have no other upstream whose signals are in trouble: that one explains it.
    func turnedBad(_ caller: EntityRef, withOwnFailureOf ref: EntityRef, arrival: AlertArrival, entity: EntityRef)
        -> Bool
    {
        let explained =
            caller == entity
            && lake.dependencies(of: caller, depth: policy.upstreamDepth, asOf: nil).contains {
                $0.ref != ref && arrival.trouble[$0.ref]?.isAnomalous == true
            }
        guard !explained, lake.dependencies(of: caller, depth: 1, asOf: nil).contains(where: { $0.ref == ref }),
            let start = ownFailureAlert(of: ref, arrival: arrival, entity: entity),
            let onset = troubleOnset(of: caller, arrival)
        else { return false }
        return abs(onset.timeIntervalSince(start)) <= policy.causeLead
    }
}
