import Foundation
import MusterHTTP
import MusterLake
import MusterModel
import MusterServer
import MusterSignals
import Testing

/// The routes, in process: intake authentication and validation, events, interactivity, the API.
struct ServiceRouterTests {
    let api = Entity(ref: EntityRef(kind: "service", id: "api"))
    let generic =
        #"{"id":"a1","title":"api down","service":"api","severity":"critical","occurred_at":"2026-12-04T10:00:00Z"}"#
    let bearer = ["authorization": "Bearer intake-token"]

    @Test func healthAndMetrics() async throws {
        let fixture = try ServerFixture()
        #expect(await fixture.request("GET", "/healthz").status == 200)
        let metrics = await fixture.request("GET", "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.text.contains("# TYPE muster_alerts_received_total counter"))
        #expect(metrics.text.contains("muster_triage_latency_seconds_bucket{le=\"+Inf\"} 0"))
        #expect(await fixture.request("POST", "/healthz").status == 405)
        #expect(await fixture.request("GET", "/nope").status == 404)
    }

    @Test func theTriageLatencyHistogramIsCumulativeAndTheLogBacklogAGauge() {
        let metrics = ServerMetrics()
        for seconds in [0.004, 0.3, 0.3, 42] { metrics.observeTriageLatency(seconds) }
        metrics.setIntakeLog(backlog: 17)
        let lines = Set(metrics.render().split(separator: "\n").map(String.init))
        #expect(lines.contains("muster_triage_latency_seconds_bucket{le=\"0.005\"} 1"))
        #expect(lines.contains("muster_triage_latency_seconds_bucket{le=\"0.25\"} 1"))
        #expect(lines.contains("muster_triage_latency_seconds_bucket{le=\"0.5\"} 3"))
        #expect(lines.contains("muster_triage_latency_seconds_bucket{le=\"10.0\"} 3"))
        #expect(lines.contains("muster_triage_latency_seconds_bucket{le=\"+Inf\"} 4"))
        #expect(lines.contains("muster_triage_latency_seconds_count 4"))
        #expect(lines.contains("muster_triage_latency_seconds_sum 42.604"))
        #expect(lines.contains("muster_intake_log_backlog 17"))
    }

    @Test func genericIntakeNeedsTheTokenCommitsAndDeduplicates() async throws {
        let fixture = try ServerFixture(entities: [api])
        #expect(await fixture.request("POST", "/v1/intake/generic", body: generic).status == 401)
        #expect(
            await fixture.request(
                "POST", "/v1/intake/generic", body: generic, headers: ["authorization": "Bearer nope"]
            ).status == 401)
        var headers = bearer
        headers["x-webhook-id"] = "delivery-1"
        let first = await fixture.request("POST", "/v1/intake/generic", body: generic, headers: headers)
        #expect(first.status == 202)
        #expect(try await fixture.intake.count() == 1)
        let retry = await fixture.request("POST", "/v1/intake/generic", body: generic, headers: headers)
        #expect(retry.status == 200)
        #expect(retry.text.contains(#""is_duplicate":true"#))
        #expect(try await fixture.intake.count() == 1)
        await fixture.service.drain()
        let incidents = await fixture.request("GET", "/v1/incidents")
        #expect(incidents.text.contains("\"service:api\""))
        let one = await fixture.request("GET", "/v1/incidents/inc-1")
        #expect(one.status == 200)
        #expect(one.text.contains("triage posted"))
        #expect(await fixture.request("GET", "/v1/incidents/inc-9").status == 404)
    }

