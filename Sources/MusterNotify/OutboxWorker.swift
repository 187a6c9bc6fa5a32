public import Foundation
public import MusterModel

/// Sends the outbox's due rows, one at a time, oldest first, and records each outcome.
///
/// A row is due when its `next_attempt_at` has come and its dependency (the root post, for edits and
/// replies) was sent. A retryable failure is tried again after the `RetryPolicy` backoff, or after the
/// server's `Retry-After`; while Slack or PagerDuty rate-limits, that service's other rows wait as
/// well. A permanent failure, the last allowed attempt, or a dependency given up marks the row
/// failed-permanent. `run()` is the long-lived service; tests call `drain(now:)` with their own instants.
public actor OutboxWorker {
    /// What one `drain(now:)` did.
    public struct Summary: Hashable, Sendable {
        public var sent = 0
        /// Failed attempts scheduled to be tried again (rows postponed by a rate limit not counted).
        public var retried = 0
        public var failed = 0

        public init() {}
    }

    private enum Service: Hashable { case slack, pagerDuty }

    private let outbox: Outbox
    private let slack: SlackClient?
    private let pagerDuty: PagerDutyClient?
    private let policy: RetryPolicy
    private let clock: any InstantClock
    private let pollInterval: TimeInterval
    private let sleep: @Sendable (TimeInterval) async throws -> Void
    private let random: @Sendable () -> Double
    /// Until when a service answered 429; its rows are postponed instead of tried.
    private var pausedUntil: [Service: Date] = [:]

    /// - Parameters:
    ///   - slack, pagerDuty: the clients; nil when the service is not configured (its rows then fail).
    ///   - pollInterval: the longest `run()` waits before looking for new rows.
    ///   - sleep: waits the given seconds; injected so that tests do not wait.
    ///   - random: a number in [0, 1) for the jitter.
    private var stopping = false
    private var draining = false

    public init(
        outbox: Outbox, slack: SlackClient?, pagerDuty: PagerDutyClient?, policy: RetryPolicy = RetryPolicy(),
        clock: any InstantClock = SystemInstantClock(), pollInterval: TimeInterval = 1,
        sleep: @escaping @Sendable (TimeInterval) async throws -> Void = { try await Task.sleep(for: .seconds($0)) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.outbox = outbox
        self.slack = slack
        self.pagerDuty = pagerDuty
        self.policy = policy
        self.clock = clock
        self.pollInterval = pollInterval
        self.sleep = sleep
        self.random = random
    }

    /// Drains due rows, then sleeps until the next one is due or `pollInterval` passed, until cancelled.
    ///
    /// Returns when the task is cancelled; throws only when the outbox database fails.
    public func run() async throws {
        while !Task.isCancelled && !stopping {
            try await drain(now: clock.now())
            let now = clock.now()
            let wait = try await outbox.nextAttemptDate().map { max(0, $0.timeIntervalSince(now)) } ?? pollInterval
            if stopping { return }
            do {
                try await sleep(min(wait, pollInterval))
            } catch {
                return
            }
        }
    }

    /// Asks `run()` to return after its current pass, without cancelling a request in flight
    /// (cancelling URLSession mid-request is not safe on this platform). Then a final `drain` is safe.
    public func stop() { stopping = true }

    /// Tries every row due at `now` once, including rows that become due because their dependency was
    /// just sent; rows that fail are rescheduled after `now`, so this always ends.
    @discardableResult
    public func drain(now: Date) async throws(NotifyError) -> Summary {
        // One pass at a time: the actor is reentrant at every await, and two passes over the same
        // snapshot of due rows would send them twice.
        guard !draining else { return Summary() }
        draining = true
        defer { draining = false }
        var summary = Summary()
        var seen: Set<Int64> = []
        while true {
            let rows = try await outbox.due(at: now).filter { !seen.contains($0.id) }
            guard !rows.isEmpty else { return summary }
            for row in rows {
                seen.insert(row.id)
                try await process(row, now: now, summary: &summary)
            }
        }
    }

    private func process(_ row: OutboxRow, now: Date, summary: inout Summary) async throws(NotifyError) {
        if let dependency = row.dependsOn, let status = try await outbox.status(of: dependency), status != .sent {
            try await outbox.markFailed(
                row.id, error: "dependency \(dependency) is \(status.rawValue)", countsAttempt: false)
            summary.failed += 1
            return
        }
        let service: Service = row.kind.isSlack ? .slack : .pagerDuty
        if let until = pausedUntil[service], until > now {
            try await outbox.postpone(row.id, until: until)
            return
        }
        do {
            let result = try await send(row)
            try await outbox.markSent(row, result: result, at: now)
            summary.sent += 1
        } catch let error where error.code == .storage {
            throw error
        } catch {
            let attempt = row.attempts + 1
            guard error.isRetryable, attempt < policy.maxAttempts else {
                try await outbox.markFailed(row.id, error: error.description)
                summary.failed += 1
                return
            }
            var retryAfter: TimeInterval?
            if case .rateLimited(let seconds) = error.code { retryAfter = seconds ?? policy.base }
            let next = now.addingTimeInterval(
                policy.delay(afterAttempt: attempt, retryAfter: retryAfter, random: random()))
            if retryAfter != nil { pausedUntil[service] = next }
            try await outbox.markRetry(row.id, error: error.description, nextAttemptAt: next)
            summary.retried += 1
        }
    }

    /// Makes the call `row` asks for; what to store as its result.
    private func send(_ row: OutboxRow) async throws(NotifyError) -> JSONValue? {
        let payload = row.payload
        func text(_ key: String) throws(NotifyError) -> String {
            guard let value = payload[key]?.stringValue else {
                throw NotifyError(.invalidMessage, reason: "\(row.kind.rawValue) row \(row.key) has no \(key)")
            }
            return value
        }
        switch row.kind {
        case .slackPost, .slackCrosspost:
            let message = try await slackClient(for: row).postMessage(
                channel: text("channel"), text: text("text"), blocks: payload["blocks"])
            return .object(["channel": .string(message.channel), "ts": .string(message.ts)])
        case .slackUpdate:
            let root = try await root(for: row)
            let message = try await slackClient(for: row).update(
                channel: root.channel, ts: root.ts, text: text("text"), blocks: payload["blocks"])
            return .object(["channel": .string(message.channel), "ts": .string(message.ts)])
        case .slackThread:
            let root = try await root(for: row)
            let message = try await slackClient(for: row).postMessage(
                channel: root.channel, text: text("text"), blocks: payload["blocks"], threadTS: root.ts)
            return .object(["channel": .string(message.channel), "ts": .string(message.ts)])
        case .pagerDutyNote:
            let noteID = try await pagerDutyClient(for: row).addNote(
                incidentID: text("incident_id"), content: text("content"))
            return noteID.map { .object(["note_id": .string($0)]) }
        case .pagerDutyMerge:
            let sources = payload["sources"]?.arrayValue?.compactMap(\.stringValue) ?? []
            guard !sources.isEmpty else {
                throw NotifyError(.invalidMessage, reason: "pagerduty.merge row \(row.key) has no sources")
            }
            try await pagerDutyClient(for: row).merge(into: text("target"), sources: sources)
            return nil
        }
    }

    /// The incident's root message from `slack_roots`, as the sent root post recorded it.
    private func root(for row: OutboxRow) async throws(NotifyError) -> SlackMessage {
        guard let incident = row.payload["incident"]?.stringValue, let root = try await outbox.root(of: incident) else {
            throw NotifyError(.invalidMessage, reason: "no root message recorded for \(row.key)")
        }
        return root
    }

    private func slackClient(for row: OutboxRow) throws(NotifyError) -> SlackClient {
        guard let slack else { throw NotifyError(.invalidMessage, reason: "Slack is not configured (\(row.key))") }
        return slack
    }

    private func pagerDutyClient(for row: OutboxRow) throws(NotifyError) -> PagerDutyClient {
        guard let pagerDuty else {
            throw NotifyError(.invalidMessage, reason: "PagerDuty is not configured (\(row.key))")
        }
        return pagerDuty
    }
}
