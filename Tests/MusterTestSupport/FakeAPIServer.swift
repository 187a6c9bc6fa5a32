public import Foundation
public import MusterModel
import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A test HTTP/1.1 server on 127.0.0.1 with an ephemeral port, standing in for Slack or PagerDuty.
///
/// Records every request (method, target, headers, body); answers with a one-shot response when one is
/// queued (`answerNext`), otherwise with `respond`. One connection at a time on its own thread until `stop()`;
/// a client silent for 5 s is dropped, and one that went away cannot raise SIGPIPE.
public final class FakeAPIServer: Sendable {
    public struct Request: Sendable {
        public var method: String
        public var target: String
        /// Header names lowercased.
        public var headers: [String: String]
        public var body: Data

        public func header(_ name: String) -> String? { headers[name.lowercased()] }
        public var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: body) }
    }

    public struct Response: Sendable {
        public var status: Int
        /// Sent as given; a `Content-Type` here replaces the default `application/json; charset=utf-8`.
        public var headers: [String: String] = [:]
        public var body: String

        public init(status: Int, headers: [String: String] = [:], body: String) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    public let port: UInt16
    private let listener: Int32
    private let respond: @Sendable (Request) -> Response
    private let state = Mutex<(queued: [Response], requests: [Request])>(([], []))

    public init(backlog: Int32 = 16, respond: @escaping @Sendable (Request) -> Response) throws {
        self.respond = respond
        (listener, port) = try LoopbackSocket.listen(backlog: backlog)
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// `http://127.0.0.1:<port>`
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Every request received so far, in order.
    public var requests: [Request] { state.withLock { $0.requests } }

    /// The requests whose path is `path`.
    public func requests(to path: String) -> [Request] { requests.filter { $0.target == path } }

    /// Answers the next request with `response` instead of `respond`; several queue up in order.
    public func answerNext(_ response: Response) {
        state.withLock { $0.queued.append(response) }
    }

    /// Stops accepting; the serving thread closes the socket and ends.
    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func serve() {
        defer { close(listener) }
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0, errno == EINTR { continue }
            guard connection >= 0 else { return }
            var limit = timeval(tv_sec: 5, tv_usec: 0)
            _ = setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            handle(connection)
            close(connection)
        }
    }

    private func handle(_ connection: Int32) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        var headerEnd: Int?
        while headerEnd == nil {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return }
            bytes += buffer[0..<count]
            headerEnd = bytes.headerEnd
        }
        guard let headerEnd else { return }
        let head = String(decoding: bytes[..<headerEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = head[0].split(separator: " ").map(String.init)
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        if headers["expect"]?.lowercased() == "100-continue" {
            write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), to: connection)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        var body = Array(bytes[(headerEnd + 4)...])
        while body.count < length {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return }
            body += buffer[0..<count]
        }
        let request = Request(
            method: requestLine.first ?? "", target: requestLine.count > 1 ? requestLine[1] : "", headers: headers,
            body: Data(body))
        let queued = state.withLock { state in
            state.requests.append(request)
            return state.queued.isEmpty ? nil : state.queued.removeFirst()
        }
        let response = queued ?? respond(request)
        let payload = Array(response.body.utf8)
        var text = "HTTP/1.1 \(response.status) Fake\r\n"
        if !response.headers.keys.contains(where: { $0.lowercased() == "content-type" }) {
            text += "Content-Type: application/json; charset=utf-8\r\n"
        }
        for (name, value) in response.headers { text += "\(name): \(value)\r\n" }
        text += "Content-Length: \(payload.count)\r\nConnection: close\r\n\r\n"
        write(Array(text.utf8) + payload, to: connection)
    }

    private func write(_ bytes: [UInt8], to connection: Int32) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, noSignal) }
            guard count > 0 else { return }
            sent += count
        }
    }
}

extension FakeAPIServer {
    /// Answers with `responses` in order, then with 500 `no canned response left`.
    public static func canned(_ responses: [Response]) throws -> FakeAPIServer {
        let server = try FakeAPIServer { _ in
            Response(status: 500, headers: ["Content-Type": "text/plain"], body: "no canned response left")
        }
        for response in responses { server.answerNext(response) }
        return server
    }

    /// The request targets (`/path?query`) received so far, in order.
    public var targets: [String] { requests.map(\.target) }

    /// A fake Slack: every call answers `ok` in channel `C1`; `chat.postMessage` numbers its messages
    /// `1700000000.000100`, `.000200`, ... (so the first post is the root), `chat.update` echoes its `ts`.
    public static func slack() throws -> FakeAPIServer {
        let counter = Mutex(0)
        return try FakeAPIServer { request in
            var ts = request.json?["ts"]?.stringValue ?? ""
            if request.target.hasSuffix("chat.postMessage") {
                let number = counter.withLock { count in
                    count += 1
                    return count
                }
                let digits = String(number * 100)
                ts = "1700000000." + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
            }
            return Response(status: 200, body: #"{"ok":true,"channel":"C1","ts":"\#(ts)"}"#)
        }
    }

    /// A fake PagerDuty: notes answer with a note id, merges with the target incident.
    public static func pagerDuty() throws -> FakeAPIServer {
        try FakeAPIServer { request in
            if request.target.hasSuffix("/notes") {
                return Response(status: 201, body: #"{"note":{"id":"PNOTE1","content":"…"}}"#)
            }
            return Response(status: 200, body: #"{"incident":{"id":"Q1","type":"incident_reference"}}"#)
        }
    }

    /// `chat.postMessage` requests.
    public var posts: [Request] { requests(to: "/api/chat.postMessage") }
    /// `chat.update` requests.
    public var updates: [Request] { requests(to: "/api/chat.update") }
}

/// `send(2)` flags: a peer that closed its end makes `send` fail with EPIPE instead of killing the test process.
#if canImport(Glibc)
    private let noSignal = Int32(MSG_NOSIGNAL)
#else
    private let noSignal: Int32 = 0
#endif

extension [UInt8] {
    /// The index of the `\r\n\r\n` that ends the head, nil before it arrived.
    fileprivate var headerEnd: Int? {
        guard count >= 4 else { return nil }
        return (0...(count - 4)).first { self[$0..<($0 + 4)].elementsEqual([13, 10, 13, 10]) }
    }
}
