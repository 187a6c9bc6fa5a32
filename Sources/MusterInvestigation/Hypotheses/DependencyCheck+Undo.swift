import Foundation
import MusterLake
import MusterModel

extension DependencyCheck {
    /// A deploy or change of `ref` before `onset` (within the change look-back) that a rollback or revert undid
    /// after it, where the undo helped (``ActionJudge``).
    static func helpfulUndo(of ref: EntityRef, before onset: Date, context: InvestigationContext) -> (
        what: String, noun: String, at: Date, undo: String, undoneAt: Date
    )? {
        let from = onset.addingTimeInterval(-context.playbook.changeLookBack)
        let deploys = context.lake.deployments(on: [ref], from: from, to: onset).map {
            (what: "deployed \($0.version ?? "")", noun: "deploy", at: $0.at, undo: "rollback")
        }
        let changes = context.lake.changes(on: [ref], from: from, to: onset).map {
            (what: "changed (\($0.summary))", noun: "change", at: $0.at, undo: "config-revert")
        }
        for change in (deploys + changes).sorted(by: { $0.at > $1.at }) {
            if let undone = context.judged.helped.first(where: {
                $0.name == change.undo && $0.target == ref && $0.at > change.at
            }) {
                return (change.what, change.noun, change.at, change.undo, undone.at)
            }
        }
        return nil
    }
}
