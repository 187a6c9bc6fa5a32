import Foundation
import MusterModel
import Testing

@testable import MusterSignals

private let received = Date.at("2027-02-16T10:45:00Z")

private func decode(_ source: AlertSource, _ text: String) throws -> Delivery {
    try SignalDecoder.decode(source, body: Data(text.utf8), receivedAt: received)
}

private func decodeError(_ source: AlertSource, _ text: String) -> DecodeError? {
    do {
        _ = try SignalDecoder.decode(source, body: Data(text.utf8), receivedAt: received)
        return nil
    } catch {
        return error
    }
}

struct PagerDutyDecoderTests {
    @Test func triggeredIncidentBecomesFiringAlert() throws {
        let delivery = try decode(.pagerduty, Fixtures.pagerDuty(eventType: "incident.triggered", status: "triggered"))
        let alert = try #require(delivery.alerts.first)
        #expect(delivery.alerts.count == 1 && delivery.ignored == nil)
        #expect(alert.source == .pagerduty)
        #expect(alert.status == .firing)
        #expect(alert.sourceID == "Q2CDSP5XX0001")
        #expect(alert.dedupKey == "PFUL7DX/courier-dispatch-5xx", "an incident key is scoped to its service")
        #expect(alert.title == "[Datadog] courier-dispatch error rate 17% (threshold 5%)")
        #expect(alert.severity == .critical)
        #expect(alert.startedAt == .at("2027-02-16T10:44:00Z"))
        #expect(alert.receivedAt == received)
        #expect(alert.hints[AlertHint.pagerDutyServiceID] == "PFUL7DX")
        #expect(alert.hints[AlertHint.pagerDutyServiceName] == "courier-dispatch")
        #expect(alert.hints[AlertHint.incidentKey] == "courier-dispatch-5xx")
        #expect(alert.hints[AlertHint.deliveryID] == "01JM4Q7C0URIER000000000001")
        #expect(alert.labels["pagerduty_service"] == "courier-dispatch")
        #expect(alert.labels["pagerduty_teams"] == "Fulfilment")
        #expect(alert.labels["pagerduty_priority"] == "P2")
    }

    @Test(arguments: [
        ("incident.acknowledged", "acknowledged", AlertStatus.acknowledged),
        ("incident.resolved", "resolved", .resolved),
        ("incident.reopened", "triggered", .firing),
        ("incident.unacknowledged", "triggered", .firing),
        ("incident.escalated", "triggered", .firing),
        ("incident.escalated", "acknowledged", .acknowledged),
    ])
    func lifecycleEventsMapToStatus(eventType: String, status: String, expected: AlertStatus) throws {
        let delivery = try decode(.pagerduty, Fixtures.pagerDuty(eventType: eventType, status: status))
        #expect(delivery.alerts.map(\.status) == [expected])
        #expect(delivery.alerts.first?.dedupKey == "PFUL7DX/courier-dispatch-5xx")
    }

    /// The same incident key on another PagerDuty service is another alert; a reopened incident starts when it
    /// reopened, not when it was first created.
    @Test func incidentKeysAreScopedToTheirServiceAndAReopenedIncidentStartsAgain() throws {
        let text = Fixtures.pagerDuty(eventType: "incident.triggered", status: "triggered")
        let other = try decode(.pagerduty, text.replacingOccurrences(of: "PFUL7DX", with: "PBILL01"))
        #expect(other.alerts.first?.dedupKey == "PBILL01/courier-dispatch-5xx")
        let reopened = try decode(
            .pagerduty,
            Fixtures.pagerDuty(eventType: "incident.reopened", status: "triggered").replacingOccurrences(
                of: "\"occurred_at\": \"2027-02-16T10:44:00.000Z\"",
                with: "\"occurred_at\": \"2027-02-16T13:10:00.000Z\""))
        #expect(reopened.alerts.first?.startedAt == .at("2027-02-16T13:10:00Z"))
    }

    /// A merge-resolve is no recovery: the incident goes on inside the one it was merged into.
    @Test func aMergeResolveIsNoRecovery() throws {
        let text = Fixtures.pagerDuty(eventType: "incident.resolved", status: "resolved").replacingOccurrences(
            of: #""urgency": "high""#,
            with:
                #""urgency": "high", "resolve_reason": {"type": "merge_resolve_reason", "incident": {"id": "Q9MAJ0R"}}"#
        )
        let alert = try #require(try decode(.pagerduty, text).alerts.first)
        #expect(alert.status == .acknowledged)
        #expect(alert.hints[AlertHint.pagerDutyMergedInto] == "Q9MAJ0R")
    }

    @Test(arguments: [
        "incident.annotated", "incident.priority_updated", "incident.reassigned", "incident.responder.added",
        "incident.brand_new_thing", "pagey.ping", "service.updated",
    ])
    func otherEventTypesAreIgnored(eventType: String) throws {
        let delivery = try decode(.pagerduty, Fixtures.pagerDuty(eventType: eventType, status: "triggered"))
        #expect(delivery.alerts.isEmpty)
        let reason = try #require(delivery.ignored)
        #expect(reason.contains(eventType))
    }

