import Foundation
import MusterModel
import MusterNotify
import MusterTestSupport
import Testing

struct SlackClientTests {
    @Test func postMessageSendsJSONWithBearerTokenAndReturnsChannelAndTS() async throws {
        let fake = try FakeAPIServer.slack()
        defer { fake.stop() }
        let client = SlackClient(apiURL: fake.baseURL.appending(path: "api/"), token: "xoxb-test")

        let message = try await client.postMessage(channel: "#incidents", text: "hello", blocks: Fixtures.blocks)

        #expect(message == SlackMessage(channel: "C1", ts: "1700000000.000100"))
        let request = try #require(fake.requests.first)
        #expect(fake.requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.target == "/api/chat.postMessage")
        #expect(request.header("Authorization") == "Bearer xoxb-test")
        #expect(request.header("Content-Type") == "application/json; charset=utf-8")
        let body = try #require(request.json?.objectValue)
        #expect(Set(body.keys) == ["channel", "text", "blocks", "unfurl_links"])
        #expect(body["channel"] == .string("#incidents"))
        #expect(body["text"] == .string("hello"))
        #expect(body["blocks"] == Fixtures.blocks)
        #expect(body["unfurl_links"] == .bool(false))
    }

    @Test func threadReplyCarriesThreadTS() async throws {
        let fake = try FakeAPIServer.slack()
        defer { fake.stop() }
        let client = SlackClient(apiURL: fake.baseURL.appending(path: "api/"), token: "xoxb-test")

        try await client.postMessage(channel: "C1", text: "detail", threadTS: "1700000000.000100")

        let body = try #require(fake.posts.first?.json?.objectValue)
        #expect(body["thread_ts"] == .string("1700000000.000100"))
        #expect(body["blocks"] == nil)
    }

    @Test func updateSendsChannelTSTextAndBlocks() async throws {
        let fake = try FakeAPIServer.slack()
        defer { fake.stop() }
        let client = SlackClient(apiURL: fake.baseURL.appending(path: "api/"), token: "xoxb-test")

        let message = try await client.update(
            channel: "C1", ts: "1700000000.000100", text: "new", blocks: Fixtures.blocks)

        #expect(message == SlackMessage(channel: "C1", ts: "1700000000.000100"))
        let request = try #require(fake.updates.first)
        #expect(request.method == "POST")
        #expect(request.header("Authorization") == "Bearer xoxb-test")
        #expect(request.header("Content-Type") == "application/json; charset=utf-8")
        let body = try #require(request.json?.objectValue)
        #expect(Set(body.keys) == ["channel", "ts", "text", "blocks"])
        #expect(body["ts"] == .string("1700000000.000100"))
        #expect(body["text"] == .string("new"))
    }

    @Test func http429BecomesRateLimitedWithRetryAfter() async throws {
        let fake = try FakeAPIServer.slack()
        defer { fake.stop() }
        fake.answerNext(.init(status: 429, headers: ["Retry-After": "7"], body: #"{"ok":false,"error":"ratelimited"}"#))
        let client = SlackClient(apiURL: fake.baseURL.appending(path: "api/"), token: "xoxb-test")

        let error = await #expect(throws: NotifyError.self) {
            try await client.postMessage(channel: "C1", text: "x")
        }
        #expect(error?.code == .rateLimited(retryAfter: 7))
        #expect(error?.isRetryable == true)
    }

    @Test(arguments: [
        ("channel_not_found", false), ("invalid_blocks", false), ("ratelimited", true), ("internal_error", true),
    ])
    func okFalseBecomesSlackError(code: String, isRetryable: Bool) async throws {
        let fake = try FakeAPIServer.slack()
        defer { fake.stop() }
        fake.answerNext(.init(status: 200, body: #"{"ok":false,"error":"\#(code)"}"#))
        let client = SlackClient(apiURL: fake.baseURL.appending(path: "api/"), token: "xoxb-test")

        let error = await #expect(throws: NotifyError.self) {
            try await client.postMessage(channel: "C1", text: "x")
        }
        #expect(error?.code == .slack(code))
        #expect(error?.isRetryable == isRetryable)
    }

    @Test func refusedConnectionIsARetryableTransportError() async throws {
        let fake = try FakeAPIServer.slack()
        let url = fake.baseURL.appending(path: "api/")
        fake.stop()
        try await Task.sleep(for: .milliseconds(50))
        let client = SlackClient(apiURL: url, token: "xoxb-test")

        let error = await #expect(throws: NotifyError.self) {
            try await client.postMessage(channel: "C1", text: "x")
        }
        #expect(error?.code == .transport)
        #expect(error?.isRetryable == true)
    }
}
