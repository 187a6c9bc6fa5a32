import Foundation
import MusterHTTP
import MusterLake
import MusterModel
import MusterServer
import MusterTelemetry

/// Alert intake over HTTP, Muster beside a real Alertmanager: the same number of keep-alive loopback
/// connections post alerts to each, and each answer is timed.
///
/// Muster runs in-process as `muster serve` does: SQLite files in a temporary folder, bearer auth, the real
/// `POST /v1/intake/alertmanager` route that commits each delivery before it answers, and the pipeline
/// draining committed rows meanwhile. Alertmanager 0.25+ takes `POST /api/v2/alerts` and routes them to a
/// receiver without integrations, so only its intake is measured. Afterwards, Muster's intake must hold
/// exactly as many rows as it answered 2xx.
enum IntakeBench {
    static let connections = 8
    static let requestsPerConnection = 2_000
    /// Each side stops sending when this time is up, whatever is left.
    static let timeLimit: Duration = .seconds(60)
    /// How long the pipeline may take to catch up before Alertmanager is measured (so it does not steal CPU).
    static let drainLimit: Duration = .seconds(120)
    static let token = "bench-intake-token"

    /// Runs both sides and returns the printable table rows.
    static func run() async throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("muster-intake-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let now = Date()
        let lake = try ContextLake.open(path: directory.appendingPathComponent("lake.db").path)
        try lake.upsert(catalog, at: now.addingTimeInterval(-3600))
        let intake = try IntakeStore(path: directory.appendingPathComponent("intake.db").path)
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.secrets.intakeToken = token
        let service = MusterService(
            configuration: configuration, lake: lake, intake: intake, metricSource: MetricStore())
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(
                host: "127.0.0.1", port: 0, threads: configuration.threads, maxBodyBytes: configuration.maxBodyBytes,
                maxInFlight: configuration.maxInFlight),
            handler: ServiceRouter(service: service, secrets: configuration.secrets))
        try server.start()
        let pipeline = Task { await service.run() }
        func stopMuster() async {
            await server.shutdown()
            await service.stop()
            pipeline.cancel()
            await pipeline.value
        }

        let alertmanager: BenchAlertmanager
        do {
            alertmanager = try await BenchAlertmanager(config: alertmanagerConfig, directory: directory)
        } catch {
            await stopMuster()
            throw error
        }
        defer { alertmanager.stop() }

        let musterPort = server.port
        let musterRequests = (0..<64).map { index in
            BenchHTTPConnection.request(
                "POST", path: "/v1/intake/alertmanager", port: musterPort, body: webhookBody(index, at: now),
                headers: ["Authorization": "Bearer \(token)"])
        }
        let muster = try await measure(port: musterPort, requests: musterRequests)
        let drainStarted = ContinuousClock.now
        let drained = await waitForDrain(intake)
        let drainTime = ContinuousClock.now - drainStarted
        let stored = try await intake.count()
        await stopMuster()

        let alertmanagerRequests = (0..<64).map { index in
            BenchHTTPConnection.request(
                "POST", path: "/api/v2/alerts", port: alertmanager.port, body: apiBody(index, at: now))
        }
        let other = try await measure(port: alertmanager.port, requests: alertmanagerRequests)
        alertmanager.stop()

