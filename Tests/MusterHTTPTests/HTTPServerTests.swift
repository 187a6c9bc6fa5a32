import MusterHTTP
import Synchronization
import Testing

/// Starts a server on an ephemeral loopback port.
private func startServer(
    _ handler: any HTTPHandler, _ adjust: (inout HTTPServerConfiguration) -> Void = { _ in }
) throws -> HTTPServer {
    var configuration = HTTPServerConfiguration(port: 0, threads: 2)
    adjust(&configuration)
    let server = try HTTPServer(configuration: configuration, handler: handler)
    try server.start()
    return server
}

/// Starts a server with `handler`, sends `request` on a fresh connection, and shuts the server down (also when the
/// exchange fails).
private func exchangeOnce(_ handler: any HTTPHandler, _ request: String) async throws -> RawResponse {
    let server = try startServer(handler)
    do {
        let response = try await exchange(port: server.port, request)
        await server.shutdown()
        return response
    } catch {
        await server.shutdown()
        throw error
    }
}

struct HTTPServerTests {
    @Test func portZeroBindsARealPort() async throws {
        let server = try startServer(EchoHandler())
        #expect(server.port != 0)
        let response = try await exchange(port: server.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(response.status == 200)
        await server.shutdown()
    }

    @Test func getRoundTripCarriesPathQueryAndHeaders() async throws {
        let response = try await exchangeOnce(
            EchoHandler(), "GET /items/42?q=hello%20world&flag HTTP/1.1\r\nHost: x\r\nX-Test: yes\r\n\r\n")
        #expect(response.status == 200)
        #expect(response.headers["x-echo"] == "yes")
        #expect(
            response.text
                == "method=GET\npath=/items/42\nquery=flag=&q=hello world\nx-test=yes\nremote=127.0.0.1\nbody=")
    }

    @Test func postRoundTripCarriesTheBody() async throws {
        let response = try await exchangeOnce(
            EchoHandler(),
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world")
        #expect(response.status == 201)
        #expect(response.text.hasSuffix("\nbody=hello world"))
    }

    @Test func jsonAndTextResponsesCarryTheirContentType() {
        #expect(HTTPResponse.json(200, "{}").headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(HTTPResponse.text(404, "no").headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(HTTPResponse.text(404, "no").body == Array("no".utf8))
    }

    @Test func declaredOversizedBodyIsRefusedWithoutReadingIt() async throws {
        let handler = EchoHandler()
        let server = try startServer(handler)  // maxBodyBytes defaults to 1 MiB
        let (response, isClosed) = try await onConnection(port: server.port) { connection in
            try connection.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: \(3 << 20)\r\n\r\n")
            return (try connection.readResponse(), connection.isClosedByPeer())
        }
        #expect(isClosed)  // the unread body makes libmicrohttpd close after the answer
        #expect(response.status == 413)
        #expect(response.headers["content-type"] == "application/json; charset=utf-8")
        #expect(response.text == #"{"error":"payload_too_large","message":"request body exceeds 1048576 bytes"}"#)
        #expect(handler.calls.withLock { $0 } == 0)
        await server.shutdown()
    }

    @Test func streamedOversizedBodyIsRefusedWithoutBufferingIt() async throws {
        let handler = EchoHandler()
        let server = try startServer(handler)  // maxBodyBytes defaults to 1 MiB
        let (refused, next) = try await onConnection(port: server.port) { connection in
            try connection.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            let chunk = Array("40000\r\n".utf8) + [UInt8](repeating: 65, count: 1 << 18) + Array("\r\n".utf8)
            for _ in 0..<12 { try connection.send(chunk) }  // 3 MiB in 256 KiB chunks
            try connection.send("0\r\n\r\n")
            let refused = try connection.readResponse()
            try connection.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
            return (refused, try connection.readResponse())
        }
        #expect(refused.status == 413)
        #expect(refused.text == #"{"error":"payload_too_large","message":"request body exceeds 1048576 bytes"}"#)
        #expect(next.status == 200)  // the connection survives
        #expect(handler.calls.withLock { $0 } == 1)
        await server.shutdown()
    }

    @Test func keepAliveServesTwoRequestsOnOneConnection() async throws {
        let handler = EchoHandler()
        let server = try startServer(handler)
        let (first, second) = try await onConnection(port: server.port) { connection in
            try connection.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n")
            let first = try connection.readResponse()
            try connection.send("POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
            return (first, try connection.readResponse())
        }
        #expect(first.status == 200)
        #expect(first.text.contains("path=/one"))
        #expect(second.status == 201)
        #expect(second.text.contains("path=/two"))
        #expect(second.text.hasSuffix("body=abc"))
        #expect(handler.calls.withLock { $0 } == 2)
        await server.shutdown()
    }

    @Test func requestsBeyondMaxInFlightGet503WithRetryAfter() async throws {
        let (started, announce) = AsyncStream.makeStream(of: Void.self)
        let server = try startServer(SlowHandler(delay: .milliseconds(300), started: announce)) {
            $0.maxInFlight = 1
            $0.retryAfterSeconds = 7
        }
        let port = server.port
        async let slow = exchange(port: port, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        var iterator = started.makeAsyncIterator()
        await iterator.next()
        let refused = try await exchange(port: port, "GET /second HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(refused.status == 503)
        #expect(refused.headers["retry-after"] == "7")
        #expect(refused.text == #"{"error":"overloaded","message":"too many requests in flight, retry in 7 s"}"#)
        #expect(try await slow.status == 200)
        await server.shutdown()
    }

    @Test func shutdownLetsAnInFlightRequestFinishThenRefusesConnections() async throws {
        let (started, announce) = AsyncStream.makeStream(of: Void.self)
        let server = try startServer(SlowHandler(delay: .milliseconds(300), started: announce))
        let port = server.port
        async let slow = exchange(port: port, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        var iterator = started.makeAsyncIterator()
        await iterator.next()
        await server.shutdown()
        let response = try await slow
        #expect(response.status == 200)
        #expect(response.text == "slow done")
        #expect(RawConnection.isRefused(port: port))
        await server.shutdown()  // idempotent
    }

    @Test func anUnsendableResponseBecomes500() async throws {
        let handler = FixedHandler(response: HTTPResponse(status: 200, headers: ["X-Bad": "a\r\nb"]))
        let response = try await exchangeOnce(handler, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(response.status == 500)
        #expect(response.text.contains("invalid_response"))
    }

    @Test func invalidConfigurationIsRejected() {
        #expect(throws: HTTPError.self) {
            try HTTPServer(configuration: HTTPServerConfiguration(host: "localhost"), handler: EchoHandler())
        }
        #expect(throws: HTTPError.self) {
            try HTTPServer(configuration: HTTPServerConfiguration(maxInFlight: 0), handler: EchoHandler())
        }
    }

    @Test func bindingATakenPortFailsWithTheSystemError() async throws {
        let first = try startServer(EchoHandler())
        let second = try HTTPServer(
            configuration: HTTPServerConfiguration(port: first.port, threads: 1), handler: EchoHandler())
        let error = #expect(throws: HTTPError.self) { try second.start() }
        #expect(
            error?.description
                == "startFailed: MHD_start_daemon failed for 127.0.0.1:\(first.port) with 1 threads: "
                + "Failed to bind to port \(first.port): Address already in use")
        await first.shutdown()
    }

    @Test func startingTwiceFails() async throws {
        let server = try startServer(EchoHandler())
        let error = #expect(throws: HTTPError.self) { try server.start() }
        #expect(error?.code == .invalidState)
        await server.shutdown()
    }
}
