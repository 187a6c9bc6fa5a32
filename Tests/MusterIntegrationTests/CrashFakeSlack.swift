import Foundation
import MusterTestSupport
import MusterModel
import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fake Slack Web API on 127.0.0.1 with an ephemeral port, outliving the server processes it serves.
///
/// Records every `chat.postMessage` and `chat.update` with its channel, text, thread and the incident ID
/// read from the card's header block (`inc-3: 1 alerting (checkout)`). Answers
/// `{"ok":true,"channel":"C1","ts":"..."}`; each post gets a new, increasing `ts`, an update echoes its own.
/// One connection at a time on its own thread (the approach of `MusterNotifyTests/FakeAPIServer`).
final class CrashFakeSlack: Sendable {
    /// One recorded call.
    struct Call: Sendable {
        enum Method: String, Sendable {
            case postMessage = "chat.postMessage"
            case update = "chat.update"
        }

        var method: Method
        var channel: String
        var text: String
        /// `thread_ts` of a thread reply, `ts` of an update; nil for a top-level post.
        var ts: String?
        /// The `ts` this call was answered with.
        var answeredTS: String
        /// The incident named by the card's header, when the call carries a card.
        var incident: String?
    }


    let port: UInt16
    private let listener: Int32
    private let state = Mutex<(calls: [Call], unknown: [String], posts: Int)>(([], [], 0))

    init() throws {
        (listener, port) = try LoopbackSocket.listen(backlog: 64)
        Thread { [self] in serve() }.start()
    }

    /// The Web API root to configure: `http://127.0.0.1:<port>/api/`.
    var apiURL: String { "http://127.0.0.1:\(port)/api/" }

    /// Every call so far, in order.
    var calls: [Call] { state.withLock { $0.calls } }

    /// Requests to any other path (none expected).
    var unknownRequests: [String] { state.withLock { $0.unknown } }

    /// Top-level posts to `channel`: the incidents' root messages.
    func roots(in channel: String) -> [Call] {
        calls.filter { $0.method == .postMessage && $0.channel == channel && $0.ts == nil }
    }

    /// Stops accepting; the serving thread closes the socket and ends.
    func stop() {
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
        guard let (target, body) = readRequest(connection) else { return }
        let json = try? JSONDecoder().decode(JSONValue.self, from: body)
        let answer: String
        if let method = Call.Method(rawValue: String(target.split(separator: "/").last ?? "")), let json {
            answer = record(method, json)
        } else {
            state.withLock { $0.unknown.append(target) }
            answer = #"{"ok":false,"error":"unknown_method"}"#
        }
        let payload = Array(answer.utf8)
        let head =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
            + "Content-Length: \(payload.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array(head.utf8) + payload
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes {
                send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { return }
            sent += count
        }
    }

    /// Records the call and returns the answer body.
    private func record(_ method: Call.Method, _ json: JSONValue) -> String {
        let header = json["blocks"]?.arrayValue?.first { $0["type"]?.stringValue == "header" }
        let incident = header?["text"]?["text"]?.stringValue?.split(separator: ":").first.map(String.init)
        return state.withLock { state in
            let ts: String
            switch method {
            case .postMessage:
                state.posts += 1
                let digits = String(state.posts)
                ts = "1700000000." + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
            case .update:
                ts = json["ts"]?.stringValue ?? ""
            }
            state.calls.append(
                Call(
                    method: method, channel: json["channel"]?.stringValue ?? "", text: json["text"]?.stringValue ?? "",
                    ts: method == .update ? json["ts"]?.stringValue : json["thread_ts"]?.stringValue, answeredTS: ts,
                    incident: incident))
            return #"{"ok":true,"channel":"C1","ts":"\#(ts)"}"#
        }
    }

    /// The request target and body, nil when the client went away first.
    private func readRequest(_ connection: Int32) -> (target: String, body: Data)? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            bytes += buffer[0..<count]
            headEnd = bytes.firstRange(of: separator)?.lowerBound
        }
        guard let headEnd else { return nil }
        let head = String(decoding: bytes[..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        var length = 0
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "content-length" { length = Int(value) ?? 0 }
            if name == "expect", value.lowercased() == "100-continue" {
                _ = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8).withUnsafeBytes {
                    send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
            }
        }
        var body = Array(bytes[(headEnd + separator.count)...])
        while body.count < length {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            body += buffer[0..<count]
        }
        let requestLine = head[0].split(separator: " ")
        return (requestLine.count > 1 ? String(requestLine[1]) : "", Data(body))
    }
}
