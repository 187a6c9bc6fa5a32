import Foundation
import MusterHTTP
import MusterLake
import MusterModel
import MusterServer
import MusterTelemetry

/// Alert intake over HTTP, Muster beside a real Alertmanager: the same number of keep-alive loopback
/// connections post alerts to each, and each answer is timed.
///
/// Muster runs in-process as `muster serve` does: its files in a temporary folder, bearer auth, the real
/// `POST /v1/intake/alertmanager` route that writes each delivery to the intake log before it answers, and the
/// pipeline copying the rows into SQLite and triaging them meanwhile. Alertmanager 0.25+ takes `POST /api/v2/alerts` and routes them to a
/// receiver without integrations, so only its intake is measured. Afterwards, Muster's intake must hold
/// exactly as many rows as it answered 2xx.
enum IntakeBench {
    static let connections = 8
    static let requestsPerConnection = 12_500
    /// Each side stops sending when this time is up, whatever is left.
    static let timeLimit: Duration = .seconds(60)
    /// How long the pipeline may take to catch up before Alertmanager is measured (so it does not steal CPU).
    static let drainLimit: Duration = .seconds(120)
    static let token = "bench-intake-token"

    /// Alerts per request, one table each: a single alert per request is the worst case for per-request costs;
    /// 16 is how alerts usually travel (Prometheus batches up to 64 alerts per POST to Alertmanager, and an
    /// Alertmanager webhook carries every alert of its group).
    static let shapes = [1, 16]

