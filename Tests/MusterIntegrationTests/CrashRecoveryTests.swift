import Foundation
import MusterTestSupport
import Testing

/// The real `muster serve`, killed with SIGKILL in the middle of an alert burst and restarted on the same
/// database and port: nothing it acknowledged is lost, the rows it never processed are processed after the
/// restart, and each incident's Slack root message is posted exactly once across both runs.
struct CrashRecoveryTests {
    static let alertCount = 2_000
    static let clients = 8
    /// The kill comes once this many alerts were acknowledged (30 %).
    static let killAfter = 600

    /// One incident of `GET /v1/incidents`, the fields this test reads.
    struct Incident: Decodable {
        struct Alert: Decodable {
            var key: String
            var entity: String?
        }

        var id: String
        var alerts: [Alert]
    }

    @Test(.timeLimit(.minutes(1)))
    func killedMidBurstLosesNoAcknowledgedAlertAndPostsEachRootOnce() async throws {
        let executable = try CrashServer.executable()
        let slack = try CrashFakeSlack()
        defer { slack.stop() }
        let now = Date()
        let fixture = try CrashFixture(slackAPIURL: slack.apiURL, now: now)
        defer { fixture.remove() }
        let port = try LoopbackSocket.freePort()
        let arguments = ["--config", fixture.configuration, "--listen", "127.0.0.1:\(port)", "--db", fixture.database]
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MUSTER_") }
        environment["MUSTER_SLACK_TOKEN"] = "xoxb-test"
        let log = fixture.directory.appendingPathComponent("server.log")
        func start() async throws -> ChildProcess {
            try await CrashServer.start(
                executable: executable, arguments: arguments, environment: environment, log: log, port: port)
        }

        // 1–2. Start, burst, and kill -9 once 30 % of the alerts were acknowledged.
        let first = try await start()
        defer { first.killIfRunning() }
        let burst = CrashBurst(
            alerts: CrashBurst.alerts(count: Self.alertCount, services: CrashFixture.owners.map(\.service), at: now))
        let outcome = await burst.run(port: port, clients: Self.clients, killAfter: Self.killAfter, pid: first.pid)
        try #require(
            outcome.isKilled,
            "the burst ended before \(Self.killAfter) acknowledgements: \(outcome.failuresBeforeKill.prefix(3))")
        first.waitUntilExit()
        #expect(first.wasKilled, "the first server did not die of SIGKILL")
        #expect(outcome.failuresBeforeKill.isEmpty, "rejected before the kill: \(outcome.failuresBeforeKill.prefix(5))")
        let atKill = try fixture.intakeRows()
        let loggedAtKill = try fixture.intakeLogRecords()

        // 3. Restart on the same database and port.
        let second = try await start()
        defer { second.killIfRunning() }

        // 4. The restarted server works through every committed row (its incidents stop growing).
        let incidents = try await settle(port: port, within: .seconds(15))

