internal import Foundation
internal import MusterModel

/// Deployments, changes, actions and on-call shifts, indexed by target (or team) and kept sorted by time.
struct HistoryLog {
    private(set) var deployments: [EntityRef: [Deployment]] = [:]
    private(set) var changes: [EntityRef: [Change]] = [:]
    private(set) var actions: [EntityRef: [ActionRecord]] = [:]
    private(set) var shifts: [EntityRef: [OnCallShift]] = [:]

    mutating func add(_ deployment: Deployment) {
        Self.insert(deployment, into: &deployments[deployment.target, default: []], at: \.at)
    }

    mutating func add(_ change: Change) {
        Self.insert(change, into: &changes[change.target, default: []], at: \.at)
    }

    mutating func add(_ action: ActionRecord) {
        Self.insert(action, into: &actions[action.target, default: []], at: \.at)
    }

    mutating func add(_ shift: OnCallShift) {
        Self.insert(shift, into: &shifts[shift.team, default: []], at: \.from)
    }

    func onCall(team: EntityRef, at instant: Date) -> [EntityRef] {
        Set((shifts[team] ?? []).filter { $0.contains(instant) }.map(\.user)).sorted()
    }

    /// Items of every target with `from <= at <= to`, sorted by time.
    static func window<T>(
        _ table: [EntityRef: [T]], targets: Set<EntityRef>, from: Date, to: Date, at time: KeyPath<T, Date>
    ) -> [T] {
        var result: [T] = []
        for target in targets {
            for item in table[target] ?? [] where item[keyPath: time] >= from && item[keyPath: time] <= to {
                result.append(item)
            }
        }
        return result.sorted { $0[keyPath: time] < $1[keyPath: time] }
    }

    private static func insert<T>(_ item: T, into list: inout [T], at time: KeyPath<T, Date>) {
        let instant = item[keyPath: time]
        let position = list.lastIndex { $0[keyPath: time] <= instant }.map { $0 + 1 } ?? 0
        list.insert(item, at: position)
    }
}
