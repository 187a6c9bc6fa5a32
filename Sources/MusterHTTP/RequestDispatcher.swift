import Synchronization

/// The state the libmicrohttpd callbacks share: the handler, the limits and the in-flight count.
///
/// An unretained pointer to it is the `cls` of every callback; ``Daemon`` keeps it alive until
/// `MHD_stop_daemon` has returned, so no callback can outlive it. Callbacks run on libmicrohttpd worker threads.
final class RequestDispatcher: Sendable {
    let handler: any HTTPHandler
    let configuration: HTTPServerConfiguration
    /// libmicrohttpd's error messages.
    let log = DaemonLog()
    /// Requests whose connections wait, suspended, for their answer.
    let suspended = SuspendedReplies()
    /// Requests between the start of their handler and libmicrohttpd's completion notice.
    private let inFlight = Mutex(0)

    init(handler: any HTTPHandler, configuration: HTTPServerConfiguration) {
        self.handler = handler
        self.configuration = configuration
    }

    /// Requests being handled or still being answered.
    var inFlightCount: Int { inFlight.withLock { $0 } }

    /// Takes a handling slot, or returns false when ``HTTPServerConfiguration/maxInFlight`` are taken.
    func acquireSlot() -> Bool {
        inFlight.withLock { count in
            guard count < configuration.maxInFlight else { return false }
            count += 1
            return true
        }
    }

    /// Gives back a slot taken by ``acquireSlot()``; called once the response has been sent (or the connection died).
    func releaseSlot() {
        inFlight.withLock { $0 -= 1 }
    }

    /// Hands `request` to the handler, which answers through `reply` now or later. Never blocks the worker:
    /// concurrency is bounded by ``HTTPServerConfiguration/maxInFlight``, not by the worker threads.
    func dispatch(_ request: HTTPRequest, reply: HTTPReply) {
        handler.respond(to: request, reply: reply)
    }

    /// Waits until no request is in flight or `timeout` has passed; returns whether it drained.
    func waitUntilIdle(timeout: Duration) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while inFlightCount > 0 {
            guard clock.now < deadline else { return false }
            try? await clock.sleep(for: .milliseconds(5))
        }
        return true
    }
}
