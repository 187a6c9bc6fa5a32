import Foundation
import MusterHTTP
import MusterLake
import MusterModel
import MusterNotify
import MusterReplay
import MusterServer
import MusterSignals
import MusterTelemetry
import MusterTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The seed incident through the live server: its payloads posted over HTTP with valid signatures at
/// their relative times (on a compressed clock), Slack and PagerDuty as strict loopback fakes.
@Suite(.serialized)
struct SeedIncidentLiveTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Live {
        let server: HTTPServer
        let service: MusterService
        let worker: OutboxWorker
        let slack: FakeAPIServer
        let pagerDuty: FakeAPIServer
        let clock: ManualClock
        let scenario: Scenario
        var base: String { "http://127.0.0.1:\(server.port)" }
    }

    func start() async throws -> Live {
        let scenario = try ScenarioLoader.load(
            path: Self.repo.deletingLastPathComponent().appendingPathComponent("shared/scenarios/kafka-lag-storm.yaml")
                .path)
        let clock = ManualClock(scenario.start)
        let lake = ContextLake.inMemory()
        try lake.upsert(scenario.catalog, at: scenario.start.addingTimeInterval(-86_400))
        for shift in scenario.oncall { try lake.addShift(shift) }
        let store = MetricStore()
        if let metrics = scenario.metrics { MetricGenerator.generate(metrics, into: store) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "muster-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let slack = try FakeAPIServer.slack()
        let pagerDuty = try FakeAPIServer.pagerDuty()
        let notify = NotifyConfiguration(
            channel: "#incidents",
            slack: .init(apiURL: URL(string: "http://127.0.0.1:\(slack.port)/api/")!, token: "xoxb-seed"),
            pagerDuty: .init(
                apiURL: URL(string: "http://127.0.0.1:\(pagerDuty.port)/")!, token: "pd-token",
                from: "muster@example.com"))
        let outbox = try Outbox(path: directory.appendingPathComponent("outbox.db").path)
        let worker = OutboxWorker(
            outbox: outbox, slack: notify.slackClient(), pagerDuty: notify.pagerDutyClient(), clock: clock,
            sleep: { _ in })
        var configuration = ServerConfiguration()
        configuration.secrets = ServerFixture.secrets
        let service = MusterService(
            configuration: configuration, lake: lake,
            intake: try IntakeStore(path: directory.appendingPathComponent("intake.db").path),
            metricSource: store, notifier: OutboxNotifier(outbox: outbox, configuration: notify, clock: clock),
            clock: clock)
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(port: 0, threads: 2),
            handler: ServiceRouter(service: service, secrets: ServerFixture.secrets))
        try server.start()
        return Live(
            server: server, service: service, worker: worker, slack: slack, pagerDuty: pagerDuty, clock: clock,
            scenario: scenario)
    }

    func post(_ url: String, body: Data, headers: [String: String]) async throws -> Int {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    /// Plays the scenario's timeline against the server over HTTP, running the outbox after each event.
    func play(_ live: Live) async throws {
        for event in live.scenario.timeline {
            live.clock.set(event.at)
            await live.service.tick()
            switch event.payload {
            case .alert(let source, let payload):
                let body = try JSONEncoder().encode(payload)
                var headers = ["Content-Type": "application/json", "X-Webhook-Id": "seed-\(event.id ?? "")"]
                if source == .pagerduty {
                    headers["X-PagerDuty-Signature"] = PagerDutySignature.header(body: body, secret: "pd-secret")
                } else {
                    headers["Authorization"] = "Bearer intake-token"
                }
                let status = try await post("\(live.base)/v1/intake/\(source.rawValue)", body: body, headers: headers)
                #expect(status == 202, "\(event.id ?? "") answered \(status)")
            case .action(let action):
                let body =
                    #"{"at":"\#(Timestamp.format(action.at))","action":{"name":"\#(action.name)","target":"\#(action.target)","by":"\#(action.by?.description ?? "user:x")","result":"succeeded"}}"#
                #expect(
                    try await post(
                        "\(live.base)/v1/events", body: Data(body.utf8),
                        headers: ["Authorization": "Bearer intake-token"]) == 202)
            case .deploy(let deploy):
                let body =
                    #"{"at":"\#(Timestamp.format(deploy.at))","deploy":{"service":"\#(deploy.target)","version":"\#(deploy.version ?? "")"}}"#
                #expect(
                    try await post(
                        "\(live.base)/v1/events", body: Data(body.utf8),
                        headers: ["Authorization": "Bearer intake-token"]) == 202)
            default:
                break
            }
            await live.service.drain()
            _ = try await live.worker.drain(now: live.clock.now())
        }
        live.clock.set(live.scenario.start.addingTimeInterval(40 * 60))
        await live.service.tick()
        _ = try await live.worker.drain(now: live.clock.now())
    }

    @Test func oneRootMessageThatEndsUpMentioningEveryOnCall() async throws {
        let live = try await start()
        defer {
            live.slack.stop()
            live.pagerDuty.stop()
        }
        try await play(live)
        await live.server.shutdown()

        // Strict wire format on every Slack call.
        for request in live.slack.requests {
            #expect(request.method == "POST")
            #expect(request.header("authorization") == "Bearer xoxb-seed")
            #expect(request.header("content-type") == "application/json; charset=utf-8")
            #expect(request.json?["channel"]?.stringValue != nil)
            #expect(request.json?["text"]?.stringValue?.isEmpty == false)
        }
        let roots = live.slack.posts.filter {
            $0.json?["channel"] == .string("#incidents") && $0.json?["thread_ts"] == nil
        }
        // Two incidents (the lag storm and the unrelated billing errors): one root each, never more.
        #expect(roots.count == 2)
        let stormRoot = try #require(roots.first)
        #expect(stormRoot.json?["text"]?.stringValue?.contains("<@U0DAN>") == true)
        let rootTS = "1700000000.000100"
        let edits = live.slack.updates.filter { $0.json?["ts"] == .string(rootTS) }
        #expect(!edits.isEmpty, "the card is edited in place, not posted again")
        let last = try #require(edits.last?.json?["text"]?.stringValue)
        for mention in ["<@U0DAN>", "<@U0GWEN>", "<@U0HAL>"] {
            #expect(last.contains(mention), "\(mention) in \(last)")
        }
        #expect(last.contains("traffic-spike customer:acme"))
        // Details go to the thread; each affected team's channel gets one cross-post.
        #expect(live.slack.posts.contains { $0.json?["thread_ts"] == .string(rootTS) })
        for channel in ["#team-builder", "#team-spotlight"] {
            #expect(live.slack.posts.filter { $0.json?["channel"] == .string(channel) }.count == 1, "\(channel)")
        }
        // One note per PagerDuty incident, with PagerDuty's headers.
        let notes = live.pagerDuty.requests.filter { $0.target.hasSuffix("/notes") }
        #expect(
            Set(notes.map(\.target)) == [
                "/incidents/Q1ACTNSLAG001/notes", "/incidents/Q1BLDRSYNC001/notes", "/incidents/Q1SPTLIDX001/notes",
                "/incidents/Q1BILLING001/notes",
            ])
        #expect(notes.count == 4)
        for note in notes {
            #expect(note.header("authorization") == "Token token=pd-token")
            #expect(note.header("accept") == "application/vnd.pagerduty+json;version=2")
            #expect(note.header("from") == "muster@example.com")
            #expect(note.json?["note"]?["content"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func theApproveButtonRoundTrip() async throws {
        let live = try await start()
        defer {
            live.slack.stop()
            live.pagerDuty.stop()
        }
        try await play(live)
        let blocks = try #require(live.slack.updates.last?.json?["blocks"]?.arrayValue)
        let approve = try #require(
            blocks.compactMap { $0["elements"]?.arrayValue }.flatMap { $0 }.first {
                $0["action_id"] == .string("approve")
            })
        let value = try #require(approve["value"]?.stringValue)
        let payload =
            #"{"type":"block_actions","user":{"id":"U0DAN"},"actions":[{"action_id":"approve","value":"\#(value)"}]}"#
        let body = Data(("payload=" + payload.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!).utf8)
        let now = String(Int(Date().timeIntervalSince1970))
        let signed = SlackSignature.signature(body: body, timestamp: now, secret: "slack-secret")
        let url = "\(live.base)/v1/slack/interactivity"
        let form = ["Content-Type": "application/x-www-form-urlencoded"]
        #expect(
            try await post(
                url, body: body,
                headers: form.merging(["X-Slack-Request-Timestamp": now, "X-Slack-Signature": signed]) { $1 }) == 200)
        let stale = String(Int(Date().timeIntervalSince1970) - 301)
        let staleSigned = SlackSignature.signature(body: body, timestamp: stale, secret: "slack-secret")
        #expect(
            try await post(
                url, body: body,
                headers: form.merging(["X-Slack-Request-Timestamp": stale, "X-Slack-Signature": staleSigned]) { $1 })
                == 401)
        #expect(
            try await post(
                url, body: body,
                headers: form.merging([
                    "X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=" + String(repeating: "0", count: 64),
                ]) { $1 }) == 401)
        let recorded = try await live.service.intake.interactions()
        #expect(recorded.count == 1)
        #expect(recorded.first?.value == value)
        #expect(value.hasPrefix("inc-1|"))
        await live.server.shutdown()
    }
}
