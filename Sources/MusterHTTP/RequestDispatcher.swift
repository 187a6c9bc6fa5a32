import Dispatch
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

    /// Runs the handler for `request` and blocks the calling libmicrohttpd worker until it returns.
    ///
    /// Blocking is deliberate: the access handler must queue the response before it returns, and a blocked worker
    /// polls no other socket, so at most `threads` handlers run at once and nothing queues up unbounded behind them.
    /// The handler itself runs on the Swift concurrency pool, which never waits on this semaphore.
    func respond(to request: HTTPRequest) -> HTTPResponse {
        if let immediate = handler.handleImmediately(request) { return immediate }
        let outcome = HandlerOutcome()
        let handler = handler
        Task {
            outcome.fulfill(await handler.handle(request))
        }
        return outcome.wait()
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

/// The handler's response, handed from its task to the blocked worker thread.
private final class HandlerOutcome: Sendable {
    private let response = Mutex<HTTPResponse?>(nil)
    private let done = DispatchSemaphore(value: 0)

    func fulfill(_ value: HTTPResponse) {
        response.withLock { $0 = value }
        done.signal()
    }

    func wait() -> HTTPResponse {
        done.wait()
        return response.withLock { $0 } ?? HTTPResponse(status: 500)
    }
}
