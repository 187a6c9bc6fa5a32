public import Foundation
public import MusterModel

#if canImport(FoundationNetworking)
    public import FoundationNetworking
#endif

/// A message Slack stored: its channel ID and timestamp, which together identify it for updates and threads.
public struct SlackMessage: Hashable, Codable, Sendable {
    public var channel: String
    public var ts: String

    public init(channel: String, ts: String) {
        self.channel = channel
        self.ts = ts
    }
}

/// The Slack Web API methods Muster calls: `chat.postMessage` and `chat.update`, JSON bodies, bot token.
///
/// Slack reports errors as HTTP 200 with `"ok":false`; those become `.slack(<error>)`, HTTP 429 becomes
/// `.rateLimited(retryAfter:)` with the `Retry-After` seconds, a failed connection `.transport`.
public struct SlackClient: Sendable {
    /// The Web API root, `https://slack.com/api/`; the method name is appended.
    public let apiURL: URL
    /// The session that sends the requests; its configuration sets timeouts.
    public let session: URLSession
    private let token: String

    public init(apiURL: URL, token: String, session: URLSession = .shared) {
        self.apiURL = apiURL
        self.token = token
        self.session = session
    }

    /// Posts a message to `channel` (an ID or `#name`), as a reply in the thread of `threadTS` when given.
    @discardableResult
    public func postMessage(
        channel: String, text: String, blocks: JSONValue? = nil, threadTS: String? = nil
    ) async throws(NotifyError) -> SlackMessage {
        var arguments: [String: JSONValue] = [
            "channel": .string(channel), "text": .string(text), "unfurl_links": .bool(false),
        ]
        if let blocks, blocks != .null { arguments["blocks"] = blocks }
        if let threadTS { arguments["thread_ts"] = .string(threadTS) }
        return try await call("chat.postMessage", arguments)
    }

    /// Replaces the text and blocks of the message `ts` in `channel`.
    @discardableResult
    public func update(channel: String, ts: String, text: String, blocks: JSONValue? = nil) async throws(NotifyError)
        -> SlackMessage
    {
        var arguments: [String: JSONValue] = ["channel": .string(channel), "ts": .string(ts), "text": .string(text)]
        if let blocks, blocks != .null { arguments["blocks"] = blocks }
        return try await call("chat.update", arguments)
    }

    /// `POST <apiURL>/<method>` with a JSON body; the `channel` and `ts` of the answer.
    private func call(_ method: String, _ arguments: [String: JSONValue]) async throws(NotifyError) -> SlackMessage {
        var request = URLRequest(url: apiURL.appending(path: method), timeoutInterval: 15)
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json; charset=utf-8", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.httpBody = JSONText.data(.object(arguments))
        let name = HTTPExchange.name(of: request)
        let reply = try await HTTPExchange.send(request, session: session)
        if reply.status == 429 {
            throw NotifyError(.rateLimited(retryAfter: reply.retryAfter), request: name, reason: reply.excerpt)
        }
        guard (200..<300).contains(reply.status) else {
            throw NotifyError(.httpStatus(reply.status), request: name, reason: reply.excerpt)
        }
        guard let json = reply.json, let ok = json["ok"]?.boolValue else {
            throw NotifyError(.malformedResponse, request: name, reason: "no \"ok\" in \(reply.excerpt)")
        }
        guard ok else {
            let error = json["error"]?.stringValue ?? "unknown_error"
            throw NotifyError(.slack(error), request: name, reason: reply.excerpt)
        }
        guard let channel = json["channel"]?.stringValue, let ts = json["ts"]?.stringValue else {
            throw NotifyError(.malformedResponse, request: name, reason: "no channel/ts in \(reply.excerpt)")
        }
        return SlackMessage(channel: channel, ts: ts)
    }
}
