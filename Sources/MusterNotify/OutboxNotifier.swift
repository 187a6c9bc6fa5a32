public import Foundation
public import MusterModel
public import MusterPipeline

/// Publishes triage updates by turning each into outbox rows; an `OutboxWorker` sends them.
///
/// Revision 1 posts the card to the incident channel (the root message); later revisions edit the root
/// (`chat.update`, only the newest pending edit is kept) and reply in its thread with what changed. Each
/// team engaged for the first time gets a one-line cross-post in its channel; each PagerDuty incident
/// gets one note, and with `mergePagerDuty` the others are merged into the first. Idempotency keys
/// make publishing the same update twice harmless.
public struct OutboxNotifier: TriageNotifier {
    public let outbox: Outbox
    public let configuration: NotifyConfiguration
    private let clock: any InstantClock
    private let onError: @Sendable (NotifyError) -> Void

    /// - Parameter onError: told when rows cannot be stored (`publish` cannot throw); writes to stderr by default.
    public init(
        outbox: Outbox, configuration: NotifyConfiguration, clock: any InstantClock = SystemInstantClock(),
        onError: @escaping @Sendable (NotifyError) -> Void = { error in
            FileHandle.standardError.write(Data("muster: notify: cannot enqueue: \(error)\n".utf8))
        }
    ) {
        self.outbox = outbox
        self.configuration = configuration
        self.clock = clock
        self.onError = onError
    }

    public func publish(_ update: TriageUpdate) async {
        do {
            try await enqueue(update)
        } catch {
            onError(error)
        }
    }

    /// Enqueues the rows for `update`; the keys that were new.
    @discardableResult
    public func enqueue(_ update: TriageUpdate) async throws(NotifyError) -> [String] {
        let hasRoot = try await outbox.contains(key: Self.postKey(update.incidentKey))
        return try await outbox.enqueue(messages(for: update, hasRoot: hasRoot), at: clock.now())
    }

    /// The rows for `update`; `hasRoot` tells whether the incident's root post was enqueued before
    /// (when it was not, even a later revision posts the root instead of editing it).
    public func messages(for update: TriageUpdate, hasRoot: Bool) -> [OutboxMessage] {
        var messages: [OutboxMessage] = []
        if configuration.slack != nil { messages += slackMessages(for: update, hasRoot: hasRoot) }
        if configuration.pagerDuty != nil { messages += pagerDutyMessages(for: update) }
        return messages
    }

    static func postKey(_ incident: String) -> String { "\(OutboxKind.slackPost.rawValue):\(incident)" }

    private func slackMessages(for update: TriageUpdate, hasRoot: Bool) -> [OutboxMessage] {
        let incident = update.incidentKey
        let postKey = Self.postKey(update.incidentKey)
        let card = TriageMessages.headline(mentions: update.mentions, summary: update.summary)
        var messages: [OutboxMessage] = []
        if update.revision <= 1 || !hasRoot {
            messages.append(
                OutboxMessage(
                    key: postKey, kind: .slackPost,
                    payload: .object([
                        "incident": .string(incident), "channel": .string(configuration.channel), "text": .string(card),
                        "blocks": update.blocks,
                    ])))
        } else {
            messages.append(
                OutboxMessage(
                    key: "\(OutboxKind.slackUpdate.rawValue):\(incident):\(update.revision)", kind: .slackUpdate,
                    payload: .object(["incident": .string(incident), "text": .string(card), "blocks": update.blocks]),
                    dependsOn: postKey, supersedeGroup: "\(OutboxKind.slackUpdate.rawValue):\(incident)"))
        }
        if update.revision > 1 {
            let threadText = TriageMessages.threadReply(for: update)
            messages.append(
                OutboxMessage(
                    // Keyed by content: a triage that changed nothing in the details posts no new reply.
                    key:
                        "\(OutboxKind.slackThread.rawValue):\(incident):\(Self.digest(threadText.replacingOccurrences(of: "Update \(update.revision):", with: "Update:")))",
                    kind: .slackThread,
                    payload: .object(["incident": .string(incident), "text": .string(threadText)]),
                    dependsOn: postKey))
        }
        for team in update.newTeams {
            guard let channel = update.teamChannels[team], !channel.isEmpty else { continue }
            let line = TriageMessages.crosspost(
                incident: update.incident, summary: update.summary, channel: configuration.channel)
            messages.append(
                OutboxMessage(
                    key: "\(OutboxKind.slackCrosspost.rawValue):\(incident):\(team)", kind: .slackCrosspost,
                    payload: .object([
                        "incident": .string(incident), "channel": .string(channel), "text": .string(line),
                    ]),
                    dependsOn: postKey))
        }
        return messages
    }

    private func pagerDutyMessages(for update: TriageUpdate) -> [OutboxMessage] {
        var seen: Set<String> = []
        let incidents = update.pagerDutyIncidents.filter { !$0.isEmpty && seen.insert($0).inserted }
        var messages = incidents.map { id in
            OutboxMessage(
                key: "\(OutboxKind.pagerDutyNote.rawValue):\(id)", kind: .pagerDutyNote,
                payload: .object([
                    "incident": .string(update.incidentKey), "incident_id": .string(id),
                    "content": .string(TriageMessages.pagerDutyNote(for: update, slackChannel: slackChannel)),
                ]))
        }
        if configuration.mergePagerDuty, let target = incidents.first {
            for source in incidents.dropFirst() {
                messages.append(
                    OutboxMessage(
                        key: "\(OutboxKind.pagerDutyMerge.rawValue):\(source)", kind: .pagerDutyMerge,
                        payload: .object(["target": .string(target), "sources": .array([.string(source)])])))
            }
        }
        return messages
    }

    /// The channel a PagerDuty note points to, nil when Slack is off.
    private var slackChannel: String? { configuration.slack == nil ? nil : configuration.channel }

    /// A short stable digest of a text (FNV-1a 64), for content-addressed keys.
    static func digest(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
