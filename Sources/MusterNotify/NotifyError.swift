public import Foundation

/// A failed notification call or outbox operation: what went wrong, whether retrying can help, and the request.
public struct NotifyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, independent of the wording.
    public enum Code: Hashable, Sendable {
        /// HTTP 429: wait `retryAfter` seconds (from `Retry-After` or `ratelimit-reset`) when the server said.
        case rateLimited(retryAfter: TimeInterval?)
        /// Slack answered `{"ok":false,"error":"<code>"}`.
        case slack(String)
        /// The server answered with a status outside 2xx (other than 429).
        case httpStatus(Int)
        /// The request did not complete (connection refused, timeout, ...).
        case transport
        /// The body is not the JSON the API promises.
        case malformedResponse
        /// The outbox database failed.
        case storage
        /// A row cannot be sent as stored (unknown kind, bad payload, missing root, client not configured).
        case invalidMessage
    }

    public var code: Code
    /// The request, `POST https://slack.com/api/chat.postMessage`, when one was made.
    public var request: String?
    /// A readable reason: the server's message, the transport error, the decoder's complaint.
    public var reason: String

    public init(_ code: Code, request: String? = nil, reason: String) {
        self.code = code
        self.request = request
        self.reason = reason
    }

    /// Slack error codes that mean "try again later"; every other `ok:false` is permanent.
    static let retryableSlackErrors: Set<String> = [
        "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout",
    ]

    /// Whether a later attempt of the same call can succeed.
    public var isRetryable: Bool {
        switch code {
        case .rateLimited, .transport: true
        case .slack(let error): Self.retryableSlackErrors.contains(error)
        case .httpStatus(let status): status >= 500 || status == 408
        case .malformedResponse, .storage, .invalidMessage: false
        }
    }

    /// `<request>: <code>: <reason>`, leaving out what is unknown.
    public var description: String {
        var parts: [String] = []
        if let request { parts.append(request) }
        switch code {
        case .rateLimited(let seconds):
            parts.append(seconds.map { "rate limited (retry after \($0)s)" } ?? "rate limited")
        case .slack(let error): parts.append("slack error \(error)")
        case .httpStatus(let status): parts.append("HTTP \(status)")
        case .transport: parts.append("transport")
        case .malformedResponse: parts.append("malformed response")
        case .storage: parts.append("storage")
        case .invalidMessage: parts.append("invalid message")
        }
        if !reason.isEmpty { parts.append(reason) }
        return parts.joined(separator: ": ")
    }
}
