import CMicroHTTPD
@preconcurrency import Glibc
import Synchronization

/// Where libmicrohttpd's error messages go (`MHD_OPTION_EXTERNAL_LOGGER`).
///
/// While the daemon starts they are kept, so a failed start can put them into its ``HTTPError``; afterwards they
/// go to standard error, as `MHD_USE_ERROR_LOG` alone would. The logger runs on whichever thread hit the error.
final class DaemonLog: Sendable {
    /// Messages kept while starting; nil once started.
    private let startupMessages = Mutex<[String]?>([])

    func record(_ message: String) {
        let isKept = startupMessages.withLock { messages in
            guard messages != nil else { return false }
            messages?.append(message)
            return true
        }
        if !isKept {
            fputs("libmicrohttpd: \(message)\n", stderr)
        }
    }

    /// Returns the messages logged while starting, and sends later ones to standard error.
    func finishStartup() -> [String] {
        startupMessages.withLock { messages in
            defer { messages = nil }
            return messages ?? []
        }
    }
}

/// The `MHD_LogCallback`: `cls` is an unretained ``DaemonLog`` that outlives the daemon.
let daemonLogger: MHD_LogCallback = { cls, format, arguments in
    guard let cls, let format, let arguments else { return }
    var text = [CChar](repeating: 0, count: 512)
    _ = vsnprintf(&text, text.count, format, arguments)
    var message = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    while message.last?.isNewline == true { message.removeLast() }
    Unmanaged<DaemonLog>.fromOpaque(cls).takeUnretainedValue().record(message)
}
