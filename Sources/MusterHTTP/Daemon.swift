import CMicroHTTPD
@preconcurrency import Glibc

/// Owns one running `MHD_Daemon`: started in `init`, stopped in `deinit`.
///
/// Not Sendable: ``HTTPServer`` keeps it inside its lock. It holds the ``RequestDispatcher`` whose pointer the
/// callbacks receive, and releases it only after `MHD_stop_daemon` has joined every worker thread.
final class Daemon {
    private let pointer: OpaquePointer
    let dispatcher: RequestDispatcher
    /// The bound port, read back from libmicrohttpd (the real one when port 0 was asked).
    let port: UInt16
    /// The listening socket handed back by `MHD_quiesce_daemon`; ours to close after `MHD_stop_daemon`.
    private var quiescedSocket: Int32?

    /// Starts the daemon with worker threads polling through epoll.
    init(configuration: HTTPServerConfiguration, dispatcher: RequestDispatcher) throws(HTTPError) {
        guard var address = ipv4Address(host: configuration.host, port: configuration.port) else {
            throw HTTPError(
                code: .invalidConfiguration, message: "host '\(configuration.host)' is not an IPv4 address")
        }
        let flags =
            MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue
            | MHD_USE_ERROR_LOG.rawValue  // messages go to the external logger
        let context = Unmanaged.passUnretained(dispatcher).toOpaque()
        errno = 0
        let started = withUnsafeMutablePointer(to: &address) { address in
            var options = [
                cmhd_option_external_logger(daemonLogger, Unmanaged.passUnretained(dispatcher.log).toOpaque()),
                MHD_OptionItem(option: .CONNECTION_TIMEOUT, value: configuration.connectionTimeout, ptr_value: nil),
                MHD_OptionItem(option: .SOCK_ADDR, value: 0, ptr_value: UnsafeMutableRawPointer(address)),
                cmhd_option_notify_completed(requestCompleted, context),
            ]
            // One thread is the polling thread itself; a pool of 1 draws a warning and is ignored.
            if configuration.threads > 1 {
                options.append(MHD_OptionItem(option: .THREAD_POOL_SIZE, value: configuration.threads, ptr_value: nil))
            }
            options.append(MHD_OptionItem(option: .END, value: 0, ptr_value: nil))
            return cmhd_start(UInt32(flags), configuration.port, accessHandler, context, &options)
        }
        let code = errno
        let messages = dispatcher.log.finishStartup()
        guard let started else {
            var reasons = messages
            if code != 0, !reasons.contains(where: { $0.contains(systemErrorText(code)) }) {
                reasons.append(systemErrorText(code))
            }
            throw HTTPError(
                code: .startFailed,
                message: "MHD_start_daemon failed for \(configuration.host):\(configuration.port) "
                    + "with \(configuration.threads) threads: "
                    + (reasons.isEmpty ? "no reason given" : reasons.joined(separator: "; ")))
        }
        let port = cmhd_daemon_port(started)
        guard port != 0 else {
            MHD_stop_daemon(started)
            throw HTTPError(code: .startFailed, message: "MHD_get_daemon_info(MHD_DAEMON_INFO_BIND_PORT) gave no port")
        }
        self.pointer = started
        self.dispatcher = dispatcher
        self.port = port
    }

    /// Stops accepting: libmicrohttpd stops polling the listening socket and we shut it down, so new connections
    /// are refused at once instead of waiting in the backlog. Open connections carry on. Idempotent.
    func quiesce() {
        guard quiescedSocket == nil else { return }
        let socket = MHD_quiesce_daemon(pointer)
        guard socket >= 0 else { return }
        // shutdown, not close: libmicrohttpd may still hold the descriptor until MHD_stop_daemon.
        _ = Glibc.shutdown(socket, Int32(SHUT_RDWR))
        quiescedSocket = socket
    }

    deinit {
        MHD_stop_daemon(pointer)
        if let quiescedSocket {
            _ = Glibc.close(quiescedSocket)
        }
    }
}

@available(*, unavailable)
extension Daemon: Sendable {}
