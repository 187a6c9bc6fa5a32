import Foundation
import MusterModel
import Testing

@testable import MusterReplay

/// The public scenarios in `shared/scenarios`, found from this file's path.
private let scenariosDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("../shared/scenarios").standardizedFileURL.path

struct ScenarioFileTests {
    struct Counts: Sendable, CustomStringConvertible {
        var file: String
        var catalog: Int
        var oncall: Int
        var events: Int
        var alerts: Int
        var incidents: [Int]
        var unrelated: Int
        var description: String { file }
    }

    @Test(arguments: [
        Counts(file: "kafka-lag-storm", catalog: 29, oncall: 5, events: 9, alerts: 6, incidents: [5, 1], unrelated: 0),
        Counts(
            file: "database-saturation", catalog: 21, oncall: 5, events: 9, alerts: 6, incidents: [5], unrelated: 1),
        Counts(file: "deploy-regression", catalog: 18, oncall: 4, events: 15, alerts: 10, incidents: [7], unrelated: 3),
        Counts(
            file: "alert-storm", catalog: 95, oncall: 8, events: 165, alerts: 160, incidents: [5, 5], unrelated: 30),
    ])
    func loadsPublicScenario(counts: Counts) throws {
        let scenario = try ScenarioLoader.load(path: "\(scenariosDirectory)/\(counts.file).yaml")
        #expect(scenario.name == counts.file)
        #expect(scenario.catalog.count == counts.catalog)
        #expect(scenario.oncall.count == counts.oncall)
        #expect(scenario.metrics != nil)
        #expect(scenario.timeline.count == counts.events)
        #expect(scenario.timeline.filter(\.isAlert).count == counts.alerts)
        #expect(scenario.timeline.allSatisfy { !$0.isAlert || $0.id != nil })
        #expect(zip(scenario.timeline, scenario.timeline.dropFirst()).allSatisfy { $0.offset <= $1.offset })
        let expect = try #require(scenario.expect)
        #expect(expect.incidents.map(\.events.count) == counts.incidents)
        #expect(expect.unrelated.count == counts.unrelated)
    }

    @Test func readsKafkaLagStormDetails() throws {
        let scenario = try ScenarioLoader.load(path: "\(scenariosDirectory)/kafka-lag-storm.yaml")
        #expect(scenario.start == Timestamp.parse("2026-11-20T17:00:00Z"))
        let worker = try #require(scenario.catalog.first { $0.ref == EntityRef(kind: "service", id: "actions-worker") })
        #expect(worker.relations["dependsOn"]?.count == 2)
        #expect(worker.replicas == 4)
        #expect(worker.properties["pagerduty_service_id"] == .string("PACTWRK"))

        let first = try #require(scenario.timeline.first)
        guard case .deploy(let deploy) = first.payload else {
            Issue.record("expected the deploy at -2h first, got \(first.payload)")
            return
        }
        #expect(first.offset == -7200)
        #expect(deploy.target == EntityRef(kind: "service", id: "builder-sync"))
        #expect(deploy.version == "3.4.1" && deploy.commit == "9f1c2ab")

        let spotlight = try #require(scenario.timeline.first { $0.id == "am-spotlight" })
        guard case .alert(let source, let payload) = spotlight.payload else {
            Issue.record("am-spotlight is not an alert")
            return
        }
        #expect(source == .alertmanager)
        #expect(payload["alerts"]?.arrayValue?.first?["fingerprint"] == .string("5f3a9c2e71d04b88"))
        #expect(payload["truncatedAlerts"] == .number(0))
        #expect(payload["version"] == .string("4"))

        let incident = try #require(scenario.expect?.incidents.first)
        #expect(
            incident.rootCause
                == ExpectedRootCause(kind: "traffic-spike", entity: EntityRef(kind: "customer", id: "acme")))
        #expect(
            incident.actions == [
                ExpectedAction(action: "scale-out", target: EntityRef(kind: "service", id: "actions-worker"))
            ])
        #expect(incident.avoid == ["restart"])
        #expect(incident.triagedWithin == 300)
    }

    @Test func keepsHexFingerprintsAsStrings() throws {
        let scenario = try ScenarioLoader.load(path: "\(scenariosDirectory)/deploy-regression.yaml")
        let alert = try #require(scenario.timeline.first { $0.id == "am-promo-1" })
        guard case .alert(_, let payload) = alert.payload else {
            Issue.record("am-promo-1 is not an alert")
            return
        }
        #expect(payload["alerts"]?.arrayValue?.first?["fingerprint"] == .string("0c7d2b19e4a85f36"))
    }
}

