import Foundation
import MusterModel
import MusterNotify
import MusterTestSupport
import Testing

/// Rate limits, backoff, permanent failures and restarts, against fake Slack and PagerDuty servers.
struct OutboxRetryTests {
    let t0 = Fixtures.t0
    let rootTS = "1700000000.000100"
    /// Slack's answer when it wants no calls for 30 s.
    static let rateLimited = FakeAPIServer.Response(
        status: 429, headers: ["Retry-After": "30"], body: #"{"ok":false,"error":"ratelimited"}"#)

    @Test func aRateLimitedPostWaitsForRetryAfterAndHoldsBackOtherSlackCalls() async throws {
        let slack = try FakeAPIServer.slack()
        defer { slack.stop() }
        slack.answerNext(Self.rateLimited)
        let (outbox, notifier, worker) = try Fixtures.delivery(slack: slack)
        await notifier.publish(Fixtures.update(incident: 1, revision: 1))
        await notifier.publish(Fixtures.update(incident: 2, revision: 1))

        let first = try await worker.drain(now: t0)
        #expect(first.retried == 1 && first.sent == 0)
        #expect(slack.requests.count == 1)  // inc-2's post waits too: Slack said stop
        let row = try #require(try await outbox.row(key: "slack.post:inc-1"))
        #expect(row.nextAttemptAt == t0.addingTimeInterval(30))
        #expect(row.attempts == 1)
        #expect(row.lastError?.contains("rate limited (retry after 30.0s)") == true)
        #expect(try await outbox.row(key: "slack.post:inc-2")?.attempts == 0)

        try await worker.drain(now: t0.addingTimeInterval(29))
        #expect(slack.requests.count == 1)

        let second = try await worker.drain(now: t0.addingTimeInterval(30))
        #expect(second.sent == 2)
        #expect(slack.posts.count == 3)
        #expect(try await outbox.status(of: "slack.post:inc-1") == .sent)
    }

    @Test func runSleepsOnTheInjectedClockUntilRetryAfter() async throws {
        let slack = try FakeAPIServer.slack()
        defer { slack.stop() }
        slack.answerNext(Self.rateLimited)
        let outbox = try Outbox(path: ":memory:")
        let configuration = Fixtures.configuration(slack: slack, pagerDuty: nil)
        let clock = ManualClock(t0)
        try await outbox.enqueue(
            OutboxMessage(
                key: "slack.crosspost:inc-1:team:payments", kind: .slackCrosspost,
                payload: .object(["channel": .string("#payments"), "text": .string("hi")])),
            at: t0)
        let worker = OutboxWorker(
            outbox: outbox, slack: configuration.slackClient(), pagerDuty: nil, policy: RetryPolicy(jitter: 0),
            clock: clock, pollInterval: 5,
            sleep: { seconds in
                clock.advance(by: seconds)
                await Task.yield()
            })

        let service = Task { try await worker.run() }
        // Generous: the loop ends as soon as the row is sent, and a busy machine can make URLSession slow.
        let deadline = ContinuousClock.now + .seconds(60)
        while try await outbox.status(of: "slack.crosspost:inc-1:team:payments") == .pending,
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(5))
        }
        service.cancel()
        try await service.value

