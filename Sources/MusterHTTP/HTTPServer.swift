import Synchronization

/// An HTTP/1.1 server on libmicrohttpd that hands each request to an ``HTTPHandler``.
///
/// Sendable because its only mutable state, the running daemon, lives in a `Mutex`. libmicrohttpd worker threads
/// never take that lock; they share only the immutable, Sendable ``RequestDispatcher``.
public final class HTTPServer: Sendable {
    private enum State {
        case idle
        case running(Daemon)
        case draining(Daemon)
        case stopped
    }

    private let configuration: HTTPServerConfiguration
    private let dispatcher: RequestDispatcher
    private let state = Mutex(State.idle)
    /// How long ``shutdown()`` waits for in-flight requests before stopping the daemon anyway.
    private let drainTimeout: Duration

    /// Validates `configuration`; nothing listens until ``start()``.
    public convenience init(configuration: HTTPServerConfiguration, handler: any HTTPHandler) throws(HTTPError) {
        try self.init(configuration: configuration, handler: handler, drainTimeout: .seconds(10))
    }

    init(configuration: HTTPServerConfiguration, handler: any HTTPHandler, drainTimeout: Duration) throws(HTTPError) {
        func require(_ condition: Bool, _ message: String) throws(HTTPError) {
            if !condition { throw HTTPError(code: .invalidConfiguration, message: message) }
        }
        try require(
            ipv4Address(host: configuration.host, port: 0) != nil, "host '\(configuration.host)' is not an IPv4 address"
        )
        try require(configuration.threads >= 1, "threads must be at least 1, got \(configuration.threads)")
        try require(
            configuration.maxBodyBytes >= 0, "maxBodyBytes must not be negative, got \(configuration.maxBodyBytes)")
        try require(configuration.maxInFlight >= 1, "maxInFlight must be at least 1, got \(configuration.maxInFlight)")
        try require(configuration.retryAfterSeconds >= 0, "retryAfterSeconds must not be negative")
        try require(configuration.connectionTimeout >= 0, "connectionTimeout must not be negative")
        self.configuration = configuration
        self.dispatcher = RequestDispatcher(handler: handler, configuration: configuration)
        self.drainTimeout = drainTimeout
    }

    /// Binds and starts the worker threads. Throws if already started or shut down, or if libmicrohttpd fails.
    public func start() throws(HTTPError) {
        try state.withLock { (state: inout State) throws(HTTPError) in
            guard case .idle = state else {
                throw HTTPError(code: .invalidState, message: "start() called on a server that was already started")
            }
            state = .running(try Daemon(configuration: configuration, dispatcher: dispatcher))
        }
    }

    /// The bound port: the kernel's choice when port 0 was configured. Before ``start()``, the configured port.
    public var port: UInt16 {
        state.withLock { state in
            switch state {
            case .running(let daemon), .draining(let daemon): daemon.port
            case .idle, .stopped: configuration.port
            }
        }
    }

    /// Stops gracefully: refuses new connections, lets in-flight requests finish and send their responses
    /// (up to 10 s), then stops the daemon. Idempotent; safe to call concurrently.
    public func shutdown() async {
        let isDraining = state.withLock { state in
            switch state {
            case .idle:
                state = .stopped
                return false
            case .running(let daemon):
                daemon.quiesce()
                state = .draining(daemon)
                return true
            case .draining:
                return true
            case .stopped:
                return false
            }
        }
        guard isDraining else { return }
        if await !dispatcher.waitUntilIdle(timeout: drainTimeout) {
            // libmicrohttpd must not stop with a suspended connection: answer what still waits.
            dispatcher.suspended.closeAll()
            _ = await dispatcher.waitUntilIdle(timeout: .milliseconds(500))
        }
        dispatcher.suspended.closeAll()
        // Releasing the daemon stops it; MHD_stop_daemon waits for access-handler calls still running.
        state.withLock { $0 = .stopped }
    }

    deinit {
        // A server dropped without shutdown() stops here, without the grace period.
        dispatcher.suspended.closeAll()
        state.withLock { $0 = .stopped }
    }
}
