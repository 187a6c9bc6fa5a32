import Foundation
import MusterHTTP
import MusterLake
import MusterModel
import MusterServer
import MusterTelemetry
import Synchronization

/// A clock the test sets.
final class ManualClock: InstantClock {
    private let instant: Mutex<Date>
    init(_ start: Date) { instant = Mutex(start) }
    func now() -> Date { instant.withLock { $0 } }
    func set(_ date: Date) { instant.withLock { $0 = date } }
}

/// A service over an in-memory lake and a temporary intake file, with handler-level access (no sockets).
struct ServerFixture {
    let service: MusterService
    let router: ServiceRouter
    let lake: ContextLake
    let intake: IntakeStore
    let directory: URL

    static let secrets: ServerConfiguration.Secrets = {
        var secrets = ServerConfiguration.Secrets()
        secrets.pagerDutyWebhookSecret = "pd-secret"
        secrets.intakeToken = "intake-token"
        secrets.gitHubWebhookSecret = "gh-secret"
        secrets.slackSigningSecret = "slack-secret"
        return secrets
    }()

    init(
        entities: [Entity] = [], clock: any InstantClock = SystemInstantClock(),
        secrets: ServerConfiguration.Secrets = Self.secrets
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("muster-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        lake = ContextLake.inMemory()
        if !entities.isEmpty { try lake.upsert(entities, at: Date(timeIntervalSince1970: 0)) }
        intake = try IntakeStore(path: directory.appendingPathComponent("intake.db").path)
        var configuration = ServerConfiguration()
        configuration.secrets = secrets
        service = MusterService(
            configuration: configuration, lake: lake, intake: intake, metricSource: MetricStore(), clock: clock)
        router = ServiceRouter(service: service, secrets: secrets, clock: clock)
    }

    func request(
        _ method: String, _ path: String, body: String = "", headers: [String: String] = [:]
    ) async -> (status: Int, text: String, headers: [String: String]) {
        let response = await router.handle(
            HTTPRequest(method: method, path: path, headers: headers, body: Array(body.utf8)))
        return (response.status, String(decoding: response.body, as: UTF8.self), response.headers)
    }
}
