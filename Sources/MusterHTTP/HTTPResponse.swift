/// The answer to an ``HTTPRequest``.
///
/// `Content-Length` is computed from ``body`` by the server; a `content-length` entry in ``headers`` is ignored.
public struct HTTPResponse: Sendable {
    /// The status code, e.g. `200`.
    public var status: Int
    /// Response headers, written as given.
    public var headers: [String: String]
    /// The response body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response whose body is already-encoded JSON text, sent as `application/json; charset=utf-8`.
    public static func json(_ status: Int, _ body: String) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["Content-Type": "application/json; charset=utf-8"], body: Array(body.utf8))
    }

    /// A plain-text response, sent as `text/plain; charset=utf-8`.
    public static func text(_ status: Int, _ body: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(body.utf8))
    }

    /// The JSON error the server itself answers with (`413`, `503`): `{"error":"<code>","message":"<message>"}`.
    ///
    /// `code` and `message` are fixed ASCII strings written by this module, so they need no escaping.
    static func serverError(_ status: Int, code: String, message: String, headers: [String: String] = [:])
        -> HTTPResponse
    {
        var response = HTTPResponse.json(status, #"{"error":"\#(code)","message":"\#(message)"}"#)
        response.headers.merge(headers) { _, new in new }
        return response
    }
}
