import Dispatch
import Foundation
import Synchronization
import Testing

@testable import MusterHTTP

/// Answers `/slow` only when `release` is signalled, from a thread of its own; anything else at once.
private final class GatedHandler: HTTPHandler {
    let release = DispatchSemaphore(value: 0)
    let slowAnswered = Mutex(false)
    let (started, announce) = AsyncStream.makeStream(of: Void.self)

    func handle(_ request: HTTPRequest) async -> HTTPResponse { .text(200, "fast") }

    func respond(to request: HTTPRequest, reply: HTTPReply) {
        guard request.path == "/slow" else { return reply.send(.text(200, "fast")) }
        announce.yield()
        Thread.detachNewThread { [self] in
            release.wait()
            slowAnswered.withLock { $0 = true }
            reply.send(.text(200, "slow done"))
            reply.send(.text(500, "a second answer is dropped"))
        }
    }
}

/// Never answers.
private final class SilentHandler: HTTPHandler {
    let (started, announce) = AsyncStream.makeStream(of: Void.self)

    func handle(_ request: HTTPRequest) async -> HTTPResponse { .text(200, "unused") }
    func respond(to request: HTTPRequest, reply: HTTPReply) { announce.yield() }
}

/// Answers that arrive after the access handler returned: the worker suspends the connection and serves others.
struct DeferredReplyTests {
    @Test func aPendingAnswerDoesNotHoldTheOnlyWorker() async throws {
        let handler = GatedHandler()
        let server = try HTTPServer(configuration: HTTPServerConfiguration(port: 0, threads: 1), handler: handler)
        try server.start()
        let port = server.port
        async let slow = exchange(port: port, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        var iterator = handler.started.makeAsyncIterator()
        await iterator.next()
        // One worker thread, and the slow request is still unanswered: the next connection is served anyway.
        let fast = try await exchange(port: port, "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(fast.text == "fast")
        #expect(handler.slowAnswered.withLock { $0 } == false)
        handler.release.signal()
        let answered = try await slow
        #expect(answered.status == 200)
        #expect(answered.text == "slow done")
        await server.shutdown()
    }

    @Test func keepAliveContinuesAfterADeferredAnswer() async throws {
        let handler = GatedHandler()
        let server = try HTTPServer(configuration: HTTPServerConfiguration(port: 0, threads: 1), handler: handler)
        try server.start()
        let connection = try RawConnection(port: server.port)
        try connection.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        var iterator = handler.started.makeAsyncIterator()
        await iterator.next()
        handler.release.signal()
        #expect(try connection.readResponse().text == "slow done")
        try connection.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try connection.readResponse().text == "fast")
        await server.shutdown()
    }

    @Test func shutdownAnswersARequestStillWaiting503() async throws {
        let handler = SilentHandler()
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(port: 0, threads: 1), handler: handler,
            drainTimeout: .milliseconds(100))
        try server.start()
        async let waiting = exchange(port: server.port, "POST /never HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        var iterator = handler.started.makeAsyncIterator()
        await iterator.next()
        await server.shutdown()
        let response = try await waiting
        #expect(response.status == 503)
        #expect(response.headers["retry-after"] == "1")
        #expect(response.text.contains("shutting_down"))
    }

    @Test func aReplyWithoutAConnectionKeepsTheFirstAnswer() {
        let reply = HTTPReply()
        #expect(reply.response == nil)
        reply.send(.text(202, "first"))
        reply.send(.text(500, "second"))
        #expect(reply.response?.status == 202)
    }
}
