public import Foundation
import MusterModel

#if canImport(FoundationNetworking)
    public import FoundationNetworking
#endif

/// The PagerDuty REST API v2 calls Muster makes: add a note to an incident, merge incidents.
///
/// Every request carries `Authorization: Token token=<key>`, the v2 `Accept` type, a JSON body and the
/// `From` header (the email of a valid PagerDuty user, required on writes). HTTP 429 becomes
/// `.rateLimited(retryAfter:)` with the `ratelimit-reset` (or `Retry-After`) seconds.
public struct PagerDutyClient: Sendable {
    /// The API root, `https://api.pagerduty.com`.
    public let apiURL: URL
    /// The email of the PagerDuty user the writes are made as.
    public let from: String
    /// The session that sends the requests; its configuration sets timeouts.
    public let session: URLSession
    private let token: String

    public init(apiURL: URL, token: String, from: String, session: URLSession = .shared) {
        self.apiURL = apiURL
        self.token = token
        self.from = from
        self.session = session
    }

    /// `POST /incidents/{id}/notes`; the new note's id when PagerDuty returns one.
    @discardableResult
    public func addNote(incidentID: String, content: String) async throws(NotifyError) -> String? {
        let body: JSONValue = .object(["note": .object(["content": .string(content)])])
        let reply = try await send("POST", "incidents/\(incidentID)/notes", body)
        return reply["note"]?["id"]?.stringValue
    }

    /// `PUT /incidents/{target}/merge`: moves the alerts of `sources` into `target` and resolves them.
    public func merge(into target: String, sources: [String]) async throws(NotifyError) {
        let references = sources.map { JSONValue.object(["id": .string($0), "type": .string("incident_reference")]) }
        _ = try await send("PUT", "incidents/\(target)/merge", .object(["source_incidents": .array(references)]))
    }

    private func send(_ method: String, _ path: String, _ body: JSONValue) async throws(NotifyError) -> JSONValue {
        var request = URLRequest(url: apiURL.appending(path: path), timeoutInterval: 15)
        request.httpMethod = method
        request.setValue("Token token=\(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/vnd.pagerduty+json;version=2", forHTTPHeaderField: "Accept")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(from, forHTTPHeaderField: "From")
        request.httpBody = JSONText.data(body)
        let name = HTTPExchange.name(of: request)
        let reply = try await HTTPExchange.send(request, session: session)
        let reason = reply.json?["error"]?["message"]?.stringValue ?? reply.excerpt
        if reply.status == 429 {
            throw NotifyError(.rateLimited(retryAfter: reply.retryAfter), request: name, reason: reason)
        }
        guard (200..<300).contains(reply.status) else {
            throw NotifyError(.httpStatus(reply.status), request: name, reason: reason)
        }
        return reply.json ?? .null
    }
}
