import Foundation
import MusterTestSupport
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


    let port: UInt16
    private let listener: Int32
    private let state: Mutex<(responses: [Response], targets: [String])>

    init(responses: [Response]) throws {
        state = Mutex((responses, []))
        (listener, port) = try LoopbackSocket.listen(backlog: 16)
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
