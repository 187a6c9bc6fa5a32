import Foundation
import MusterModel
import MusterTestSupport
import Synchronization

/// A fake Slack Web API on a `FakeAPIServer`, outliving the server processes it serves.
///
/// Records every `chat.postMessage` and `chat.update` with its channel, text, thread and the incident ID
/// read from the card's header block (`inc-3: 1 alerting (checkout)`). Answers
/// `{"ok":true,"channel":"C1","ts":"..."}`; each post gets a new, increasing `ts`, an update echoes its own.
/// Any other request is answered `unknown_method` and listed in `unknownRequests`.
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

    private let server: FakeAPIServer
    private let recorder = Recorder()

    init() throws {
        server = try FakeAPIServer(backlog: 64) { [recorder] in recorder.answer($0) }
    }

    /// The Web API root to configure: `http://127.0.0.1:<port>/api/`.
    var apiURL: String { "http://127.0.0.1:\(server.port)/api/" }

    /// Every call so far, in order.
    var calls: [Call] { recorder.state.withLock { $0.calls } }

    /// Requests to any other path (none expected).
    var unknownRequests: [String] { recorder.state.withLock { $0.unknown } }

    /// Top-level posts to `channel`: the incidents' root messages.
    func roots(in channel: String) -> [Call] {
        calls.filter { $0.method == .postMessage && $0.channel == channel && $0.ts == nil }
    }

    /// Stops accepting; the serving thread closes the socket and ends.
    func stop() {
        server.stop()
    }

    /// The calls, answered on the server's thread.
    private final class Recorder: Sendable {
        let state = Mutex<(calls: [Call], unknown: [String], posts: Int)>(([], [], 0))

        func answer(_ request: FakeAPIServer.Request) -> FakeAPIServer.Response {
            let method = Call.Method(rawValue: String(request.target.split(separator: "/").last ?? ""))
            guard let method, let json = request.json else {
                state.withLock { $0.unknown.append(request.target) }
                return .init(status: 200, body: #"{"ok":false,"error":"unknown_method"}"#)
            }
            return .init(status: 200, body: record(method, json))
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
                        method: method, channel: json["channel"]?.stringValue ?? "",
                        text: json["text"]?.stringValue ?? "",
                        ts: method == .update ? json["ts"]?.stringValue : json["thread_ts"]?.stringValue,
                        answeredTS: ts, incident: incident))
                return #"{"ok":true,"channel":"C1","ts":"\#(ts)"}"#
            }
        }
    }
}
