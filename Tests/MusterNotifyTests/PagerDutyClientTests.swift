import Foundation
import MusterModel
import MusterNotify
import MusterTestSupport
import Testing

struct PagerDutyClientTests {
    func client(_ fake: FakeAPIServer) -> PagerDutyClient {
        PagerDutyClient(apiURL: fake.baseURL, token: "pd-test", from: "triage-bot@example.com")
    }

    func expectPagerDutyHeaders(_ request: FakeAPIServer.Request) {
        #expect(request.header("Authorization") == "Token token=pd-test")
        #expect(request.header("Accept") == "application/vnd.pagerduty+json;version=2")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("From") == "triage-bot@example.com")
    }

    @Test func addNotePostsTheNoteContent() async throws {
        let fake = try FakeAPIServer.pagerDuty()
        defer { fake.stop() }

        let id = try await client(fake).addNote(incidentID: "Q2K4TT9XABCDEF", content: "Triage: rollback proposed")

        #expect(id == "PNOTE1")
        let request = try #require(fake.requests.first)
        #expect(request.method == "POST")
        #expect(request.target == "/incidents/Q2K4TT9XABCDEF/notes")
        expectPagerDutyHeaders(request)
        #expect(request.json == .object(["note": .object(["content": .string("Triage: rollback proposed")])]))
    }

    @Test func mergePutsSourceIncidentReferences() async throws {
        let fake = try FakeAPIServer.pagerDuty()
        defer { fake.stop() }

        try await client(fake).merge(into: "Q1", sources: ["Q2", "Q3"])

        let request = try #require(fake.requests.first)
        #expect(request.method == "PUT")
        #expect(request.target == "/incidents/Q1/merge")
        expectPagerDutyHeaders(request)
        let reference = { (id: String) in JSONValue.object(["id": .string(id), "type": .string("incident_reference")]) }
        #expect(request.json == .object(["source_incidents": .array([reference("Q2"), reference("Q3")])]))
    }

    @Test func http429UsesRatelimitReset() async throws {
        let fake = try FakeAPIServer.pagerDuty()
        defer { fake.stop() }
        fake.answerNext(
            .init(
                status: 429, headers: ["ratelimit-reset": "5"],
                body: #"{"error":{"message":"Rate Limit Exceeded","code":2020}}"#))

        let error = await #expect(throws: NotifyError.self) {
            try await client(fake).addNote(incidentID: "Q1", content: "x")
        }
        #expect(error?.code == .rateLimited(retryAfter: 5))
    }

    @Test func notFoundIsPermanentAndCarriesPagerDutysMessage() async throws {
        let fake = try FakeAPIServer.pagerDuty()
        defer { fake.stop() }
        fake.answerNext(.init(status: 404, body: #"{"error":{"code":2100,"message":"Not Found","errors":[]}}"#))

        let error = await #expect(throws: NotifyError.self) {
            try await client(fake).addNote(incidentID: "QMISSING", content: "x")
        }
        #expect(error?.code == .httpStatus(404))
        #expect(error?.isRetryable == false)
        #expect(error?.description.contains("Not Found") == true)
        #expect(error?.description.contains("POST http://127.0.0.1:\(fake.port)/incidents/QMISSING/notes") == true)
    }
}
