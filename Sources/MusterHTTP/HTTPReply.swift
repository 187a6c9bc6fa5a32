import CMicroHTTPD
import Synchronization

/// The way back to one request's client. A handler answers through it exactly once, from any thread, at any time.
///
/// A worker thread of libmicrohttpd never waits for an answer. An answer given while the handler call is still
/// running (an intake commit that led its own group, a `401`) is queued as soon as the call returns. Otherwise the
/// worker suspends the connection and polls its other sockets; ``send(_:)`` then queues the answer and resumes the
/// connection. A second answer, or one given after the server stopped, is dropped.
public final class HTTPReply: Sendable {
    private enum State {
        /// The access-handler call that dispatched the request is still running.
        case handling
        /// Answered during that call; the call queues it on return.
        case answered(HTTPResponse)
        /// The call returned without an answer and suspended the connection.
        case suspended
        /// The answer went to libmicrohttpd, or the server stopped waiting for one.
        case closed
    }

    private let connection: Connection
    private let state = Mutex(State.handling)
    /// Told when the connection is suspended and when it resumes, so shutdown can answer what is still open.
    private let registry: SuspendedReplies?

    init(connection: OpaquePointer, registry: SuspendedReplies?) {
        self.connection = Connection(pointer: connection)
        self.registry = registry
    }

    /// A reply with no connection behind it, for calling a handler outside a server: it only keeps the answer.
    public init() {
        self.connection = Connection(pointer: nil)
        self.registry = nil
    }

    /// Answers the request. Only the first call counts.
    public func send(_ response: HTTPResponse) {
        let resumed = state.withLock { state -> Bool in
            switch state {
            case .handling:
                state = .answered(response)
                return false
            case .suspended:
                state = .closed
                guard let pointer = connection.pointer else { return false }
                // libmicrohttpd takes a response for a suspended connection from any thread and sends it on resume.
                _ = queue(response, on: pointer)
                MHD_resume_connection(pointer)
                return true
            case .answered, .closed:
                return false
            }
        }
        if resumed { registry?.remove(self) }
    }

    /// The answer given so far, if any (for replies without a connection).
    public var response: HTTPResponse? {
        state.withLock { state in
            if case .answered(let response) = state { return response }
            return nil
        }
    }

    /// Called by the access handler when its call is about to return: queues an answer already given, or
    /// suspends the connection until ``send(_:)``. Runs on the worker thread that owns the connection.
    func finishHandling() -> MHD_Result {
        guard let pointer = connection.pointer else { return .NO }
        return state.withLock { state -> MHD_Result in
            switch state {
            case .answered(let response):
                state = .closed
                return queue(response, on: pointer)
            case .handling:
                guard registry?.insert(self) ?? true else {
                    state = .closed
                    return queue(SuspendedReplies.stopping, on: pointer)
                }
                state = .suspended
                // Under the lock: a concurrent `send` resumes only a connection that is already suspended.
                MHD_suspend_connection(pointer)
                return .YES
            case .suspended, .closed:
                return .NO
            }
        }
    }
}

extension HTTPReply: Hashable {
    public static func == (lhs: HTTPReply, rhs: HTTPReply) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// A libmicrohttpd connection pointer. libmicrohttpd allows queueing and resuming a suspended connection from any
/// thread; ``HTTPReply`` does both only under its lock and only while the connection is suspended.
private struct Connection: @unchecked Sendable {
    let pointer: OpaquePointer?
}

/// The replies whose connections are suspended: libmicrohttpd must not be stopped while one is.
final class SuspendedReplies: Sendable {
    private let state = Mutex<(replies: Set<HTTPReply>, isClosed: Bool)>(([], false))

    /// What a request still waiting when the server stops is answered.
    static let stopping = HTTPResponse.serverError(
        503, code: "shutting_down", message: "the server is stopping; retry", headers: ["Retry-After": "1"])

    /// Registers a reply about to be suspended; false once ``closeAll()`` ran (answer at once instead).
    func insert(_ reply: HTTPReply) -> Bool {
        state.withLock { state in
            guard !state.isClosed else { return false }
            state.replies.insert(reply)
            return true
        }
    }

    func remove(_ reply: HTTPReply) { state.withLock { _ = $0.replies.remove(reply) } }

    /// Answers every suspended request with ``stopping`` and suspends no more, so that no connection is
    /// suspended when the daemon stops.
    func closeAll() {
        let open = state.withLock { state in
            state.isClosed = true
            defer { state.replies.removeAll() }
            return state.replies
        }
        for reply in open { reply.send(Self.stopping) }
    }
}
