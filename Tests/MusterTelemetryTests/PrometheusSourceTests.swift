import Foundation
import MusterTestSupport
import Testing

@testable import MusterTelemetry

/// `PrometheusSource` against a loopback server that answers with canned Prometheus API bodies.
struct PrometheusSourceTests {
    /// 2026-11-20T17:00:00Z, a whole minute.
    static let minute = Date(timeIntervalSince1970: 1_795_194_000)

    /// The decoded query parameters of a recorded request target.
    func parameters(_ target: String) -> [String: String] {
        let items = URLComponents(string: target)?.queryItems ?? []
        return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
    }

    static let emptyMatrix = #"{"status":"success","data":{"resultType":"matrix","result":[]}}"#

    @Test func buildsAnEscapedRangeQueryOnTheStepGrid() async throws {
        let server = try FakeAPIServer.canned([.init(status: 200, body: Self.emptyMatrix)])
        defer { server.stop() }
        let source = PrometheusSource(baseURL: server.baseURL)
        let series = try await source.series(
            named: "kafka_consumergroup_lag",
            matching: ["topic": "runs+a&b=c #1", "consumergroup": #"we"ird\path"# + "\n"],
            from: Self.minute.addingTimeInterval(30), to: Self.minute.addingTimeInterval(330))
        #expect(series.isEmpty)
        let target = try #require(server.targets.first)
        #expect(target.hasPrefix("/api/v1/query_range?query="))
        #expect(!target.contains("+") && !target.contains(" ") && target.contains("%2B"), "query is fully encoded")
        let query = parameters(target)
        #expect(query["query"] == #"kafka_consumergroup_lag{consumergroup="we\"ird\\path\n",topic="runs+a&b=c #1"}"#)
        #expect(query["start"] == "1795194060", "start rounds up to the step grid")
        #expect(query["end"] == "1795194300", "end rounds down to the step grid")
        #expect(query["step"] == "60")
    }

    @Test func queriesTheBareNameWithoutMatchersAndKeepsABasePath() async throws {
        let server = try FakeAPIServer.canned([.init(status: 200, body: Self.emptyMatrix)])
        defer { server.stop() }
        let source = PrometheusSource(baseURL: server.baseURL.appendingPathComponent("prom"), step: 15)
        _ = try await source.series(
            named: "up", matching: [:], from: Self.minute, to: Self.minute.addingTimeInterval(60))
        #expect(server.targets == ["/prom/api/v1/query_range?query=up&start=1795194000&end=1795194060&step=15"])
    }

    @Test(arguments: [
        ("plain", #""plain""#),
        ("tab\there", #""tab\there""#),
        ("bell\u{07}", #""bell\u0007""#),
        ("ünïcode ✓", #""ünïcode ✓""#),
    ])
    func quotesPromQLStrings(value: String, quoted: String) {
        #expect(PromQL.quoted(value) == quoted)
    }

    @Test func decodesAMatrixSortedByLabelsWithoutName() async throws {
        let body = """
            {"status":"success","data":{"resultType":"matrix","result":[
              {"metric":{"__name__":"runs_total","org":"b"},"values":[[1795194000,"1"],[1795194060.5,"2.25"]]},
              {"metric":{"__name__":"runs_total","org":"a"},"values":[[1795194000,"NaN"],[1795194060,"+Inf"]]},
              {"metric":{"__name__":"runs_total","org":"c"},"values":[]}
            ]},"warnings":["ignored"]}
            """
        let server = try FakeAPIServer.canned([.init(status: 200, body: body)])
        defer { server.stop() }
        let series = try await PrometheusSource(baseURL: server.baseURL).series(
            named: "runs_total", matching: [:], from: Self.minute, to: Self.minute.addingTimeInterval(120))
        #expect(series.map(\.labels) == [["org": "a"], ["org": "b"]], "sorted, __name__ gone, empty series dropped")
        #expect(series.allSatisfy { $0.name == "runs_total" })
        #expect(series[0].samples[0].value.isNaN && series[0].samples[1].value == .infinity)
        #expect(
            series[1].samples == [
                Sample(time: Self.minute, value: 1), Sample(time: Self.minute.addingTimeInterval(60.5), value: 2.25),
            ])
    }

    @Test func splitsRangesLongerThanElevenThousandStepsAndMergesSeries() async throws {
        let first = """
            {"status":"success","data":{"resultType":"matrix","result":[
              {"metric":{"org":"a"},"values":[[1795194000,"1"],[1795194001,"2"]]}]}}
            """
        let second = """
            {"status":"success","data":{"resultType":"matrix","result":[
              {"metric":{"org":"b"},"values":[[1795205000,"7"]]},{"metric":{"org":"a"},"values":[[1795205000,"3"]]}]}}
            """
        let server = try FakeAPIServer.canned([
            .init(status: 200, body: first), .init(status: 200, body: second),
        ])
        defer { server.stop() }
        let source = PrometheusSource(baseURL: server.baseURL, step: 1)
        let series = try await source.series(
            named: "runs_total", matching: [:], from: Self.minute, to: Self.minute.addingTimeInterval(15_000))
        #expect(
            server.targets.map { parameters($0)["start"]! + "..." + parameters($0)["end"]! } == [
                "1795194000...1795204999", "1795205000...1795209000",
            ])
        #expect(series.map(\.labels) == [["org": "a"], ["org": "b"]])
        #expect(series[0].samples.map(\.value) == [1, 2, 3])
    }

    @Test(arguments: [
        (
            400, #"{"status":"error","errorType":"bad_data","error":"1:5: parse error"}"#,
            TelemetryError.Code.httpStatus, "HTTP 400: bad_data: 1:5: parse error"
        ),
        (503, "<html>\nupstream\nunavailable</html>", .httpStatus, "HTTP 503: <html> upstream unavailable</html>"),
        (
            200, #"{"status":"error","errorType":"execution","error":"query processing would load too many samples"}"#,
            .queryFailed, "HTTP 200: execution: query processing would load too many samples"
        ),
        (200, "not json", .malformedResponse, "HTTP 200: malformed response: "),
        (
            200,
            #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1795194000,2]]}]}}"#,
            .malformedResponse, "HTTP 200: malformed response: at data.result.0.values.0.1: "
        ),
        (
            200, #"{"status":"success","data":{"resultType":"vector","result":[]}}"#,
            .malformedResponse, #"HTTP 200: malformed response: expected a matrix, got "vector""#
        ),
    ])
    func failuresNameTheURLStatusAndReason(status: Int, body: String, code: TelemetryError.Code, text: String)
        async throws
    {
        let server = try FakeAPIServer.canned([.init(status: status, body: body)])
        defer { server.stop() }
        let source = PrometheusSource(baseURL: server.baseURL)
        let error = try await #require(throws: TelemetryError.self) {
            try await source.series(named: "up", matching: [:], from: Self.minute, to: Self.minute)
        }
        #expect(error.code == code)
        #expect(error.status == status)
        let url = "http://127.0.0.1:\(server.port)/api/v1/query_range?query=up&start=1795194000&end=1795194000&step=60"
        #expect(error.url?.absoluteString == url)
        #expect(error.description.hasPrefix("GET \(url): \(text)"), "\(error)")
    }

    @Test func aRefusedConnectionIsATransportError() async throws {
        let server = try FakeAPIServer.canned([])
        server.stop()
        let source = PrometheusSource(baseURL: server.baseURL)
        let error = try await #require(throws: TelemetryError.self) {
            try await source.series(named: "up", matching: [:], from: Self.minute, to: Self.minute)
        }
        #expect(error.code == .transport && error.status == nil)
        #expect(error.description.hasPrefix("GET http://127.0.0.1:\(server.port)/api/v1/query_range?"))
    }

    @Test func anEmptyGridRangeOrAnInvalidNameSendsNoRequest() async throws {
        let server = try FakeAPIServer.canned([])
        defer { server.stop() }
        let source = PrometheusSource(baseURL: server.baseURL)
        let inside = try await source.series(
            named: "up", matching: [:], from: Self.minute.addingTimeInterval(1), to: Self.minute.addingTimeInterval(59))
        #expect(inside.isEmpty)
        let error = try await #require(throws: TelemetryError.self) {
            try await source.series(named: "up", matching: ["bad-label": "x"], from: Self.minute, to: Self.minute)
        }
        #expect(error.code == .invalidQuery)
        #expect(error.description == #""bad-label" is not a valid Prometheus label name"#)
        #expect(server.targets.isEmpty)
    }
}