    /// Runs both sides for each shape and returns the printable table rows.
    static func run() async throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("muster-intake-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let now = Date()
        let alertmanager = try await BenchAlertmanager(config: alertmanagerConfig, directory: directory)
        defer { alertmanager.stop() }

        var lines: [String] = []
        for (index, perRequest) in shapes.enumerated() {
            let folder = directory.appendingPathComponent("muster-\(index)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let muster = try await measureMuster(alertsPerRequest: perRequest, directory: folder, now: now)
            let requests = (0..<64).map { variant in
                BenchHTTPConnection.request(
                    "POST", path: "/api/v2/alerts", port: alertmanager.port,
                    body: apiBody(variant, alerts: perRequest, at: now))
            }
            let serverCPU = ProcessCPU.of(process: alertmanager.processID)
            var other = try await measure(port: alertmanager.port, requests: requests)
            if let before = serverCPU, let after = ProcessCPU.of(process: alertmanager.processID) {
                other.serverCPU = after - before
            }
            lines += report(muster: muster, alertmanager: other, alertsPerRequest: perRequest)
        }
        return lines
    }

    /// Muster's side of one shape: a fresh server and stores in `directory`, the load, then the pipeline's catch-up.
    static func measureMuster(alertsPerRequest: Int, directory: URL, now: Date) async throws -> MusterOutcome {
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
        func stop() async {
            await server.shutdown()
            await service.stop()
            pipeline.cancel()
            await pipeline.value
        }

        let requests = (0..<64).map { variant in
            BenchHTTPConnection.request(
                "POST", path: "/v1/intake/alertmanager", port: server.port,
                body: webhookBody(variant, alerts: alertsPerRequest, at: now),
                headers: ["Authorization": "Bearer \(token)"])
        }
        var outcome: Outcome
        let processCPU = ProcessCPU.ofThisProcess()
        do {
            outcome = try await measure(port: server.port, requests: requests)
        } catch {
            await stop()
            throw error
        }
        let drainStarted = ContinuousClock.now
        let drained = await waitForDrain(intake)
        let drainTime = ContinuousClock.now - drainStarted
        // The server's share: the whole process while it served and caught up, less the client's threads.
        outcome.serverCPU = ProcessCPU.ofThisProcess() - processCPU - outcome.clientCPU
        let stored = (try? await intake.count()) ?? -1
        await stop()
        return MusterOutcome(outcome: outcome, stored: stored, drained: drained, drainTime: drainTime)
    }

    /// Muster's results: the client's view, the intake rows afterwards, and how long the pipeline took to catch up.
    struct MusterOutcome {
        var outcome: Outcome
        var stored: Int
        var drained: Bool
        var drainTime: Duration
    }

    // MARK: - Measuring

    /// One side's results: answers by status, latencies in microseconds, wall time, CPU seconds of the client's
    /// threads and of the server, and the first failure.
    struct Outcome: Sendable {
        var statuses: [Int: Int] = [:]
        var latencies: [Double] = []
        var elapsed: Duration = .zero
        var clientCPU = 0.0
        var serverCPU: Double?
        var failure: String?

        var successes: Int { statuses.filter { (200..<300).contains($0.key) }.values.reduce(0, +) }
        var answered: Int { statuses.values.reduce(0, +) }
        var rate: Double { answered == 0 ? 0 : Double(answered) / max(BenchStats.seconds(elapsed), 1e-9) }

        mutating func merge(_ other: Outcome) {
            statuses.merge(other.statuses, uniquingKeysWith: +)
            latencies += other.latencies
            clientCPU += other.clientCPU
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
                        let threadCPU = ProcessCPU.ofThisThread()
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
                        outcome.clientCPU = ProcessCPU.ofThisThread() - threadCPU
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

    static func report(muster side: MusterOutcome, alertmanager: Outcome, alertsPerRequest: Int) -> [String] {
        let muster = side.outcome
        func pair(_ left: String, _ right: String) -> String { "\(left) | \(right)" }
        func milliseconds(_ outcome: Outcome, _ p: Double) -> String {
            BenchStats.format(BenchStats.percentile(outcome.latencies, p) / 1000, digits: 2)
        }
        func statuses(_ outcome: Outcome) -> String {
            outcome.statuses.keys.sorted().map { "\(BenchStats.grouped(outcome.statuses[$0]!))×\($0)" }
                .joined(separator: " ")
        }
        func alertRate(_ outcome: Outcome) -> String {
            BenchStats.format(outcome.rate * Double(alertsPerRequest), digits: 0)
        }
        func cpuPerRequest(_ outcome: Outcome) -> String {
            guard let cpu = outcome.serverCPU, outcome.answered > 0 else { return "?" }
            return BenchStats.format(cpu * 1e6 / Double(outcome.answered), digits: 1)
        }
        let planned = connections * requestsPerConnection
        var lines = [
            BenchTable.section(
                "alert intake over HTTP, \(alertsPerRequest) alert\(alertsPerRequest == 1 ? "" : "s") per request, "
                    + "Muster | Alertmanager (\(connections) keep-alive connections × "
                    + "\(BenchStats.grouped(requestsPerConnection)) POSTs each, loopback)")
        ]
        var rows = [
            BenchRow(
                "alerts/s", pair(alertRate(muster), alertRate(alertmanager)), target: "Muster ≥ AM",
                isMet: muster.rate >= alertmanager.rate),
            BenchRow(
                "requests/s",
                pair(BenchStats.format(muster.rate, digits: 0), BenchStats.format(alertmanager.rate, digits: 0))),
            BenchRow(
                "server CPU per request (µs)", pair(cpuPerRequest(muster), cpuPerRequest(alertmanager)),
                target: "Muster ≤ AM",
                isMet: (muster.serverCPU ?? .infinity) <= (alertmanager.serverCPU ?? 0)
                    * Double(muster.answered) / Double(max(alertmanager.answered, 1))),
            BenchRow("latency p50 (ms)", pair(milliseconds(muster, 50), milliseconds(alertmanager, 50))),
            BenchRow("latency p99 (ms)", pair(milliseconds(muster, 99), milliseconds(alertmanager, 99))),
            BenchRow("answers (count×status)", pair(statuses(muster), statuses(alertmanager))),
            BenchRow(
                "requests sent of \(BenchStats.grouped(planned)) (limit \(timeLimit))",
                pair(BenchStats.grouped(muster.answered), BenchStats.grouped(alertmanager.answered)),
                target: "all", isMet: muster.answered == planned && alertmanager.answered == planned),
            BenchRow(
                "Muster intake rows = its 2xx answers",
                "\(BenchStats.grouped(side.stored)) = \(BenchStats.grouped(muster.successes))", target: "equal",
                isMet: side.stored == muster.successes),
            BenchRow(
                "Muster pipeline caught up after the run",
                side.drained
                    ? "\(BenchStats.format(BenchStats.seconds(side.drainTime), digits: 1)) s"
                    : "not within \(drainLimit)"),
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

    /// The labels of alert `number` (0..<16): 16 alerts on two services, so repeats update alerts already known.
    static func labels(_ number: Int) -> [String: String] {
        let alert = number % 16
        return [
            "alertname": "BenchAlert\(alert)", "service": alert % 2 == 0 ? "checkout-api" : "billing-api",
            "severity": alert % 3 == 0 ? "critical" : "warning", "namespace": "shop",
        ]
    }

    /// The alerts of request `variant`: `count` consecutive ones of the 16, starting at the variant.
    static func alertNumbers(_ variant: Int, count: Int) -> [Int] {
        (0..<count).map { (variant + $0) % 16 }
    }

    /// An Alertmanager webhook v4 body, as Alertmanager would send it to Muster: one group carrying `alerts` alerts.
    static func webhookBody(_ variant: Int, alerts: Int, at instant: Date) -> [UInt8] {
        let numbers = alertNumbers(variant, count: alerts)
        let common = json(["namespace": "shop"])
        let items = numbers.map { number in
            let fingerprint = String(format16: UInt64(number + 1) &* 0x9E37_79B9_7F4A_7C15)
            return """
                {"status":"firing","labels":\(json(labels(number))),"annotations":\(json(annotations(number))),\
                "startsAt":"\(Timestamp.format(instant))","endsAt":"0001-01-01T00:00:00Z",\
                "generatorURL":"http://127.0.0.1:9090/graph","fingerprint":"\(fingerprint)"}
                """
        }
        return Array(
            """
            {"version":"4","groupKey":"{}:{namespace=\\"shop\\"}","truncatedAlerts":0,"status":"firing",\
            "receiver":"muster","groupLabels":\(common),"commonLabels":\(common),"commonAnnotations":{},\
            "externalURL":"http://127.0.0.1:9093","alerts":[\(items.joined(separator: ","))]}
            """.utf8)
    }

    /// A `POST /api/v2/alerts` body, as Prometheus would send it to Alertmanager: `alerts` alerts.
    static func apiBody(_ variant: Int, alerts: Int, at instant: Date) -> [UInt8] {
        let items = alertNumbers(variant, count: alerts).map { number in
            """
            {"labels":\(json(labels(number))),"annotations":\(json(annotations(number))),\
            "startsAt":"\(Timestamp.format(instant))","generatorURL":"http://127.0.0.1:9090/graph"}
            """
        }
        return Array("[\(items.joined(separator: ","))]".utf8)
    }

    static func annotations(_ number: Int) -> [String: String] { ["summary": "bench alert \(number)"] }

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
