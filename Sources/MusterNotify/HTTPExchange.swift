import Foundation
import MusterModel

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One answered HTTP request: status, headers (looked up case-insensitively) and body.
struct HTTPReply: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data

    func header(_ name: String) -> String? {
        headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The body as JSON, nil when it is not JSON.
    var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: body) }

    /// The first 200 characters of the body, for error messages.
    var excerpt: String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return body.count > 200 ? text + "…" : text
    }

    /// Seconds to wait from `Retry-After` (Slack, RFC 9110 delta-seconds) or `ratelimit-reset` (PagerDuty).
    var retryAfter: TimeInterval? {
        for name in ["Retry-After", "ratelimit-reset"] {
            if let text = header(name)?.trimmingCharacters(in: .whitespaces), let seconds = Double(text),
                seconds.isFinite, seconds >= 0
            {
                return seconds
            }
        }
        return nil
    }
}

/// Sends requests with a `URLSession`; every failure to get an answer becomes a `NotifyError` naming the request.
enum HTTPExchange {
    /// `METHOD url`, as errors name a request.
    static func name(of request: URLRequest) -> String {
        "\(request.httpMethod ?? "GET") \(request.url?.absoluteString ?? "?")"
    }

    static func send(_ request: URLRequest, session: URLSession) async throws(NotifyError) -> HTTPReply {
        let body: Data
        let response: URLResponse
        do {
            (body, response) = try await session.data(for: request)
        } catch {
            throw NotifyError(.transport, request: name(of: request), reason: error.localizedDescription)
        }
        guard let http = response as? HTTPURLResponse else {
            throw NotifyError(.transport, request: name(of: request), reason: "not an HTTP response")
        }
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key] = value }
        }
        return HTTPReply(status: http.statusCode, headers: headers, body: body)
    }
}
