import MusterHTTP
import Synchronization

/// Echoes what it received in the body: method, path, sorted query, a header, the peer and the request body.
final class EchoHandler: HTTPHandler {
    let calls = Mutex(0)

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        calls.withLock { $0 += 1 }
        let query = request.query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        let lines = [
            "method=\(request.method)",
            "path=\(request.path)",
            "query=\(query)",
            "x-test=\(request.headers["x-test"] ?? "-")",
            "remote=\(request.remoteAddress ?? "-")",
            "body=\(String(decoding: request.body, as: UTF8.self))",
        ]
        return HTTPResponse(
            status: request.method == "POST" ? 201 : 200, headers: ["X-Echo": "yes"],
            body: Array(lines.joined(separator: "\n").utf8))
    }
}

/// Announces each request on `started`, then takes `delay` before answering 200.
struct SlowHandler: HTTPHandler {
    let delay: Duration
    let started: AsyncStream<Void>.Continuation

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        started.yield()
        try? await Task.sleep(for: delay)
        return .text(200, "slow done")
    }
}

/// Answers every request with the same response.
struct FixedHandler: HTTPHandler {
    let response: HTTPResponse

    func handle(_ request: HTTPRequest) async -> HTTPResponse { response }
}
