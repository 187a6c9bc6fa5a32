/// One HTTP request, fully received, as handed to an ``HTTPHandler``.
public struct HTTPRequest: Sendable {
    /// The request method as sent, e.g. `GET`.
    public var method: String
    /// The percent-decoded path without the query string, e.g. `/v1/alerts`.
    public var path: String
    /// Percent-decoded query arguments; a bare `?flag` maps to an empty string. The last duplicate wins.
    public var query: [String: String]
    /// Request headers keyed by lower-cased name; repeated headers are joined with `", "`.
    public var headers: [String: String]
    /// The request body, at most ``HTTPServerConfiguration/maxBodyBytes`` long.
    public var body: [UInt8]
    /// The peer's numeric address (`127.0.0.1`), when the socket layer knows it.
    public var remoteAddress: String?

    /// Creates a request; handlers can be tested with these values without any socket.
    public init(
        method: String,
        path: String,
        query: [String: String] = [:],
        headers: [String: String] = [:],
        body: [UInt8] = [],
        remoteAddress: String? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }
}