/// A small valid scenario; each error case edits one spot of it.
private let tiny = """
    version: 1
    name: tiny
    start: 2026-11-20T17:00:00Z
    catalog:
      - {kind: team, id: core}
      - {kind: service, id: api, relations: {ownedBy: team:core}}
    timeline:
      - id: a1
        at: 1m
        alert:
          source: generic
          payload: {title: down, service: api, severity: critical, occurred_at: "2026-11-20T17:01:00Z"}
    expect:
      incidents:
        - events: [a1]

    """

struct ScenarioErrorTests {
    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var replace: String
        var with: String
        var line: Int
        var field: String
        var message: String
    }

    @Test(arguments: [
        Case(
            description: "unknown top-level key", replace: "name: tiny\n", with: "name: tiny\ncolour: blue\n", line: 3,
            field: "colour", message: "unknown key"),
        Case(
            description: "unknown key inside an event", replace: "    at: 1m\n",
            with: "    at: 1m\n    severity: high\n",
            line: 10, field: "timeline[0].severity", message: "unknown key"),
        Case(
            description: "dangling relation", replace: "ownedBy: team:core", with: "ownedBy: team:nobody", line: 6,
            field: "catalog[1].relations.ownedBy",
            message: "service:api relation ownedBy refers to team:nobody, which is not in the catalog"),
        Case(
            description: "bad duration", replace: "at: 1m", with: "at: 1x", line: 9, field: "timeline[0].at",
            message: "'1x' is not a duration"),
        Case(
            description: "alert without id", replace: "  - id: a1\n    at: 1m", with: "  - at: 1m", line: 8,
            field: "timeline[0].id", message: "required on alert events"),
        Case(
            description: "two payload keys", replace: "    at: 1m\n",
            with: "    at: 1m\n    deploy: {service: service:api}\n", line: 10, field: "timeline[0].deploy",
            message: "an event has exactly one payload key, found both alert and deploy"),
        Case(
            description: "bad alert source", replace: "source: generic", with: "source: nagios", line: 11,
            field: "timeline[0].alert.source", message: "'nagios' is not an alert source"),
        Case(
            description: "unknown expect event id", replace: "events: [a1]", with: "events: [a1, a2]", line: 15,
            field: "expect.incidents[0].events[1]", message: "'a2' is not an event id of the timeline"),
        Case(
            description: "payload not a mapping",
            replace: #"payload: {title: down, service: api, severity: critical, occurred_at: "2026-11-20T17:01:00Z"}"#,
            with: "payload: [down, api]", line: 12, field: "timeline[0].alert.payload", message: "expected a mapping"),
        Case(
            description: "bad start timestamp", replace: "start: 2026-11-20T17:00:00Z", with: "start: 2026-11-20",
            line: 3, field: "start", message: "'2026-11-20' is not an RFC 3339 timestamp"),
        Case(
            description: "version 2", replace: "version: 1", with: "version: 2", line: 1, field: "version",
            message: "unsupported version 2"),
        Case(
            description: "bad kind", replace: "kind: team", with: "kind: Team", line: 5, field: "catalog[0].kind",
            message: "'Team' is not a valid kind"),
        Case(
            description: "duplicate entity", replace: "  - {kind: service",
            with: "  - {kind: team, id: core}\n  - {kind: service", line: 6, field: "catalog[1].id",
            message: "duplicate entity team:core (first defined at line 5)"),
        Case(
            description: "bad root cause kind", replace: "events: [a1]",
            with: "events: [a1]\n      root_cause: {kind: gremlins, entity: service:api}", line: 16,
            field: "expect.incidents[0].root_cause.kind", message: "'gremlins' is not a root-cause kind"),
        Case(
            description: "counter segment without rate", replace: "timeline:\n",
            with: "metrics:\n  step: 1m\n  from: -1h\n  to: 1h\n  series:\n"
                + "    - {name: x_total, type: counter, segments: [{from: -1h}]}\ntimeline:\n",
            line: 12, field: "metrics.series[0].segments[0].rate", message: "a counter segment needs a rate"),
        Case(
            description: "ref to an entity added later", replace: "timeline:\n",
            with: "timeline:\n  - {at: 0s, change: {entity: service:db, summary: x}}\n"
                + "  - {at: 5m, entity: {kind: service, id: db}}\n",
            line: 8, field: "timeline[0].change.entity",
            message: "entity refers to service:db, which is not in the catalog or an earlier entity event"),
    ])
    func rejects(example: Case) throws {
        #expect(tiny.contains(example.replace))
        let text = tiny.replacingOccurrences(of: example.replace, with: example.with)
        let error = #expect(throws: ScenarioError.self) { try ScenarioLoader.load(text: text, file: "tiny.yaml") }
        let thrown = try #require(error)
        #expect(thrown.file == "tiny.yaml")
        #expect(thrown.line == example.line)
        #expect(thrown.field == example.field)
        #expect(thrown.message.contains(example.message), "\(thrown)")
        #expect(thrown.description.hasPrefix("tiny.yaml:\(example.line):"))
        #expect(thrown.description.contains("\(example.field): \(example.message)"), "\(thrown)")
    }

    @Test func rendersFileLineColumnFieldAndMessage() {
        let text = tiny.replacingOccurrences(of: "at: 1m", with: "at: soon")
        #expect {
            try ScenarioLoader.load(text: text, file: "tiny.yaml")
        } throws: { error in
            "\(error)" == "tiny.yaml:9:9: timeline[0].at: 'soon' is not a duration (like 90m, 1h30m, -2h, 45s)"
        }
    }

    @Test func loadsTheValidFixture() throws {
        let scenario = try ScenarioLoader.load(text: tiny, file: "tiny.yaml")
        #expect(scenario.catalog.count == 2)
        #expect(scenario.timeline.first?.at == Timestamp.parse("2026-11-20T17:01:00Z"))
        #expect(scenario.expect?.incidents.first?.events == ["a1"])
    }

    @Test func acceptsSpaceAndOffsetInStart() throws {
        let text = tiny.replacingOccurrences(of: "2026-11-20T17:00:00Z", with: "2026-11-20 18:00:00+01:00")
        #expect(try ScenarioLoader.load(text: text, file: "tiny.yaml").start == Timestamp.parse("2026-11-20T17:00:00Z"))
    }

    @Test func sortsByOffsetKeepingFileOrderOnTies() throws {
        let text = tiny.replacingOccurrences(
            of: "timeline:\n",
            with: "timeline:\n  - {id: c, at: 1m, change: {entity: service:api, summary: c}}\n"
                + "  - {id: b, at: -1m, change: {entity: service:api, summary: b}}\n")
        let ids = try ScenarioLoader.load(text: text, file: "tiny.yaml").timeline.map(\.id)
        #expect(ids == ["b", "c", "a1"])
    }
}

struct ScenarioPayloadScalarTests {
    @Test(arguments: [
        ("42", JSONValue.number(42)), ("-3", .number(-3)), ("0.95", .number(0.95)), ("0", .number(0)),
        ("true", .bool(true)), ("False", .bool(false)), ("~", .null), ("null", .null), ("", .null),
        ("9e12", .string("9e12")), ("0e12345", .string("0e12345")), ("1e5", .string("1e5")),
        ("5f3a9c2e71d04b88", .string("5f3a9c2e71d04b88")), ("007", .string("007")), ("3.4.1", .string("3.4.1")),
        ("1.", .string("1.")), (".5", .string(".5")), ("+1", .string("+1")), ("0x1F", .string("0x1F")),
        (".inf", .string(".inf")), ("12345678901234567890", .string("12345678901234567890")),
        ("2026-11-20T17:00:00Z", .string("2026-11-20T17:00:00Z")), ("yes", .string("yes")),
    ])
    func typesPlainScalarsConservatively(text: String, expected: JSONValue) {
        #expect(PayloadScalar.typed(text) == expected)
    }
}
