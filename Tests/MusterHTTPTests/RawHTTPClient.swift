import Foundation
@preconcurrency import Glibc

/// A failure of the test client, with the system error text.
struct ClientError: Error, CustomStringConvertible {
    var description: String
}

/// A parsed HTTP/1.1 response.
struct RawResponse: Sendable {
    var status: Int
    /// Headers by lower-cased name.
    var headers: [String: String]
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A blocking HTTP/1.1 client over one loopback TCP connection: exact bytes out, responses parsed back.
/// Use it from one thread (see ``onThread(_:)``); receives time out after 2 s so a bug cannot hang the suite.
final class RawConnection {
    private let socket: Int32
    private var buffer: [UInt8] = []

    init(port: UInt16) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw ClientError(description: "socket: \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)  // generous: CI runs every suite at once on two cores
        _ = setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result = RawConnection.connect(socket, port: port)
        guard result == 0 else {
            let code = errno
            Glibc.close(socket)
            throw ClientError(description: "connect to \(port): \(String(cString: strerror(code)))")
        }
    }

    deinit { Glibc.close(socket) }

    /// Whether a TCP connect to `127.0.0.1:port` is refused right now.
    static func isRefused(port: UInt16) -> Bool {
        let probe = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(probe) }
        return connect(probe, port: port) != 0 && errno == ECONNREFUSED
    }

    private static func connect(_ socket: Int32, port: UInt16) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw ClientError(description: "send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }

    /// Reads one response with a `Content-Length` body.
    func readResponse() throws -> RawResponse {
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = buffer.firstRange(of: separator)?.lowerBound
            if headEnd == nil { try fill() }
        }
        let head = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        buffer.removeFirst(headEnd! + separator.count)
        var lines = head.split(separator: "\r\n").map(String.init)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw ClientError(description: "bad status line in \(head)")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length { try fill() }
        let body = Array(buffer.prefix(length))
        buffer.removeFirst(length)
        return RawResponse(status: status, headers: headers, body: body)
    }

    /// Whether the server has closed the connection (a read returns end of stream).
    func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        return recv(socket, &byte, 1, 0) == 0
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard count > 0 else {
            throw ClientError(
                description: count == 0 ? "connection closed" : "recv: \(String(cString: strerror(errno)))")
        }
        buffer.append(contentsOf: chunk[..<count])
    }
}

/// Runs blocking socket code on its own thread, so it never occupies a thread of the Swift concurrency pool
/// that the server's handlers need.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// Runs `body` with a fresh connection to `port`, on a thread of its own (see ``onThread(_:)``).
func onConnection<T: Sendable>(
    port: UInt16, _ body: @escaping @Sendable (RawConnection) throws -> T
) async throws -> T {
    try await onThread { try body(RawConnection(port: port)) }
}

/// One request on a fresh connection.
func exchange(port: UInt16, _ request: String) async throws -> RawResponse {
    try await onConnection(port: port) { connection in
        try connection.send(request)
        return try connection.readResponse()
    }
}
