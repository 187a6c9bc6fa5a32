public import Foundation
public import MusterInvestigation
public import MusterModel

/// One triage message to publish: the first post of an incident or an update of it.
public struct TriageUpdate: Sendable {
    public var incident: IncidentID
    /// An identity of the incident that survives restarts and renumbering (its first alert and opening
    /// instant): outbound messages are keyed by it, so nothing is posted twice after a restart.
    public var incidentKey: String
    /// 1 for the first message of the incident, then 2, 3, ... for each update.
    public var revision: Int
    public var at: Date
    public var verdict: Verdict
    /// The card as plain text and as Slack Block Kit blocks.
    public var text: String
    public var blocks: JSONValue
    /// Everyone to mention (on-call of every engaged team), as Slack mentions where ids are known.
    public var notified: [EntityRef]
    public var mentions: [String]
    /// Engaged teams and their Slack channels (`properties.slack_channel`), where set.
    public var teams: [EntityRef]
    public var teamChannels: [EntityRef: String]
    /// Teams engaged for the first time by this update (they get a cross-post).
    public var newTeams: [EntityRef]
    /// PagerDuty incident ids among the incident's alerts.
    public var pagerDutyIncidents: [String]
    /// One line: the likely cause, or that Muster abstains.
    public var summary: String

    public init(
        incident: IncidentID, incidentKey: String, revision: Int, at: Date, verdict: Verdict, text: String,
        blocks: JSONValue,
        notified: [EntityRef], mentions: [String], teams: [EntityRef], teamChannels: [EntityRef: String],
        newTeams: [EntityRef], pagerDutyIncidents: [String], summary: String
    ) {
        self.incident = incident
        self.incidentKey = incidentKey
        self.revision = revision
        self.at = at
        self.verdict = verdict
        self.text = text
        self.blocks = blocks
        self.notified = notified
        self.mentions = mentions
        self.teams = teams
        self.teamChannels = teamChannels
        self.newTeams = newTeams
        self.pagerDutyIncidents = pagerDutyIncidents
        self.summary = summary
    }
}

/// Where triage messages go (Slack and PagerDuty through the outbox, live; nowhere in replay).
public protocol TriageNotifier: Sendable {
    /// Called after each triage, in order, on the pipeline's executor; must not block for long.
    func publish(_ update: TriageUpdate) async
}
