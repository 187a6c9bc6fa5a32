@preconcurrency import Dispatch
import Foundation
import MusterHTTP
import MusterInvestigation
import MusterLake
import MusterModel
import MusterNotify
import MusterTelemetry

/// `muster serve`: opens the lake and the stores, starts the HTTP server, the pipeline and the outbox
/// worker, and shuts them down in order on SIGTERM or SIGINT.
public enum ServerApp {
    /// Runs until a termination signal; `log` receives one line per event worth telling an operator.
    public static func run(_ configuration: ServerConfiguration, log: @escaping @Sendable (String) -> Void) async throws
    {
        let lake = try ContextLake.open(path: configuration.database)
        try importCatalogs(configuration.catalogs, into: lake, log: log)
        var playbook = Playbook.standard
        if let skill = configuration.skill {
            playbook = try SkillLoader.load(directory: skill).playbook
            log("skill \(skill) loaded")
        }
        let metricSource: any MetricSource =
            configuration.prometheusURL.map { PrometheusSource(baseURL: $0) } ?? MetricStore()
        let intake = try IntakeStore(path: sibling(of: configuration.database, suffix: "intake"))
        let notify = NotifyConfiguration(
            channel: configuration.slackChannel,
            slack: configuration.secrets.slackToken.map { .init(apiURL: configuration.slackAPIURL, token: $0) },
            pagerDuty: configuration.secrets.pagerDutyToken.map {
                .init(apiURL: configuration.pagerDutyAPIURL, token: $0, from: configuration.pagerDutyFrom)
            },
            mergePagerDuty: configuration.mergePagerDuty)
        let outbox = try Outbox(path: sibling(of: configuration.database, suffix: "outbox"))
        let notifier = OutboxNotifier(outbox: outbox, configuration: notify)
        let worker = OutboxWorker(outbox: outbox, slack: notify.slackClient(), pagerDuty: notify.pagerDutyClient())
        let service = MusterService(
            configuration: configuration, lake: lake, intake: intake, metricSource: metricSource, playbook: playbook,
            notifier: notifier)
        warnAboutOpenEndpoints(configuration.secrets, notify: notify, log: log)
        try await service.recover()

        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(
                host: configuration.host, port: configuration.port, threads: configuration.threads,
                maxBodyBytes: configuration.maxBodyBytes, maxInFlight: configuration.maxInFlight),
            handler: ServiceRouter(service: service, secrets: configuration.secrets))
        try server.start()
        log(
            "listening on http://\(configuration.host):\(server.port) (lake \(configuration.database), \(lake.entityCount) entities)"
        )

        let signals = TerminationSignals()
        let delivering = Task { try? await worker.run() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await service.run() }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(5))
                    if let depth = try? await outbox.rows(status: .pending).count,
                        let failed = try? await outbox.rows(status: .failedPermanent).count
                    {
                        service.metrics.setOutbox(depth: depth, failures: failed)
                    }
                    service.metrics.setIntakeLog(backlog: intake.logBacklog)
                }
            }
            let signal = await signals.next()
            log("\(signal): stopping (no new connections; finishing requests in flight)")
            await server.shutdown()
            await service.drain()
            await service.stop()
            group.cancelAll()
        }
        // The worker finishes its current pass (never cancelled mid-request), then one last pass.
        await worker.stop()
        await delivering.value
        _ = try? await worker.drain(now: Date())
        log("stopped")
    }

    /// `muster.db` -> `muster-intake.db`: the server's own stores live beside the lake.
    public static func sibling(of database: String, suffix: String) -> String {
        if database == ":memory:" { return ":memory:" }
        if database.hasSuffix(".db") { return String(database.dropLast(3)) + "-\(suffix).db" }
        return database + "-\(suffix)"
    }

    static func importCatalogs(_ paths: [String], into lake: ContextLake, log: (String) -> Void) throws {
        guard !paths.isEmpty else { return }
        var backstage: [String] = []
        var muster: [String] = []
        for path in paths {
            for file in files(under: path) {
                let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
                if text.contains("apiVersion: backstage.io") { backstage.append(file) } else { muster.append(file) }
            }
        }
        var report = try LakeImporter.importBackstage(backstage, into: lake, at: Date())
        report.merge(try LakeImporter.importEntityFiles(muster, into: lake, at: Date()))
        log("catalog: \(report.imported) entities imported from \(backstage.count + muster.count) files")
        for error in report.errors { log("catalog: \(error)") }
    }

    static func files(under path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [path] }
        let enumerator = FileManager.default.enumerator(atPath: path)
        var found: [String] = []
        while let item = enumerator?.nextObject() as? String {
            if item.hasSuffix(".yaml") || item.hasSuffix(".yml") || item.hasSuffix(".json") {
                found.append((path as NSString).appendingPathComponent(item))
            }
        }
        return found.sorted()
    }

    static func warnAboutOpenEndpoints(
        _ secrets: ServerConfiguration.Secrets, notify: NotifyConfiguration, log: (String) -> Void
    ) {
        if secrets.pagerDutyWebhookSecret == nil {
            log("warning: MUSTER_PAGERDUTY_WEBHOOK_SECRET is not set: /v1/intake/pagerduty accepts unsigned deliveries")
        }
        if secrets.intakeToken == nil {
            log("warning: MUSTER_INTAKE_TOKEN is not set: intake and events accept requests without a token")
        }
        if secrets.gitHubWebhookSecret == nil {
            log("warning: MUSTER_GITHUB_WEBHOOK_SECRET is not set: /v1/intake/github accepts unsigned deliveries")
        }
        if notify.slack == nil { log("Slack is off (MUSTER_SLACK_TOKEN is not set)") }
        if notify.pagerDuty == nil { log("PagerDuty notes are off (MUSTER_PAGERDUTY_TOKEN is not set)") }
    }
}

/// SIGTERM and SIGINT as an async sequence of one element.
///
/// `@unchecked Sendable`: the dispatch sources are only created in `init` and kept alive, never mutated.
final class TerminationSignals: @unchecked Sendable {
    private let stream: AsyncStream<String>
    private let sources: [any DispatchSourceSignal]

    init() {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        self.stream = stream
        var sources: [any DispatchSourceSignal] = []
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(name) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    func next() async -> String {
        for await name in stream { return name }
        return "end"
    }
}
