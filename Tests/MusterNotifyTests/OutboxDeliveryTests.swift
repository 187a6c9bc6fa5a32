import Foundation
import MusterModel
import MusterNotify
import MusterPipeline
import MusterTestSupport
import Testing

/// The notifier, the outbox and the worker together against fake Slack and PagerDuty servers.
struct OutboxDeliveryTests {
    let t0 = Fixtures.t0
    let rootTS = "1700000000.000100"

    @Test func firstPostThenTwoUpdatesEditTheOneRootAndReplyInItsThread() async throws {
        let slack = try FakeAPIServer.slack()
        defer { slack.stop() }
        let (outbox, notifier, worker) = try Fixtures.delivery(slack: slack)

        for revision in 1...3 {
            await notifier.publish(Fixtures.update(revision: revision))
            try await worker.drain(now: t0)
        }

        let roots = slack.posts.filter { $0.json?["thread_ts"] == nil }
        #expect(roots.count == 1)
        let root = try #require(roots.first?.json)
        #expect(root["channel"] == .string("#incidents"))
        #expect(root["text"] == .string("<@U0DAN> <@U0ADA> — deployment service:token (91%) r1"))
        #expect(root["blocks"] == Fixtures.blocks)

        #expect(slack.updates.count == 2)
        for (update, revision) in zip(slack.updates, 2...3) {
            let body = try #require(update.json)
            #expect(body["channel"] == .string("C1"))
            #expect(body["ts"] == .string(rootTS))
            #expect(body["text"] == .string("<@U0DAN> <@U0ADA> — deployment service:token (91%) r\(revision)"))
            #expect(body["blocks"] == Fixtures.blocks)
        }

        let replies = slack.posts.filter { $0.json?["thread_ts"] != nil }
        #expect(replies.count == 2)
        for reply in replies {
            #expect(reply.json?["thread_ts"] == .string(rootTS))
            #expect(reply.json?["channel"] == .string("C1"))
        }
        let detail = try #require(replies.first?.json?["text"]?.stringValue)
        #expect(detail.hasPrefix("Update 2: deployment service:token (91%) r2"))
        #expect(detail.contains("Hypotheses: deployment service:token 91% · dependency resource:db 40%"))
        #expect(detail.contains("Tried: restart of cart did not help"))
        #expect(try await outbox.root(of: "inc-1") == SlackMessage(channel: "C1", ts: rootTS))
    }

    @Test func onlyTheNewestPendingEditIsSent() async throws {
        let slack = try FakeAPIServer.slack()
        defer { slack.stop() }
        let (outbox, notifier, worker) = try Fixtures.delivery(slack: slack)

        for revision in 1...3 { await notifier.publish(Fixtures.update(revision: revision)) }
        let summary = try await worker.drain(now: t0)

        #expect(slack.updates.count == 1)
        #expect(slack.updates.first?.json?["text"]?.stringValue?.hasSuffix("r3") == true)
        #expect(try await outbox.status(of: "slack.update:inc-1:2") == .skipped)
        #expect(summary.sent == 4)  // root, edit 3, two thread replies
        #expect(slack.requests.first?.target == "/api/chat.postMessage")  // the root goes before its edit
    }

