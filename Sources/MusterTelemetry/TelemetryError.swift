public import Foundation

/// A failure to read metrics from a remote source, naming the request, the HTTP status and the reason.
public struct TelemetryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, independent of the wording.
    public enum Code: String, Hashable, Sendable {
        /// The query cannot be expressed (e.g. a metric or label name PromQL does not accept).
        case invalidQuery
        /// The request did not complete (connection refused, timeout, ...).
        case transport
        /// The server answered with a status outside 2xx.
        case httpStatus
        /// The server answered `"status":"error"`.
        case queryFailed
        /// The body is not the JSON the API promises.
        case malformedResponse
    }

    public var code: Code
    /// The request URL, when one was built.
    public var url: URL?
    /// The HTTP status, when the server answered.
    public var status: Int?
    /// A readable reason: the server's `errorType: error`, the decoder's complaint, the transport error.
    public var reason: String

    public init(_ code: Code, url: URL? = nil, status: Int? = nil, reason: String) {
        self.code = code
        self.url = url
        self.status = status
        self.reason = reason
    }

    /// `GET <url>: HTTP <status>: <reason>`, leaving out what is unknown.
    public var description: String {
        var parts: [String] = []
        if let url { parts.append("GET \(url.absoluteString)") }
        if let status { parts.append("HTTP \(status)") }
        parts.append(reason)
        return parts.joined(separator: ": ")
    }
}
