/// Answers requests for an ``HTTPServer``.
///
/// `handle(_:)` runs in a task on the Swift concurrency pool, never on a libmicrohttpd thread, and may be
/// called concurrently for different requests (at most ``HTTPServerConfiguration/maxInFlight`` at a time).
public protocol HTTPHandler: Sendable {
    /// Returns the response to `request`. Errors are the handler's to map to a status.
    func handle(_ request: HTTPRequest) async -> HTTPResponse

    /// Answers on the libmicrohttpd worker thread itself, without a task, when the work is short and
    /// synchronous (a durable insert); nil sends the request to `handle(_:)`. Must not block on async work.
    func handleImmediately(_ request: HTTPRequest) -> HTTPResponse?
}

extension HTTPHandler {
    public func handleImmediately(_ request: HTTPRequest) -> HTTPResponse? { nil }
}