        // 5. Stop cleanly; the worker sends what is due before it exits.
        try await waitForRoots(of: incidents.map(\.id), in: slack, within: .seconds(10))
        let callsBeforeStop = slack.calls.count
        let status = await second.terminate(within: .seconds(15))
        #expect(
            status == 0, "SIGTERM: exit \(status.map(String.init) ?? "none, killed after 15 s")\n\(second.logTail())")
        expectSlack(slack, incidents: incidents, callsBeforeStop: callsBeforeStop)

        // 6. The intake file is the server's alone while it runs; read it now.
        let rows = try fixture.intakeRows()
        expectIntake(rows: rows, atKill: atKill, loggedAtKill: loggedAtKill, outcome: outcome)
        expectIncidents(incidents, rows: rows, alerts: burst.alerts)
    }

    /// Every acknowledged alert is in the intake store, once, with the body that was sent; every row was processed.
    private func expectIntake(
        rows: [CrashFixture.IntakeRow], atKill: [CrashFixture.IntakeRow], loggedAtKill: Int,
        outcome: CrashBurst.Outcome
    ) {
        var rowsByAlert: [String: [CrashFixture.IntakeRow]] = [:]
        for row in rows { rowsByAlert[row.alertID ?? "row \(row.id) without an id", default: []].append(row) }
        for (id, alert) in outcome.acknowledged.sorted(by: { $0.key < $1.key }) {
            let stored = rowsByAlert[id] ?? []
            #expect(stored.count == 1, "acknowledged \(id) is stored \(stored.count) times")
            #expect(stored.first?.body == alert.body, "acknowledged \(id) is stored with another body")
            #expect(stored.first?.source == "generic")
        }
        #expect(rowsByAlert.values.allSatisfy { $0.count == 1 }, "an alert is stored twice")
        #expect(rows.count >= outcome.acknowledged.count)
        #expect(rows.count <= outcome.attempted, "more rows (\(rows.count)) than requests (\(outcome.attempted))")
        // Something was left to recover: acknowledged rows still only in the intake log, or rows in the table the
        // pipeline had not taken yet.
        #expect(
            loggedAtKill > 0 || atKill.contains { !$0.isProcessed },
            "the kill came after every row was copied and processed: nothing to recover")
        let unprocessed = rows.filter { !$0.isProcessed }.map(\.id)
        #expect(unprocessed.isEmpty, "\(unprocessed.count) rows left unprocessed, from row \(unprocessed.first ?? 0)")
    }

    /// Every stored alert is in exactly one incident, one incident per alerting service.
    private func expectIncidents(_ incidents: [Incident], rows: [CrashFixture.IntakeRow], alerts: [CrashBurst.Alert]) {
        let stored = Set(rows.compactMap(\.alertID))
        let keys = incidents.flatMap(\.alerts).map(\.key)
        #expect(Set(keys) == stored, "incidents hold \(keys.count) alerts, the intake \(rows.count)")
        #expect(keys.count == Set(keys).count, "an alert is in two incidents")
        let services = Set(alerts.filter { stored.contains($0.id) }.map(\.service))
        #expect(incidents.count == services.count, "\(incidents.map(\.id)) for services \(services.sorted())")
        for incident in incidents {
            #expect(Set(incident.alerts.map(\.entity)).count == 1, "\(incident.id) spans services")
        }
    }

    /// One root message per incident across both runs, mentioning the on-call user; edits and replies target a
    /// root; nothing posted twice, except possibly the one call in flight at the kill (delivery is at least once
    /// across a crash) — a clean stop must repeat nothing.
    private func expectSlack(_ slack: CrashFakeSlack, incidents: [Incident], callsBeforeStop: Int) {
        let roots = slack.roots(in: CrashFixture.incidentChannel)
        for incident in incidents {
            let posted = roots.filter { $0.incident == incident.id }
            #expect(posted.count == 1, "\(incident.id): \(posted.count) root messages")
            let service = incident.alerts.first?.entity.map { String($0.drop { $0 != ":" }.dropFirst()) }
            if let owner = CrashFixture.owners.first(where: { $0.service == service }), let root = posted.first {
                #expect(
                    root.text.contains("<@\(owner.slackID)>"),
                    "\(incident.id) root does not mention \(owner.user): \(root.text)")
            }
        }
        #expect(roots.count == incidents.count, "\(roots.count) roots for \(incidents.count) incidents")

        let rootTS = Set(roots.map(\.answeredTS))
        let calls = slack.calls
        let updates = calls.filter { $0.method == .update }
        #expect(!updates.isEmpty, "no chat.update: the cards were never edited")
        #expect(updates.allSatisfy { rootTS.contains($0.ts ?? "") }, "a chat.update edits a message that is not a root")
        var firstReply: [String: Int] = [:]
        var repeatedBeforeStop = 0
        var repeatedAfterStop = 0
        for (index, call) in calls.enumerated() where call.method == .postMessage && call.ts != nil {
            #expect(rootTS.contains(call.ts ?? ""), "a thread reply is not under a root: \(call.text.prefix(40))")
            let key = "\(call.ts ?? "") \(call.text.prefix { $0 != ":" })"  // root ts + "Update <revision>"
            guard firstReply[key] != nil else {
                firstReply[key] = index
                continue
            }
            if index < callsBeforeStop { repeatedBeforeStop += 1 } else { repeatedAfterStop += 1 }
        }
        #expect(repeatedBeforeStop <= 1, "\(repeatedBeforeStop) thread replies posted twice before the stop")
        #expect(
            repeatedAfterStop == 0,
            "\(repeatedAfterStop) thread replies posted again after SIGTERM (\(calls.count - callsBeforeStop) calls then)"
        )

        // Each team engaged by an incident got one cross-post for it (`inc-2: ... — see the thread in #incidents`).
        var crossposts: [String: Int] = [:]
        for post in calls
        where post.method == .postMessage && post.ts == nil && post.channel != CrashFixture.incidentChannel {
            crossposts["\(post.channel) \(post.text.prefix { $0 != ":" })", default: 0] += 1
        }
        #expect(!crossposts.isEmpty, "no team was cross-posted to")
        #expect(
            crossposts.values.allSatisfy { $0 == 1 }, "duplicate cross-posts: \(crossposts.filter { $0.value > 1 })")
        #expect(slack.unknownRequests.isEmpty, "unexpected Slack calls: \(slack.unknownRequests.prefix(3))")
    }

    /// Polls `GET /v1/incidents` until the alerts they hold stop changing (the same count three times, 250 ms
    /// apart); whether that is every stored alert is checked against the intake file after the stop.
    private func settle(port: UInt16, within limit: Duration) async throws -> [Incident] {
        let deadline = ContinuousClock.now + limit
        var counts: [Int] = []
        var last: [Incident] = []
        while ContinuousClock.now < deadline {
            let response = try await CrashThreads.value {
                try CrashHTTPClient.request("GET", "/v1/incidents", port: port)
            }
            try #require(response.status == 200, "GET /v1/incidents: \(response.status)")
            last = try JSONDecoder().decode([Incident].self, from: response.body)
            counts.append(last.reduce(0) { $0 + $1.alerts.count })
            if counts.count >= 3, counts.last! > 0, Set(counts.suffix(3)).count == 1 { return last }
            try await Task.sleep(for: .milliseconds(250))
        }
        return last
    }

    /// Waits until the fake Slack holds a root message for each incident (the worker polls every second).
    private func waitForRoots(of incidents: [String], in slack: CrashFakeSlack, within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let posted = Set(slack.roots(in: CrashFixture.incidentChannel).compactMap(\.incident))
            if Set(incidents).isSubset(of: posted) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