        #expect(try await outbox.status(of: "slack.crosspost:inc-1:team:payments") == .sent)
        #expect(slack.requests.count == 2)  // the 429, then one retry: nothing in between
        #expect(clock.now() >= t0.addingTimeInterval(30))
    }

    @Test func aPermanentErrorFailsTheRowAndWhatDependsOnIt() async throws {
        let slack = try FakeAPIServer.slack()
        defer { slack.stop() }
        slack.answerNext(.init(status: 200, body: #"{"ok":false,"error":"channel_not_found"}"#))
        let (outbox, notifier, worker) = try Fixtures.delivery(slack: slack)
        await notifier.publish(Fixtures.update(revision: 1))
        await notifier.publish(Fixtures.update(revision: 2))

        let summary = try await worker.drain(now: t0)

        #expect(slack.requests.count == 1)
        #expect(summary.failed == 3)
        let root = try #require(try await outbox.row(key: "slack.post:inc-1"))
        #expect(root.status == .failedPermanent)
        #expect(root.attempts == 1)
        #expect(root.lastError?.contains("slack error channel_not_found") == true)
        #expect(
            try await outbox.row(key: "slack.update:inc-1:2")?.lastError
                == "dependency slack.post:inc-1 is failed-permanent")
        let thread = try await outbox.rows().first { $0.key.hasPrefix("slack.thread:inc-1:") }
        #expect(thread?.attempts == 0)
        #expect(thread?.status == .failedPermanent)
    }

    @Test func retryableErrorsBackOffThenGiveUpAfterMaxAttempts() async throws {
        let slack = try FakeAPIServer.slack()
        defer { slack.stop() }
        for _ in 0..<2 { slack.answerNext(.init(status: 200, body: #"{"ok":false,"error":"internal_error"}"#)) }
        slack.answerNext(.init(status: 503, body: "down"))
        let (outbox, notifier, worker) = try Fixtures.delivery(
            slack: slack, policy: RetryPolicy(maxAttempts: 3, base: 2, cap: 60, jitter: 0))
        await notifier.publish(Fixtures.update(revision: 1))

        try await worker.drain(now: t0)
        #expect(try await outbox.row(key: "slack.post:inc-1")?.nextAttemptAt == t0.addingTimeInterval(2))
        try await worker.drain(now: t0.addingTimeInterval(2))
        #expect(try await outbox.row(key: "slack.post:inc-1")?.nextAttemptAt == t0.addingTimeInterval(2 + 4))
        try await worker.drain(now: t0.addingTimeInterval(6))

        let row = try #require(try await outbox.row(key: "slack.post:inc-1"))
        #expect(row.status == .failedPermanent)
        #expect(row.attempts == 3)
        #expect(row.lastError?.contains("HTTP 503") == true)
        try await worker.drain(now: t0.addingTimeInterval(3600))
        #expect(slack.requests.count == 3)
    }

    @Test func aRestartResumesPendingRowsAndNeverResendsSentOnes() async throws {
        let slack = try FakeAPIServer.slack()
        let pagerDuty = try FakeAPIServer.pagerDuty()
        let path = Fixtures.temporaryPath()
        defer {
            slack.stop()
            pagerDuty.stop()
            Fixtures.removeDatabase(at: path)
        }

        // Enqueue, then "crash": the outbox goes away without a drain.
        do {
            let (_, notifier, _) = try Fixtures.delivery(slack: slack, pagerDuty: pagerDuty, path: path)
            await notifier.publish(Fixtures.update(revision: 1, newTeams: [Fixtures.payments], pagerDuty: ["Q1"]))
        }
        #expect(slack.requests.isEmpty)

        // Restart: the rows are still there and each goes out once.
        do {
            let (_, notifier, worker) = try Fixtures.delivery(slack: slack, pagerDuty: pagerDuty, path: path)
            await notifier.publish(Fixtures.update(revision: 1, newTeams: [Fixtures.payments], pagerDuty: ["Q1"]))
            try await worker.drain(now: t0)
            try await worker.drain(now: t0)
        }
        #expect(slack.posts.count == 2)  // root and one cross-post
        #expect(pagerDuty.requests.count == 1)

        // Another restart: an edit finds the root recorded before, and nothing sent is sent again.
        do {
            let (outbox, notifier, worker) = try Fixtures.delivery(slack: slack, pagerDuty: pagerDuty, path: path)
            await notifier.publish(Fixtures.update(revision: 2, pagerDuty: ["Q1"]))
            try await worker.drain(now: t0.addingTimeInterval(60))
            #expect(try await outbox.rows(status: .pending).isEmpty)
        }
        #expect(slack.posts.filter { $0.json?["thread_ts"] == nil }.count == 2)
        #expect(slack.updates.count == 1)
        #expect(slack.updates.first?.json?["ts"] == .string(rootTS))
        #expect(slack.posts.last?.json?["thread_ts"] == .string(rootTS))
        #expect(pagerDuty.requests.count == 1)
    }
}
