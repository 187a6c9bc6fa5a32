import Foundation
import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A test HTTP/1.1 server on 127.0.0.1 with an ephemeral port: one connection at a time, one canned
/// response per request (in order), every request target recorded. Serves on its own thread until `stop()`.
final class LoopbackHTTPServer: Sendable {
    struct Response: Sendable {
        var status: Int
        var body: String
        var contentType = "application/json"
    }

    struct SocketError: Error, CustomStringConvertible {
        var call: String
        var code: Int32
        var description: String { "\(call): \(String(cString: strerror(code)))" }
    }

    let port: UInt16
    private let listener: Int32
    private let state: Mutex<(responses: [Response], targets: [String])>

    init(responses: [Response]) throws {
        state = Mutex((responses, []))
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw SocketError(call: "socket", code: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && listen(descriptor, 16) == 0
                    && getsockname(descriptor, address, &length) == 0
            }
        }
        guard bound else {
            let code = errno
            close(descriptor)
            throw SocketError(call: "bind/listen", code: code)
        }
        listener = descriptor
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// `http://127.0.0.1:<port>`
    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// The request targets (`/path?query`) received so far, in order.
    var targets: [String] { state.withLock { $0.targets } }

    /// Stops accepting: `accept` fails from now on, and the serving thread closes the socket and ends.
    ///
    /// Only the serving thread closes the listener, so its descriptor cannot be reused by another
    /// server (of a test running in parallel) while that thread still accepts on it.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func serve() {
        defer { close(listener) }
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0, errno == EINTR { continue }
            guard connection >= 0 else { return }
            handle(connection)
            close(connection)
        }
    }

    private func handle(_ connection: Int32) {
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !request.containsHeaderEnd {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return }
            request += buffer[0..<count]
        }
        let line = String(decoding: request, as: UTF8.self).prefix { $0 != "\r" }
        let target = line.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        let response = state.withLock { state in
            state.targets.append(target)
            return state.responses.isEmpty
                ? Response(status: 500, body: "no canned response left", contentType: "text/plain")
                : state.responses.removeFirst()
        }
        let body = Array(response.body.utf8)
        let head =
            "HTTP/1.1 \(response.status) Canned\r\nContent-Type: \(response.contentType)\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array(head.utf8) + body
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            sent += count
        }
    }
}

extension [UInt8] {
    fileprivate var containsHeaderEnd: Bool {
        count >= 4 && (0...(count - 4)).contains { self[$0..<($0 + 4)].elementsEqual([13, 10, 13, 10]) }
    }
}
