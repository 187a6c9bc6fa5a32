public import MusterLake
public import MusterModel

/// The one triage message of an incident: as text for terminals and as Slack Block Kit.
public struct TriageCard: Sendable {
    public let incident: IncidentID
    public let verdict: Verdict
    public let notified: [EntityRef]
    let lake: (any LakeReader)?

    /// `lake`, when given, turns users into Slack mentions (`properties.slack_id`).
    public init(incident: IncidentID, verdict: Verdict, notified: [EntityRef], lake: (any LakeReader)?) {
        self.incident = incident
        self.verdict = verdict
        self.notified = notified
        self.lake = lake
    }

    var title: String {
        let services = verdict.services.map(\.id).joined(separator: ", ")
        return "\(incident): \(verdict.services.count) alerting (\(services))"
    }

    var causeLine: String {
        guard let root = verdict.rootCause else { return "No confident root cause. \(verdict.abstention ?? "")" }
        return
            "Likely cause: \(root.kind.rawValue) \(root.entity) (\(Int((root.confidence * 100).rounded()))% confidence): \(root.summary)"
    }

    var evidenceLines: [String] {
        Array((verdict.rootCause?.evidence.filter { !$0.isAgainst } ?? []).prefix(3).map(\.text))
    }

    /// Actions tried that ran and did not help (one that failed to run is under what was already tried).
    var didNotHelp: [AvoidAdvice] { verdict.avoid.filter { !$0.failedToRun } }

    /// Actions tried that are not under "did not help": those that helped, failed to run or cannot be judged yet.
    var alreadyTried: [String] {
        let avoided = Set(didNotHelp.map(\.reason))
        return verdict.tried.filter { !avoided.contains($0) }
    }

    /// Actions the target registers: offered for approval.
    var approvable: [ActionProposal] { verdict.actions.filter(\.isAvailable) }

    /// Actions the target does not register: steps to take by hand, never offered for approval.
    var byHand: [ActionProposal] { verdict.actions.filter { !$0.isAvailable } }

    /// A Slack mention (`<@U123>`) when the user has `properties.slack_id`, else `@id`.
    public func mention(_ user: EntityRef) -> String {
        if let id = lake?.entity(user, asOf: nil)?.properties["slack_id"]?.stringValue { return "<@\(id)>" }
        return "@\(user.id)"
    }

    /// The card as plain text.
    public var text: String {
        var lines = [title, causeLine]
        for line in evidenceLines { lines.append("  - \(line)") }
        if !verdict.customers.isEmpty {
            lines.append("Customers: \(verdict.customers.map(\.description).joined(separator: ", "))")
        }
        lines.append("Teams: \(verdict.teams.map(\.description).joined(separator: ", "))")
        lines.append("On call: \(notified.map(mention).joined(separator: " "))")
        if !didNotHelp.isEmpty {
            lines.append("Tried, did not help:")
            for advice in didNotHelp { lines.append("  - \(advice.reason)") }
        }
        if !alreadyTried.isEmpty {
            lines.append("Already tried:")
            for line in alreadyTried { lines.append("  - \(line)") }
        }
        if !approvable.isEmpty {
            lines.append("Recommended:")
            for action in approvable { lines.append("  - \(action.action) \(action.target): \(action.reason)") }
        }
        if !byHand.isEmpty {
            lines.append("By hand (not registered, so not offered for approval):")
            for action in byHand { lines.append("  - \(action.action) \(action.target): \(action.reason)") }
        }
        for note in verdict.notes { lines.append("No action: \(note)") }
        return lines.joined(separator: "\n")
    }

    /// The card as Slack Block Kit blocks, with approve/reject buttons per action and feedback buttons.
    public var blocks: JSONValue {
        func section(_ markdown: String) -> JSONValue {
            .object([
                "type": .string("section"), "text": .object(["type": .string("mrkdwn"), "text": .string(markdown)]),
            ])
        }
        func button(_ text: String, _ actionID: String, _ value: String, style: String? = nil) -> JSONValue {
            var members: [String: JSONValue] = [
                "type": .string("button"), "text": .object(["type": .string("plain_text"), "text": .string(text)]),
                "action_id": .string(actionID), "value": .string(value),
            ]
            if let style { members["style"] = .string(style) }
            return .object(members)
        }
        var blocks: [JSONValue] = [
            .object([
                "type": .string("header"),
                "text": .object(["type": .string("plain_text"), "text": .string(String(title.prefix(150)))]),
            ]),
            section("*\(causeLine)*\n" + evidenceLines.map { "• \($0)" }.joined(separator: "\n")),
        ]
        var facts =
            "*Teams:* \(verdict.teams.map(\.id).joined(separator: ", "))\n*On call:* \(notified.map(mention).joined(separator: " "))"
        if !verdict.customers.isEmpty {
            facts += "\n*Customers:* \(verdict.customers.map(\.id).joined(separator: ", "))"
        }
        blocks.append(section(facts))
        if !didNotHelp.isEmpty {
            blocks.append(
                section("*Tried, did not help:*\n" + didNotHelp.map { "• \($0.reason)" }.joined(separator: "\n")))
        }
        if !alreadyTried.isEmpty {
            blocks.append(section("*Already tried:*\n" + alreadyTried.map { "• \($0)" }.joined(separator: "\n")))
        }
        // The index is the action's place in the verdict, which an approval refers to.
        for (index, action) in verdict.actions.enumerated() where action.isAvailable {
            let value = "\(incident)|\(index)|\(action.action)|\(action.target)"
            blocks.append(section("*\(action.action)* `\(action.target)`: \(action.reason)"))
            blocks.append(
                .object([
                    "type": .string("actions"), "block_id": .string("action-\(index)"),
                    "elements": .array([
                        button("Approve", "approve", value, style: "primary"),
                        button("Reject", "reject", value, style: "danger"),
                    ]),
                ]))
        }
        if !byHand.isEmpty {
            let steps = byHand.map { "• *\($0.action)* `\($0.target)`: \($0.reason)" }
            blocks.append(
                section("*By hand (not registered, so not offered for approval):*\n" + steps.joined(separator: "\n")))
        }
        for note in verdict.notes { blocks.append(section("*No action:* \(note)")) }
        blocks.append(
            .object([
                "type": .string("actions"), "block_id": .string("feedback"),
                "elements": .array([
                    button("Right cause", "feedback_right", "\(incident)"),
                    button("Wrong cause", "feedback_wrong", "\(incident)"),
                ]),
            ]))
        return .array(blocks)
    }
}
