/// An error of the HTTP server: a bad configuration or a libmicrohttpd failure.
public struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable, Equatable {
        /// A configuration value is out of range or unparseable.
        case invalidConfiguration
        /// `MHD_start_daemon` returned NULL (port in use, no permission, thread creation failed, ...).
        case startFailed
        /// ``HTTPServer/start()`` was called on a server that is running or was shut down.
        case invalidState
    }

    /// What went wrong.
    public var code: Code
    /// Context: the failing call, the values involved and the system error, if any.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
