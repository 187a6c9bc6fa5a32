/// Answers requests for an ``HTTPServer``.
///
/// `handle(_:)` runs in a task on the Swift concurrency pool, never on a libmicrohttpd thread, and may be
/// called concurrently for different requests (at most ``HTTPServerConfiguration/maxInFlight`` at a time).
public protocol HTTPHandler: Sendable {
    /// Returns the response to `request`. Errors are the handler's to map to a status.
    func handle(_ request: HTTPRequest) async -> HTTPResponse
}