    @Test func malformedBodiesAreRejectedNamingTheField() async throws {
        let fixture = try ServerFixture(entities: [api])
        let missing = await fixture.request("POST", "/v1/intake/generic", body: #"{"title":"x"}"#, headers: bearer)
        #expect(missing.status == 400)
        #expect(missing.text.contains("service"))
        let broken = await fixture.request("POST", "/v1/intake/alertmanager", body: "{not json", headers: bearer)
        #expect(broken.status == 400)
        #expect(try await fixture.intake.count() == 0)
    }

    @Test func pagerDutyDeliveriesMustBeSigned() async throws {
        let fixture = try ServerFixture(entities: [api])
        let body =
            #"{"event":{"id":"E1","event_type":"incident.triggered","resource_type":"incident","occurred_at":"2026-12-04T10:00:00Z","data":{"id":"Q1","type":"incident","title":"api down","created_at":"2026-12-04T10:00:00Z","service":{"id":"P1","summary":"api"},"urgency":"high"}}}"#
        #expect(await fixture.request("POST", "/v1/intake/pagerduty", body: body).status == 401)
        let wrong = PagerDutySignature.header(body: Data(body.utf8), secret: "other")
        #expect(
            await fixture.request("POST", "/v1/intake/pagerduty", body: body, headers: ["x-pagerduty-signature": wrong])
                .status == 401)
        let right = PagerDutySignature.header(body: Data(body.utf8), secret: "pd-secret")
        let rotated = "v1=deadbeef, " + right
        #expect(
            await fixture.request(
                "POST", "/v1/intake/pagerduty", body: body, headers: ["x-pagerduty-signature": rotated]
            ).status == 202)
        #expect(fixture.service.metrics.count(source: "pagerduty", outcome: "unauthorized") == 2)
    }

    @Test func slackInteractivityChecksSignatureAndWindow() async throws {
        let fixture = try ServerFixture()
        let payload =
            #"{"type":"block_actions","user":{"id":"U0DAN"},"actions":[{"action_id":"approve","value":"inc-1|0|scale-out|service:api"}]}"#
        let body = "payload=" + payload.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let now = String(Int(Date().timeIntervalSince1970))
        let signature = SlackSignature.signature(body: Data(body.utf8), timestamp: now, secret: "slack-secret")
        let ok = await fixture.request(
            "POST", "/v1/slack/interactivity", body: body,
            headers: ["x-slack-request-timestamp": now, "x-slack-signature": signature])
        #expect(ok.status == 200)
        let recorded = try await fixture.intake.interactions()
        #expect(recorded.map(\.action) == ["approve"])
        #expect(recorded.first?.value == "inc-1|0|scale-out|service:api")
        #expect(recorded.first?.user == "U0DAN")
        let stale = String(Int(Date().timeIntervalSince1970) - 600)
        let staleSignature = SlackSignature.signature(body: Data(body.utf8), timestamp: stale, secret: "slack-secret")
        #expect(
            await fixture.request(
                "POST", "/v1/slack/interactivity", body: body,
                headers: ["x-slack-request-timestamp": stale, "x-slack-signature": staleSignature]
            ).status == 401)
        #expect(
            await fixture.request(
                "POST", "/v1/slack/interactivity", body: body,
                headers: ["x-slack-request-timestamp": now, "x-slack-signature": "v0=00"]
            ).status == 401)
    }

    @Test func eventsRecordDeploysAndShiftsAndRejectBadShapes() async throws {
        let team = Entity(ref: EntityRef(kind: "team", id: "a"))
        let user = Entity(ref: EntityRef(kind: "user", id: "u"))
        let fixture = try ServerFixture(entities: [api, team, user])
        let deploy = #"{"at":"2026-12-04T09:00:00Z","deploy":{"service":"service:api","version":"2.0","by":"user:u"}}"#
        #expect(await fixture.request("POST", "/v1/events", body: deploy, headers: bearer).status == 202)
        let window = (Timestamp.parse("2026-12-04T08:00:00Z")!, Timestamp.parse("2026-12-04T10:00:00Z")!)
        #expect(fixture.lake.deployments(on: [api.ref], from: window.0, to: window.1).map(\.version) == ["2.0"])
        let shift =
            #"{"shift":{"team":"team:a","user":"user:u","from":"2026-12-04T00:00:00Z","to":"2026-12-05T00:00:00Z"}}"#
        #expect(await fixture.request("POST", "/v1/events", body: shift, headers: bearer).status == 202)
        #expect(fixture.lake.onCall(team: team.ref, at: Timestamp.parse("2026-12-04T12:00:00Z")!) == [user.ref])
        let bad = await fixture.request("POST", "/v1/events", body: #"{"deploy":{"version":"2.0"}}"#, headers: bearer)
        #expect(bad.status == 400)
        #expect(bad.text.contains("deploy.service: required field is missing"))
        #expect(
            await fixture.request("POST", "/v1/events", body: #"{"deploy":{},"change":{}}"#, headers: bearer).status
                == 400)
    }

    @Test func lakeEndpointsAnswerAndUpsertsNeedTheToken() async throws {
        let db = Entity(ref: EntityRef(kind: "resource", id: "db"))
        let front = Entity(ref: EntityRef(kind: "service", id: "front"), relations: ["dependsOn": [db.ref]])
        let fixture = try ServerFixture(entities: [db, front])
        let entity = await fixture.request("GET", "/v1/entities/service:front")
        #expect(entity.status == 200)
        #expect(entity.text.contains("resource:db"))
        #expect(await fixture.request("GET", "/v1/entities/resource:db/dependents").text.contains("service:front"))
        #expect(await fixture.request("GET", "/v1/entities/service:nope").status == 404)
        let upsert = #"[{"kind":"service","id":"back","relations":{"dependsOn":"resource:db"}}]"#
        #expect(await fixture.request("PUT", "/v1/entities", body: upsert).status == 401)
        #expect(await fixture.request("PUT", "/v1/entities", body: upsert, headers: bearer).status == 200)
        #expect(fixture.lake.entity(EntityRef(kind: "service", id: "back"), asOf: nil) != nil)
        let dangling = #"[{"kind":"service","id":"x","relations":{"dependsOn":"resource:missing"}}]"#
        let rejected = await fixture.request("PUT", "/v1/entities", body: dangling, headers: bearer)
        #expect(rejected.status == 422)
        #expect(rejected.text.contains("resource:missing"))
    }

    @Test func theExampleConfigurationParsesAndTyposAreCaught() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let example = try ServerConfiguration.load(
            path: repo.appendingPathComponent("muster.example.yaml").path, environment: ["MUSTER_SLACK_TOKEN": "xoxb-1"]
        )
        #expect(example.port == 8080)
        #expect(example.slackChannel == "#incidents")
        #expect(example.reopenWindow == 1800)
        #expect(example.batchDelay == .milliseconds(50))
        let quick = try ServerConfiguration.parse(
            "correlation:\n  batch_delay: 5ms\n", file: "m.yaml", environment: [:])
        #expect(quick.batchDelay == .milliseconds(5))
        #expect(example.secrets.slackToken == "xoxb-1")
        #expect {
            _ = try ServerConfiguration.parse("slack:\n  chanel: '#x'\n", file: "m.yaml", environment: [:])
        } throws: { error in
            "\(error)".hasPrefix("m.yaml:2:3: slack.chanel: unknown key")
        }
    }
}
