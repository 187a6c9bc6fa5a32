import MusterInvestigation
import MusterModel
import MusterPipeline

/// The short texts Muster sends besides the card: the headline, thread replies, cross-posts, PagerDuty notes.
enum TriageMessages {
    /// Slack's limit for `text` is 4000 characters; longer texts are cut with an ellipsis.
    static let textLimit = 3_900

    /// `<mentions in one line> — <summary>`, or the summary alone when nobody is mentioned.
    static func headline(mentions: [String], summary: String) -> String {
        let people = mentions.joined(separator: " ")
        return clipped(people.isEmpty ? summary : "\(people) — \(summary)")
    }

    /// A few lines for the thread: the summary, the ranked hypotheses with confidence, what was tried.
    static func threadReply(for update: TriageUpdate) -> String {
        let verdict = update.verdict
        var lines = ["Update \(update.revision): \(update.summary)"]
        if verdict.rootCause == nil, let abstention = verdict.abstention { lines.append("Check next: \(abstention)") }
        let hypotheses = verdict.hypotheses.prefix(3).map {
            "\($0.kind.rawValue) \($0.entity) \(Int(($0.confidence * 100).rounded()))%"
        }
        if !hypotheses.isEmpty { lines.append("Hypotheses: " + hypotheses.joined(separator: " · ")) }
        let tried = verdict.tried + verdict.avoid.map(\.reason)
        if !tried.isEmpty { lines.append("Tried: " + tried.prefix(3).joined(separator: "; ")) }
        return clipped(lines.joined(separator: "\n"))
    }

    /// `inc-7: <summary> — see the thread in #incidents` (a channel ID is written as a Slack link).
    static func crosspost(incident: IncidentID, summary: String, channel: String) -> String {
        clipped("\(incident): \(summary) — see the thread in \(channelReference(channel))")
    }

    /// The note for a PagerDuty incident: Muster's incident, the summary, where the discussion is.
    static func pagerDutyNote(for update: TriageUpdate, slackChannel: String?) -> String {
        var text = "Muster \(update.incident): \(update.summary)"
        if let slackChannel { text += " — triage thread in Slack \(slackChannel) (\(update.incident))" }
        return String(text.prefix(2_000))
    }

    private static func channelReference(_ channel: String) -> String {
        channel.hasPrefix("#") ? channel : "<#\(channel)>"
    }

    private static func clipped(_ text: String) -> String {
        text.count <= textLimit ? text : String(text.prefix(textLimit - 1)) + "…"
    }
}