    @Test func eachNewTeamGetsOneCrosspostInItsChannel() async throws {
        let slack = try FakeAPIServer.slack()
        defer { slack.stop() }
        let (_, notifier, worker) = try Fixtures.delivery(slack: slack)
        let team = EntityRef(kind: "team", id: "no-channel")

        await notifier.publish(Fixtures.update(revision: 1, newTeams: [Fixtures.payments, team]))
        try await worker.drain(now: t0)
        await notifier.publish(Fixtures.update(revision: 2, newTeams: [Fixtures.identity]))
        await notifier.publish(Fixtures.update(revision: 2, newTeams: [Fixtures.identity]))  // published twice
        await notifier.publish(Fixtures.update(revision: 3, newTeams: [Fixtures.payments]))
        try await worker.drain(now: t0)

        let crossposts = slack.posts.filter {
            $0.json?["channel"] != .string("#incidents") && $0.json?["thread_ts"] == nil
        }
        #expect(crossposts.map { $0.json?["channel"] } == [.string("#payments"), .string("C0IDENTITY")])
        #expect(
            crossposts.first?.json?["text"]
                == .string("inc-1: deployment service:token (91%) r1 — see the thread in #incidents"))
        #expect(crossposts.allSatisfy { $0.json?["blocks"] == nil })
    }

    @Test(arguments: [false, true])
    func oneNotePerPagerDutyIncidentAndMergeWhenOn(merge: Bool) async throws {
        let slack = try FakeAPIServer.slack()
        let pagerDuty = try FakeAPIServer.pagerDuty()
        defer {
            slack.stop()
            pagerDuty.stop()
        }
        let (_, notifier, worker) = try Fixtures.delivery(slack: slack, pagerDuty: pagerDuty, merge: merge)

        await notifier.publish(Fixtures.update(revision: 1, pagerDuty: ["Q1", "Q1"]))
        try await worker.drain(now: t0)
        await notifier.publish(Fixtures.update(revision: 2, pagerDuty: ["Q1", "Q2"]))
        await notifier.publish(Fixtures.update(revision: 3, pagerDuty: ["Q1", "Q2", "Q3"]))
        try await worker.drain(now: t0)
        await notifier.publish(Fixtures.update(revision: 4, pagerDuty: ["Q1", "Q2", "Q3"]))
        try await worker.drain(now: t0)

        let notes = pagerDuty.requests.filter { $0.target.hasSuffix("/notes") }
        #expect(notes.map(\.target) == ["/incidents/Q1/notes", "/incidents/Q2/notes", "/incidents/Q3/notes"])
        #expect(notes.allSatisfy { $0.method == "POST" && $0.header("From") == "triage-bot@example.com" })
        let content = try #require(notes.first?.json?["note"]?["content"]?.stringValue)
        #expect(
            content == "Muster inc-1: deployment service:token (91%) r1 — triage thread in Slack #incidents (inc-1)")

        let merges = pagerDuty.requests.filter { $0.target.hasSuffix("/merge") }
        if merge {
            #expect(merges.map(\.target) == ["/incidents/Q1/merge", "/incidents/Q1/merge"])
            #expect(merges.allSatisfy { $0.method == "PUT" })
            #expect(
                merges.compactMap { $0.json?["source_incidents"]?.arrayValue?.first?["id"] } == [
                    .string("Q2"), .string("Q3"),
                ])
        } else {
            #expect(merges.isEmpty)
        }
    }

    @Test func withSlackOffOnlyPagerDutyRowsAreEnqueued() async throws {
        let pagerDuty = try FakeAPIServer.pagerDuty()
        defer { pagerDuty.stop() }
        let (outbox, notifier, worker) = try Fixtures.delivery(slack: nil, pagerDuty: pagerDuty)

        await notifier.publish(Fixtures.update(revision: 1, newTeams: [Fixtures.payments], pagerDuty: ["Q1"]))

        #expect(try await outbox.rows().map(\.key) == ["pagerduty.note:Q1"])
        try await worker.drain(now: t0)
        let content = try #require(pagerDuty.requests.first?.json?["note"]?["content"]?.stringValue)
        #expect(content == "Muster inc-1: deployment service:token (91%) r1")
    }

    @Test func aLaterRevisionWithoutARootPostsTheRoot() async throws {
        let slack = try FakeAPIServer.slack()
        defer { slack.stop() }
        let outbox = try Outbox(path: ":memory:")
        let notifier = OutboxNotifier(
            outbox: outbox, configuration: Fixtures.configuration(slack: slack, pagerDuty: nil))

        let keys = try await notifier.enqueue(Fixtures.update(revision: 4))

        #expect(keys.count == 2)
        #expect(keys.first == "slack.post:inc-1")
        #expect(keys.last?.hasPrefix("slack.thread:inc-1:") == true)
    }
}

struct ThreadReplyTests {
    @Test func anUnchangedTriagePostsNoNewThreadReply() async throws {
        let slack = try FakeAPIServer.slack()
        defer { slack.stop() }
        let outbox = try Outbox(path: ":memory:")
        let notifier = OutboxNotifier(
            outbox: outbox, configuration: Fixtures.configuration(slack: slack, pagerDuty: nil))
        var second = Fixtures.update(revision: 2, summary: "same")
        var third = Fixtures.update(revision: 3, summary: "same")
        second.text = "card"
        third.text = "card"
        let first = try await notifier.enqueue(second)
        let repeated = try await notifier.enqueue(third)
        #expect(first.contains { $0.hasPrefix("slack.thread:") })
        #expect(!repeated.contains { $0.hasPrefix("slack.thread:") })  // same details: no new reply
        #expect(repeated.contains { $0.hasPrefix("slack.update:") })  // the card is still edited
    }
}
