import Foundation
import MusterHTTP
import MusterLake
import MusterModel
import MusterPipeline
import MusterServer
import MusterTelemetry
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A real Alertmanager, configured as the wire-format digest (§3.3) says, notifies a Muster running in-process:
/// alerts posted to Alertmanager's API arrive through its webhook with the bearer token, are committed, and
/// open one incident because both services depend on one database.
///
/// The database alerts too: with no metrics to check, a shared dependency alone scores 0.4, below the join
/// threshold (0.45), and Muster rightly keeps two incidents; an alerting database is a credible shared cause.
struct AlertmanagerIntegrationTests {
    static let token = "am-itest-\(UUID().uuidString)"
    static let checkout = EntityRef(kind: "service", id: "checkout-api")
    static let billing = EntityRef(kind: "service", id: "billing-api")
    static let database = EntityRef(kind: "resource", id: "orders-db")
    static let team = EntityRef(kind: "team", id: "payments")
    static let onCall = EntityRef(kind: "user", id: "ada")

    @Test(.timeLimit(.minutes(2))) func alertsThroughAlertmanagerOpenOneIncidentInMuster() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("muster-am-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let now = Date()
        let lake = ContextLake.inMemory()
        try lake.upsert(Self.catalog, at: now.addingTimeInterval(-3600))
        try lake.addShift(
            OnCallShift(
                team: Self.team, user: Self.onCall, from: now.addingTimeInterval(-3600),
                to: now.addingTimeInterval(3600)))
        let intake = try IntakeStore(path: directory.appendingPathComponent("intake.db").path)
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.secrets.intakeToken = Self.token
        let service = MusterService(
            configuration: configuration, lake: lake, intake: intake, metricSource: MetricStore())
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, threads: 2),
            handler: ServiceRouter(service: service, secrets: configuration.secrets))
        try server.start()
        let pipeline = Task { await service.run() }

        var failure: (any Error)?
        do {
            try await exercise(
                musterPort: server.port, service: service, intake: intake, directory: directory, now: now)
        } catch {
            failure = error
        }
        await server.shutdown()
        await service.stop()
        pipeline.cancel()
        await pipeline.value
        if let failure { throw failure }
    }

    private func exercise(
        musterPort: UInt16, service: MusterService, intake: IntakeStore, directory: URL, now: Date
    ) async throws {
        // The intake really demands the token, so a delivery that lands proves Alertmanager sent it.
        let intakeURL = URL(string: "http://127.0.0.1:\(musterPort)/v1/intake/alertmanager")!
        var unauthorized = URLRequest(url: intakeURL)
        unauthorized.httpMethod = "POST"
        unauthorized.httpBody = Data(#"{"version":"4","alerts":[]}"#.utf8)
        let (_, refusal) = try await URLSession.shared.data(for: unauthorized)
        #expect((refusal as? HTTPURLResponse)?.statusCode == 401)

        let alertmanager = try await AlertmanagerProcess(
            config: Self.alertmanagerConfig(intakeURL: intakeURL), directory: directory)
        defer { alertmanager.stop() }

        let startsAt = Timestamp.format(now.addingTimeInterval(-30))
        let alerts = [
            (Self.checkout, "HighLatency", "checkout-api p99 latency above 2s"),
            (Self.billing, "HighLatency", "billing-api p99 latency above 2s"),
            (Self.database, "PostgresSlowQueries", "orders-db queries slower than 500 ms"),
        ]
        .map { service, name, summary in
            #"{"labels":{"alertname":"\#(name)","service":"\#(service.id)","severity":"critical"},"#
                + #""annotations":{"summary":"\#(summary)"},"startsAt":"\#(startsAt)"}"#
        }
        let status = try await alertmanager.post(path: "/api/v2/alerts", body: "[\(alerts.joined(separator: ","))]")
        #expect(status == 200, "Alertmanager accepts the alerts")

        // group_by [alertname, service]: three groups, three webhook deliveries in any order, one incident.
        let deadline = ContinuousClock.now + .seconds(15)
        var incidents: [IncidentOutput] = []
        var committed = 0
        while ContinuousClock.now < deadline {
            committed = try await intake.count()
            incidents = await service.incidents()
            // Triage runs once per batch of deliveries, after they are correlated: wait for it too.
            if committed >= 3, incidents.count == 1, incidents[0].alerts.count == 3, !incidents[0].notified.isEmpty {
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        try #require(
            committed >= 3,
            "Muster committed \(committed) deliveries within 15 s; Alertmanager log:\n\(alertmanager.logTail)")
        #expect(committed == 3, "one delivery per alert group")
        #expect(incidents.count == 1, "\(incidents.map { "\($0.id): \($0.services)" })")
        let incident = try #require(incidents.first)
        #expect(incident.status == "open")
        #expect(Set(incident.alerts.compactMap(\.entity)) == [Self.checkout, Self.billing, Self.database])
        #expect(incident.alerts.count == 3)
        #expect(incident.alerts.allSatisfy { $0.source == "alertmanager" && $0.status == "firing" })
        #expect(
            Set(incident.alerts.map(\.title)) == [
                "checkout-api p99 latency above 2s", "billing-api p99 latency above 2s",
                "orders-db queries slower than 500 ms",
            ])
        #expect(incident.alerts.contains { !$0.reasons.isEmpty }, "a later alert says why it joined")
        #expect(
            incident.events.count == 3 && incident.events.allSatisfy { $0.hasPrefix("intake-") }, "\(incident.events)")
        #expect(incident.teams == [Self.team])
        #expect(incident.notified == [Self.onCall])
    }

    static var catalog: [Entity] {
        [
            Entity(ref: team, title: "Payments"),
            Entity(ref: onCall, title: "Ada", relations: [Relation.memberOf: [team]]),
            Entity(ref: database, properties: ["type": .string("postgres")], relations: [Relation.ownedBy: [team]]),
            Entity(ref: checkout, relations: [Relation.ownedBy: [team], Relation.dependsOn: [database]]),
            Entity(ref: billing, relations: [Relation.ownedBy: [team], Relation.dependsOn: [database]]),
        ]
    }

    static func alertmanagerConfig(intakeURL: URL) -> String {
        """
        route:
          receiver: muster
          group_by: [alertname, service]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: muster
            webhook_configs:
              - url: \(intakeURL.absoluteString)
                send_resolved: true
                http_config:
                  authorization:
                    type: Bearer
                    credentials: \(token)
        """
    }
}
