import Foundation
@preconcurrency import Glibc

/// A failure of the intake bench: a socket call, a child process or a check, with the system's words.
struct IntakeBenchError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }

    static func system(_ call: String) -> IntakeBenchError {
        IntakeBenchError("\(call): \(String(cString: strerror(errno)))")
    }
}

/// A blocking HTTP/1.1 client over one keep-alive loopback TCP connection, for the intake bench.
///
/// Not thread-safe: one connection belongs to one thread (see ``onBenchThread(_:)``). Receives time out after
/// 5 s so a stalled server cannot hang the bench. Reads `Content-Length` and chunked bodies.
final class BenchHTTPConnection {
    private let socket: Int32
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    /// Connects to `127.0.0.1:port`.
    init(port: UInt16) throws(IntakeBenchError) {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw .system("socket") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        _ = setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var noDelay: Int32 = 1
        _ = setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let error = IntakeBenchError.system("connect to 127.0.0.1:\(port)")
            Glibc.close(socket)
            throw error
        }
    }

    deinit { Glibc.close(socket) }

    /// Sends one request (complete bytes, keep-alive) and reads its response; returns the status code.
    func exchange(_ request: [UInt8]) throws(IntakeBenchError) -> Int {
        try send(request)
        return try readResponse()
    }

    /// A request with a JSON body (none for `GET`), as bytes ready to send.
    static func request(
        _ method: String, path: String, port: UInt16, body: [UInt8] = [], headers: [String: String] = [:]
    ) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        if method != "GET" { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        return Array((head + "\r\n").utf8) + body
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
    static func freePort() throws(IntakeBenchError) -> UInt16 {
        let probe = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { throw .system("socket") }
        defer { Glibc.close(probe) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(probe, $0, length) == 0 && getsockname(probe, $0, &length) == 0
            }
        }
        guard bound else { throw .system("bind 127.0.0.1:0") }
        return UInt16(bigEndian: address.sin_port)
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return address
    }

    private func send(_ bytes: [UInt8]) throws(IntakeBenchError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw .system("send") }
            offset += sent
        }
    }

    private func readResponse() throws(IntakeBenchError) -> Int {
        let headEnd = try position(of: Self.headSeparator)
        // The head is parsed as bytes: splitting a `String` by lines walks grapheme clusters, and it showed up as
        // a tenth of the whole bench's CPU (time the client takes from the server it measures).
        let head = HTTPHead(buffer[..<headEnd])
        buffer.removeFirst(headEnd + Self.headSeparator.count)
        guard let status = head.status else {
            throw IntakeBenchError("bad status line: \(String(decoding: head.statusLine, as: UTF8.self))")
        }
        if head.isChunked { try skipChunks() } else { try skip(head.contentLength) }
        return status
    }

    private func skipChunks() throws(IntakeBenchError) {
        while true {
            let lineEnd = try position(of: Self.lineSeparator)
            let sizeText = String(decoding: buffer[..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw IntakeBenchError("bad chunk size '\(sizeText)'")
            }
            buffer.removeFirst(lineEnd + Self.lineSeparator.count)
            if size == 0 {
                // No trailers are expected: the last chunk is followed by an empty line.
                _ = try position(of: Self.lineSeparator)
                buffer.removeFirst(Self.lineSeparator.count)
                return
            }
            try skip(size + Self.lineSeparator.count)
        }
    }

    private func skip(_ count: Int) throws(IntakeBenchError) {
        while buffer.count < count { try fill() }
        buffer.removeFirst(count)
    }

    /// Where `separator` starts in the buffer, reading more until it arrives.
    private func position(of separator: [UInt8]) throws(IntakeBenchError) -> Int {
        var start = 0
        while true {
            if let found = Self.find(separator, in: buffer, from: start) { return found }
            start = max(0, buffer.count - separator.count + 1)
            try fill()
        }
    }

    /// A plain byte scan: `firstRange(of:)` on `[UInt8]` goes through Foundation's generic `DataProtocol`
    /// search, which showed up in the bench's own profile.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, let first = needle.first else { return nil }
        return haystack.withUnsafeBufferPointer { bytes in
            var index = start
            while index <= bytes.count - needle.count {
                if bytes[index] == first && (1..<needle.count).allSatisfy({ bytes[index + $0] == needle[$0] }) {
                    return index
                }
                index += 1
            }
            return nil
        }
    }

    private func fill() throws(IntakeBenchError) {
        let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard count > 0 else {
            throw count == 0 ? IntakeBenchError("connection closed by the server") : .system("recv")
        }
        buffer.append(contentsOf: chunk[..<count])
    }

    private static let headSeparator = Array("\r\n\r\n".utf8)
    private static let lineSeparator = Array("\r\n".utf8)
}

/// The parts of a response head the bench needs, read from its bytes (ASCII, lines ending in CRLF).
struct HTTPHead {
    var statusLine: ArraySlice<UInt8> = []
    var status: Int?
    var contentLength = 0
    var isChunked = false

    init(_ bytes: ArraySlice<UInt8>) {
        var lines = bytes.split(separator: 13, omittingEmptySubsequences: false).map { line in
            line.first == 10 ? line.dropFirst() : line
        }[...]
        statusLine = lines.popFirst() ?? []
        // "HTTP/1.1 202 Accepted": the three digits after the first space.
        if let space = statusLine.firstIndex(of: 32) {
            let digits = statusLine[(space + 1)...].prefix { (48...57).contains($0) }
            status = digits.count == 3 ? digits.reduce(0) { $0 * 10 + Int($1 - 48) } : nil
        }
        for line in lines {
            guard let colon = line.firstIndex(of: 58) else { continue }
            let name = line[..<colon].map { (65...90).contains($0) ? $0 + 32 : $0 }
            let value = line[(colon + 1)...].drop { $0 == 32 || $0 == 9 }
            if name.elementsEqual("content-length".utf8) {
                contentLength = value.prefix { (48...57).contains($0) }.reduce(0) { $0 * 10 + Int($1 - 48) }
            } else if name.elementsEqual("transfer-encoding".utf8) {
                isChunked = String(decoding: value, as: UTF8.self).lowercased().contains("chunked")
            }
        }
    }
}

/// Runs blocking socket code on a thread of its own, so the servers' handlers keep the Swift concurrency pool.
func onBenchThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
