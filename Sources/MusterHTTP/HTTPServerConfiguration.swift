/// How an ``HTTPServer`` listens and what it refuses.
public struct HTTPServerConfiguration: Sendable {
    /// The IPv4 address to bind, e.g. `127.0.0.1` or `0.0.0.0`.
    public var host: String = "127.0.0.1"
    /// The TCP port; `0` asks the kernel for a free one (read it back from ``HTTPServer/port``).
    public var port: UInt16 = 8080
    /// libmicrohttpd worker threads, each polling its share of the connections. A worker never waits for a
    /// handler: a request whose answer is not ready has its connection suspended until it is.
    public var threads: Int = 4
    /// Largest accepted request body; a larger one is answered `413` without being buffered.
    public var maxBodyBytes: Int = 1 << 20
    /// Most requests handled (handler running, answer pending, or response being sent) at once; the next one
    /// is answered `503` with `Retry-After`.
    public var maxInFlight: Int = 256
    /// The `Retry-After` value, in seconds, sent with `503`.
    public var retryAfterSeconds: Int = 1
    /// Seconds a connection may stay idle before libmicrohttpd closes it.
    public var connectionTimeout: Int = 30

    /// Creates a configuration; every value has the default documented on its property.
    public init(
        host: String = "127.0.0.1",
        port: UInt16 = 8080,
        threads: Int = 4,
        maxBodyBytes: Int = 1 << 20,
        maxInFlight: Int = 256,
        retryAfterSeconds: Int = 1,
        connectionTimeout: Int = 30
    ) {
        self.host = host
        self.port = port
        self.threads = threads
        self.maxBodyBytes = maxBodyBytes
        self.maxInFlight = maxInFlight
        self.retryAfterSeconds = retryAfterSeconds
        self.connectionTimeout = connectionTimeout
    }
}