        return report(muster: muster, alertmanager: other, stored: stored, drained: drained, drainTime: drainTime)
    }

    // MARK: - Measuring

    /// One side's results: answers by status, latencies in microseconds, wall time, and the first failure.
    struct Outcome: Sendable {
        var statuses: [Int: Int] = [:]
        var latencies: [Double] = []
        var elapsed: Duration = .zero
        var failure: String?

        var successes: Int { statuses.filter { (200..<300).contains($0.key) }.values.reduce(0, +) }
        var answered: Int { statuses.values.reduce(0, +) }
        var rate: Double { answered == 0 ? 0 : Double(answered) / max(BenchStats.seconds(elapsed), 1e-9) }

        mutating func merge(_ other: Outcome) {
            statuses.merge(other.statuses, uniquingKeysWith: +)
            latencies += other.latencies
            failure = failure ?? other.failure
        }
    }

    /// Sends `requestsPerConnection` requests (cycling through `requests`) on each of `connections` threads.
    static func measure(port: UInt16, requests: [[UInt8]]) async throws -> Outcome {
        let clock = ContinuousClock()
        let deadline = clock.now + timeLimit
        let started = clock.now
        var total = Outcome()
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            for worker in 0..<connections {
                group.addTask {
                    try await onBenchThread {
                        var outcome = Outcome()
                        outcome.latencies.reserveCapacity(requestsPerConnection)
                        do {
                            let connection = try BenchHTTPConnection(port: port)
                            for index in 0..<requestsPerConnection where clock.now < deadline {
                                let sent = clock.now
                                let status = try connection.exchange(requests[(worker * 7 + index) % requests.count])
                                outcome.latencies.append(BenchStats.microseconds(clock.now - sent))
                                outcome.statuses[status, default: 0] += 1
                            }
                        } catch {
                            outcome.failure = "connection \(worker): \(error)"
                        }
                        return outcome
                    }
                }
            }
            for try await outcome in group { total.merge(outcome) }
        }
        total.elapsed = clock.now - started
        return total
    }

    /// Waits until the pipeline has taken every committed delivery; false when `drainLimit` passed first.
    static func waitForDrain(_ intake: IntakeStore) async -> Bool {
        let deadline = ContinuousClock.now + drainLimit
        while ContinuousClock.now < deadline {
            if let pending = try? await intake.pending(limit: 1), pending.isEmpty { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    // MARK: - Report

    static func report(muster: Outcome, alertmanager: Outcome, stored: Int, drained: Bool, drainTime: Duration)
        -> [String]
    {
        func pair(_ left: String, _ right: String) -> String { "\(left) | \(right)" }
        func milliseconds(_ outcome: Outcome, _ p: Double) -> String {
            BenchStats.format(BenchStats.percentile(outcome.latencies, p) / 1000, digits: 2)
        }
        func statuses(_ outcome: Outcome) -> String {
            outcome.statuses.keys.sorted().map { "\(BenchStats.grouped(outcome.statuses[$0]!))×\($0)" }
                .joined(separator: " ")
        }
        let planned = connections * requestsPerConnection
        var lines = [
            BenchTable.section(
                "alert intake over HTTP, Muster | Alertmanager (\(connections) keep-alive connections × "
                    + "\(BenchStats.grouped(requestsPerConnection)) POSTs each, loopback)")
        ]
        var rows = [
            BenchRow(
                "requests/s",
                pair(BenchStats.format(muster.rate, digits: 0), BenchStats.format(alertmanager.rate, digits: 0)),
                target: "Muster ≥ AM", isMet: muster.rate >= alertmanager.rate),
            BenchRow("latency p50 (ms)", pair(milliseconds(muster, 50), milliseconds(alertmanager, 50))),
            BenchRow("latency p99 (ms)", pair(milliseconds(muster, 99), milliseconds(alertmanager, 99))),
            BenchRow("answers (count×status)", pair(statuses(muster), statuses(alertmanager))),
            BenchRow(
                "requests sent of \(BenchStats.grouped(planned)) (limit \(timeLimit))",
                pair(BenchStats.grouped(muster.answered), BenchStats.grouped(alertmanager.answered)),
                target: "all", isMet: muster.answered == planned && alertmanager.answered == planned),
            BenchRow(
                "Muster intake rows = its 2xx answers",
                "\(BenchStats.grouped(stored)) = \(BenchStats.grouped(muster.successes))", target: "equal",
                isMet: stored == muster.successes),
            BenchRow(
                "Muster pipeline caught up after the run",
                drained
                    ? "\(BenchStats.format(BenchStats.seconds(drainTime), digits: 1)) s" : "not within \(drainLimit)"),
        ]
        if let failure = muster.failure { rows.append(BenchRow("Muster client failure", failure)) }
        if let failure = alertmanager.failure { rows.append(BenchRow("Alertmanager client failure", failure)) }
        lines += rows.map(BenchTable.row)
        return lines
    }

    // MARK: - Inputs

    /// Two services of one team that depend on one database, with someone on call.
    static var catalog: [Entity] {
        let team = EntityRef(kind: "team", id: "payments")
        let database = EntityRef(kind: "resource", id: "orders-db")
        return [
            Entity(ref: team, title: "Payments"),
            Entity(ref: database, properties: ["type": .string("postgres")], relations: [Relation.ownedBy: [team]]),
            Entity(
                ref: EntityRef(kind: "service", id: "checkout-api"),
                relations: [Relation.ownedBy: [team], Relation.dependsOn: [database]]),
            Entity(
                ref: EntityRef(kind: "service", id: "billing-api"),
                relations: [Relation.ownedBy: [team], Relation.dependsOn: [database]]),
        ]
    }

    static let alertmanagerConfig = """
        route:
          receiver: blackhole
          group_by: [alertname, service]
        receivers:
          - name: blackhole
        """

    /// The labels of alert `index % 16`: 16 alerts on two services, so repeats update alerts already known.
    static func labels(_ index: Int) -> [String: String] {
        let alert = index % 16
        return [
            "alertname": "BenchAlert\(alert)", "service": alert % 2 == 0 ? "checkout-api" : "billing-api",
            "severity": alert % 3 == 0 ? "critical" : "warning", "namespace": "shop",
        ]
    }

    /// An Alertmanager webhook v4 body carrying alert `index`, as Alertmanager would send it to Muster.
    static func webhookBody(_ index: Int, at instant: Date) -> [UInt8] {
        let labels = json(labels(index))
        let annotations = json(["summary": "bench alert \(index % 16)"])
        let fingerprint = String(format16: UInt64(index % 16 + 1) &* 0x9E37_79B9_7F4A_7C15)
        return Array(
            """
            {"version":"4","groupKey":"{}:{alertname=\\"BenchAlert\(index % 16)\\"}","truncatedAlerts":0,\
            "status":"firing","receiver":"muster","groupLabels":{},"commonLabels":\(labels),\
            "commonAnnotations":\(annotations),"externalURL":"http://127.0.0.1:9093","alerts":[{"status":"firing",\
            "labels":\(labels),"annotations":\(annotations),"startsAt":"\(Timestamp.format(instant))",\
            "endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://127.0.0.1:9090/graph","fingerprint":"\(fingerprint)"}]}
            """.utf8)
    }

    /// A `POST /api/v2/alerts` body carrying alert `index`, as Prometheus would send it to Alertmanager.
    static func apiBody(_ index: Int, at instant: Date) -> [UInt8] {
        Array(
            """
            [{"labels":\(json(labels(index))),"annotations":\(json(["summary": "bench alert \(index % 16)"])),\
            "startsAt":"\(Timestamp.format(instant))","generatorURL":"http://127.0.0.1:9090/graph"}]
            """.utf8)
    }

    /// A flat JSON object of strings; keys sorted, values escaped.
    static func json(_ object: [String: String]) -> String {
        let data = (try? JSONEncoder.sortedKeys.encode(object)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

extension JSONEncoder {
    fileprivate static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

extension String {
    /// `value` as 16 lower-case hex digits.
    fileprivate init(format16 value: UInt64) {
        let digits = String(value, radix: 16)
        self = String(repeating: "0", count: 16 - digits.count) + digits
    }
}