    @Test func pingFromDigestIsIgnored() throws {
        let body =
            #"{"event":{"id":"01ABCDEF","event_type":"pagey.ping","resource_type":"pagey","occurred_at":"2026-01-01T00:00:00.000Z","agent":null,"client":null,"data":{"message":"Hello from your friend Pagey!","type":"ping"}}}"#
        #expect(try decode(.pagerduty, body).ignored != nil)
    }

    @Test func incidentKeyFallsBackToIncidentID() throws {
        let body = Fixtures.pagerDuty(eventType: "incident.triggered", status: "triggered")
            .replacingOccurrences(of: #""incident_key": "courier-dispatch-5xx","#, with: "")
        let alert = try #require(try decode(.pagerduty, body).alerts.first)
        #expect(alert.dedupKey == "Q2CDSP5XX0001")
        #expect(alert.hints[AlertHint.incidentKey] == nil)
    }

    @Test func missingIncidentIDNamesTheField() throws {
        let body = Fixtures.pagerDuty(eventType: "incident.triggered", status: "triggered")
            .replacingOccurrences(of: #""id": "Q2CDSP5XX0001", "#, with: "")
        let error = try #require(decodeError(.pagerduty, body))
        #expect(error.code == .missingField)
        #expect(error.path == "event.data.id")
        #expect(error.description == "event.data.id: required field is missing")
    }

    @Test func missingEventTypeNamesTheField() throws {
        let error = try #require(decodeError(.pagerduty, #"{"event": {"id": "x"}}"#))
        #expect(error.path == "event.event_type")
    }
}

struct AlertGroupDecoderTests {
    @Test func alertmanagerGroupYieldsOneAlertPerElement() throws {
        let delivery = try decode(.alertmanager, Fixtures.alertmanager)
        #expect(delivery.alerts.count == 3)
        let first = delivery.alerts[0]
        #expect(first.source == .alertmanager)
        #expect(first.status == .firing)
        #expect(first.sourceID == "c1a4e9d03b7f2a61" && first.dedupKey == "c1a4e9d03b7f2a61")
        #expect(first.title == "cart-api 5xx ratio above 5%")
        #expect(first.severity == .critical)
        #expect(first.labels["service"] == "cart-api")
        #expect(first.startedAt == .at("2027-02-16T10:42:30Z"))
        #expect(first.hints["description"] == "5xx 24%")
        #expect(first.hints["runbook_url"] == "https://runbooks.example/5xx")

        let resolved = delivery.alerts[1]
        #expect(resolved.status == .resolved)
        #expect(resolved.severity == .warning, "the alert's own label wins over commonLabels")
        #expect(resolved.labels["team"] == "checkout", "commonLabels are merged under the alert's labels")
        #expect(resolved.title == "5xx ratio above 5%", "commonAnnotations supply the summary")
        #expect(resolved.hints["ends_at"] == "2027-02-16T10:45:00Z")
    }

    @Test func labelValuesThatAreNotStringsAreRenderedOrDropped() throws {
        let body = #"""
            {"version":"4","status":"firing","commonLabels":{"team":"checkout"},"alerts":[{"status":"firing",
            "labels":{"alertname":"Lag","partition":3,"canary":true,"zone":null},"startsAt":"2027-02-16T10:42:30Z"}]}
            """#
        let alert = try #require(try decode(.alertmanager, body).alerts.first)
        #expect(alert.labels == ["alertname": "Lag", "partition": "3", "canary": "true", "team": "checkout"])
        let nested = decodeError(
            .alertmanager,
            #"{"version":"4","alerts":[{"status":"firing","labels":{"a":{"b":1}},"startsAt":"2027-02-16T10:42:30Z"}]}"#)
        #expect(nested?.path == "alerts[0].labels.a")
    }

    @Test func missingFingerprintFallsBackToLabelHash() throws {
        let third = try decode(.alertmanager, Fixtures.alertmanager).alerts[2]
        #expect(third.dedupKey == LabelFingerprint.of(third.labels))
        #expect(third.dedupKey.count == 16)
        #expect(third.title == "courier-dispatch 5xx ratio above 5%")
    }

    @Test func fingerprintMatchesPrometheusFNV() {
        // Prometheus model.LabelSet{}.Fingerprint() is the FNV-1a 64 offset basis; one label hashes as below.
        #expect(LabelFingerprint.of([:]) == "cbf29ce484222325")
        #expect(LabelFingerprint.of(["a": "b", "c": "d"]) == LabelFingerprint.of(["c": "d", "a": "b"]))
        #expect(LabelFingerprint.of(["a": "b"]) != LabelFingerprint.of(["a": "c"]))
    }

    @Test func alertmanagerVersionIsChecked() throws {
        let wrong = try #require(
            decodeError(
                .alertmanager,
                Fixtures.alertmanager.replacingOccurrences(
                    of: #""version": "4""#, with: #""version": "3""#)))
        #expect(wrong.code == .unsupportedVersion && wrong.path == "version")
        let missing = try #require(
            decodeError(
                .alertmanager,
                Fixtures.alertmanager.replacingOccurrences(
                    of: #""version": "4","#, with: "")))
        #expect(missing.code == .missingField && missing.path == "version")
    }

    @Test func missingStartsAtNamesTheIndexedField() throws {
        let body = Fixtures.alertmanager.replacingOccurrences(of: #""startsAt": "2027-02-16T10:43:00Z", "#, with: "")
        let error = try #require(decodeError(.alertmanager, body))
        #expect(error.path == "alerts[2].startsAt")
    }

    @Test func badStatusIsReported() throws {
        let body = Fixtures.alertmanager.replacingOccurrences(of: #""status": "resolved""#, with: #""status": "gone""#)
        let error = try #require(decodeError(.alertmanager, body))
        #expect(error.code == .invalidField && error.path == "alerts[1].status")
    }

    @Test func grafanaBodyDecodesWithValues() throws {
        let delivery = try decode(.grafana, Fixtures.grafana)
        let alert = try #require(delivery.alerts.first)
        #expect(alert.source == .grafana)
        #expect(alert.status == .firing)
        #expect(alert.dedupKey == "6b0e4f9a2c7d1835")
        #expect(alert.title == "Channel sync backlog above 10k items")
        #expect(alert.severity == .critical)
        #expect(alert.labels["grafana_folder"] == "Inventory")
        #expect(alert.hints["grafana_values"] == "B=10480 C=1")
        #expect(alert.hints["dashboard_url"] == "https://grafana.tidewell.example/d/avsync?orgId=1")
    }

    @Test func grafanaBodyOnAlertmanagerEndpointIsRecognized() throws {
        let alert = try #require(try decode(.alertmanager, Fixtures.grafana).alerts.first)
        #expect(alert.source == .grafana)
    }

    @Test func emptyGroupIsIgnored() throws {
        let delivery = try decode(.alertmanager, #"{"version": "4", "alerts": []}"#)
        #expect(delivery.alerts.isEmpty && delivery.ignored != nil)
    }
}

struct GenericDecoderTests {
    @Test func genericAlertUsesServiceAndTitle() throws {
        let alert = try #require(try decode(.generic, Fixtures.generic).alerts.first)
        #expect(alert.source == .generic)
        #expect(alert.status == .firing)
        #expect(alert.hints[AlertHint.service] == "guest-profile-api")
        #expect(
            alert.dedupKey == "guest-profile-api/Synthetic check 'guest profile load' failing from 3 of 3 locations")
        #expect(alert.severity == .critical)
        #expect(alert.labels["check"] == "guest-profile-load")
        #expect(alert.startedAt == .at("2027-05-08T07:17:10Z"))
    }

    @Test func genericIDAndStatus() throws {
        let payload: JSONValue = .object([
            "id": .string("synthetic-1"), "title": .string("t"), "service": .string("svc"),
            "severity": .string("warning"), "status": .string("resolved"),
            "occurred_at": .string("2027-05-08T07:17:10Z"),
        ])
        let alert = try #require(
            try SignalDecoder.decode(.generic, payload: payload, receivedAt: received).alerts.first)
        #expect(alert.dedupKey == "synthetic-1" && alert.sourceID == "synthetic-1")
        #expect(alert.status == .resolved)
    }

    @Test(arguments: ["title", "service", "occurred_at"])
    func missingRequiredFieldIsNamed(field: String) throws {
        var members: [String: JSONValue] = [
            "title": .string("t"), "service": .string("svc"), "occurred_at": .string("2027-05-08T07:17:10Z"),
        ]
        members[field] = nil
        #expect(throws: DecodeError.missing(field)) {
            try SignalDecoder.decode(.generic, payload: .object(members), receivedAt: received)
        }
    }
}

struct MalformedBodyTests {
    @Test func syntaxErrorReportsPosition() throws {
        let error = try #require(decodeError(.generic, "{\n  \"title\": \"x\",\n  oops\n}"))
        #expect(error.code == .malformedJSON)
        #expect(error.line == 3 && error.column == 3)
        #expect(error.description == "the body is not valid JSON: expected a quoted member name (line 3, column 3)")
    }

    @Test(arguments: [
        ("{\"a\" 1}", 1, 6), ("[1, 2", 1, 6), ("{\"a\": tru}", 1, 7), ("", 1, 1),
        ("{\"a\": \"x}", 1, 7), ("{} x", 1, 4),
    ])
    func syntaxErrorPositions(text: String, line: Int, column: Int) throws {
        let error = try #require(decodeError(.generic, text))
        #expect(error.code == .malformedJSON)
        #expect(error.line == line && error.column == column, "\(error)")
    }

    @Test func nonObjectBodyIsRejected() throws {
        let error = try #require(decodeError(.alertmanager, "[1, 2]"))
        #expect(error.code == .invalidField)
    }

    @Test func badTimestampIsReported() throws {
        let body = Fixtures.generic.replacingOccurrences(of: "2027-05-08T07:17:10Z", with: "yesterday")
        let error = try #require(decodeError(.generic, body))
        #expect(error.path == "occurred_at" && error.code == .invalidField)
    }
}
