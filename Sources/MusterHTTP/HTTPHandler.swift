/// Answers requests for an ``HTTPServer``.
///
/// The server calls ``respond(to:reply:)`` on a libmicrohttpd worker thread, which must not block; by default it
/// answers with ``handleImmediately(_:)`` when that gives a response, and otherwise runs ``handle(_:)`` in a task.
/// Handlers may be called concurrently for different requests (at most ``HTTPServerConfiguration/maxInFlight``).
public protocol HTTPHandler: Sendable {
    /// Returns the response to `request`. Errors are the handler's to map to a status.
    func handle(_ request: HTTPRequest) async -> HTTPResponse

    /// Answers on the worker thread itself, without a task, when the work is short and synchronous;
    /// nil sends the request to `handle(_:)`. Must not block on async work.
    func handleImmediately(_ request: HTTPRequest) -> HTTPResponse?

    /// Starts answering `request`: the answer goes to `reply`, from any thread, now or later. Must not block.
    func respond(to request: HTTPRequest, reply: HTTPReply)
}

extension HTTPHandler {
    public func handleImmediately(_ request: HTTPRequest) -> HTTPResponse? { nil }

    public func respond(to request: HTTPRequest, reply: HTTPReply) {
        if let immediate = handleImmediately(request) {
            reply.send(immediate)
            return
        }
        Task { reply.send(await handle(request)) }
    }
}
