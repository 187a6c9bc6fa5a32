import Foundation
import MusterModel
import MusterNotify
import Testing

struct OutboxTests {
    let t0 = Fixtures.t0

    func message(_ key: String, dependsOn: String? = nil, group: String? = nil) -> OutboxMessage {
        OutboxMessage(
            key: key, kind: group == nil ? .slackPost : .slackUpdate, payload: .object(["text": .string(key)]),
            dependsOn: dependsOn, supersedeGroup: group)
    }

    @Test func enqueueingAKeyTwiceIsANoOp() async throws {
        let outbox = try Outbox(path: ":memory:")

        #expect(try await outbox.enqueue(message("slack.post:inc-1"), at: t0))
        #expect(try await !outbox.enqueue(message("slack.post:inc-1"), at: t0.addingTimeInterval(5)))

        let rows = try await outbox.rows()
        #expect(rows.count == 1)
        #expect(rows.first?.status == .pending)
        #expect(rows.first?.attempts == 0)
        #expect(rows.first?.nextAttemptAt == t0)
        #expect(rows.first?.payload == .object(["text": .string("slack.post:inc-1")]))
    }

    @Test func aNewerEditSupersedesOlderPendingEdits() async throws {
        let outbox = try Outbox(path: ":memory:")
        try await outbox.enqueue(message("slack.update:inc-1:2", group: "slack.update:inc-1"), at: t0)
        try await outbox.enqueue(message("slack.update:inc-2:2", group: "slack.update:inc-2"), at: t0)
        try await outbox.enqueue(message("slack.update:inc-1:3", group: "slack.update:inc-1"), at: t0)

        #expect(try await outbox.status(of: "slack.update:inc-1:2") == .skipped)
        #expect(try await outbox.row(key: "slack.update:inc-1:2")?.lastError == "superseded by slack.update:inc-1:3")
        #expect(try await outbox.status(of: "slack.update:inc-1:3") == .pending)
        #expect(try await outbox.status(of: "slack.update:inc-2:2") == .pending)
    }

    @Test func dueRowsWaitForTheirTimeAndTheirDependency() async throws {
        let outbox = try Outbox(path: ":memory:")
        try await outbox.enqueue(
            [message("root"), message("edit", dependsOn: "root", group: "g"), message("orphan", dependsOn: "missing")],
            at: t0)

        #expect(try await outbox.due(at: t0.addingTimeInterval(-1)).isEmpty)
        #expect(try await outbox.due(at: t0).map(\.key) == ["root"])

        let root = try #require(try await outbox.row(key: "root"))
        try await outbox.markSent(root, result: .object(["channel": .string("C1"), "ts": .string("1.2")]), at: t0)
        #expect(try await outbox.due(at: t0).map(\.key) == ["edit"])
        #expect(try await outbox.row(key: "root")?.result?["ts"] == .string("1.2"))
        #expect(try await outbox.row(key: "root")?.attempts == 1)

        let edit = try #require(try await outbox.row(key: "edit"))
        try await outbox.markRetry(edit.id, error: "boom", nextAttemptAt: t0.addingTimeInterval(10))
        #expect(try await outbox.due(at: t0.addingTimeInterval(9)).isEmpty)
        #expect(try await outbox.nextAttemptDate() == t0.addingTimeInterval(10))
        #expect(try await outbox.row(key: "edit")?.lastError == "boom")
    }

    @Test func aSentRootPostIsRecordedPerIncident() async throws {
        let outbox = try Outbox(path: ":memory:")
        let post = OutboxMessage(
            key: "slack.post:inc-4", kind: .slackPost,
            payload: .object(["incident": .string("inc-4"), "channel": .string("#incidents"), "text": .string("x")]))
        try await outbox.enqueue(post, at: t0)
        #expect(try await outbox.root(of: "inc-4") == nil)

        let row = try #require(try await outbox.row(key: "slack.post:inc-4"))
        try await outbox.markSent(row, result: .object(["channel": .string("C1"), "ts": .string("1700.1")]), at: t0)

        #expect(try await outbox.root(of: "inc-4") == SlackMessage(channel: "C1", ts: "1700.1"))
    }

    @Test func backoffDoublesUpToTheCapAndHonoursRetryAfter() {
        let policy = RetryPolicy(maxAttempts: 5, base: 2, cap: 10, jitter: 0.5)
        #expect(policy.delay(afterAttempt: 1, random: 0) == 2)
        #expect(policy.delay(afterAttempt: 2, random: 0) == 4)
        #expect(policy.delay(afterAttempt: 4, random: 0) == 10)
        #expect(policy.delay(afterAttempt: 2, random: 0.5) == 3)  // jitter shortens by up to half
        #expect(policy.delay(afterAttempt: 1, retryAfter: 30, random: 0.9) == 30)
    }
}
