import Foundation
import MusterLake
import MusterModel

@testable import MusterStorage

/// The on-disk world of the crash test: a temporary folder with a catalog, a `muster.yaml` pointing Slack at
/// the fake, and a lake seeded with on-call shifts (shifts cannot live in catalog files; the lake is the
/// `--db` file itself, so the test writes them there before the first start).
struct CrashFixture {
    /// A service with its owning team, the team's channel and the user on call for it.
    struct Owner: Sendable {
        var service: String
        var team: String
        var channel: String
        var user: String
        var slackID: String
    }

    /// Four services, three teams; checkout and ledger share payments. No dependencies: one incident per service.
    static let owners = [
        Owner(service: "checkout", team: "payments", channel: "#payments", user: "ada", slackID: "U0ADA"),
        Owner(service: "ledger", team: "payments", channel: "#payments", user: "ada", slackID: "U0ADA"),
        Owner(service: "search-api", team: "search", channel: "#search", user: "bob", slackID: "U0BOB"),
        Owner(service: "notifier", team: "messaging", channel: "#messaging", user: "cleo", slackID: "U0CLEO"),
    ]

    static let incidentChannel = "#incidents"

    let directory: URL
    let database: String
    let configuration: String

    /// `<db>-intake.db`, as `ServerApp.sibling(of:suffix:)` names it.
    var intakeDatabase: String { String(database.dropLast(3)) + "-intake.db" }

    /// Writes the catalog and the configuration and seeds the lake with the shifts, in a fresh folder.
    init(slackAPIURL: String, now: Date) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("muster-crash-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = directory.appendingPathComponent("crash.db").path
        let catalog = directory.appendingPathComponent("catalog.yaml").path
        configuration = directory.appendingPathComponent("muster.yaml").path
        try Self.catalogText.write(toFile: catalog, atomically: true, encoding: .utf8)
        try """
        catalogs: ["\(catalog)"]
        slack:
          channel: "\(Self.incidentChannel)"
          api_url: "\(slackAPIURL)"
        """.write(toFile: configuration, atomically: true, encoding: .utf8)
        try Self.seedShifts(database: database, catalog: catalog, now: now)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    static var catalogText: String {
        var lines: [String] = []
        var teams: Set<String> = []
        for owner in owners where teams.insert(owner.team).inserted {
            lines.append(#"- {kind: team, id: \#(owner.team), properties: {slack_channel: "\#(owner.channel)"}}"#)
            lines.append(
                "- {kind: user, id: \(owner.user), properties: {slack_id: \(owner.slackID)}, "
                    + "relations: {memberOf: team:\(owner.team)}}")
        }
        lines.append("- {kind: user, id: dan, properties: {slack_id: U0DAN}, relations: {memberOf: team:payments}}")
        for owner in owners {
            lines.append("- {kind: service, id: \(owner.service), relations: {ownedBy: team:\(owner.team)}}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Imports the catalog into the lake at `database` and puts each team's user on call around `now`.
    private static func seedShifts(database: String, catalog: String, now: Date) throws {
        let lake = try ContextLake.open(path: database)
        _ = try LakeImporter.importEntityFiles([catalog], into: lake, at: now.addingTimeInterval(-3600))
        var teams: Set<String> = []
        for owner in owners where teams.insert(owner.team).inserted {
            try lake.addShift(
                OnCallShift(
                    team: EntityRef(kind: "team", id: owner.team), user: EntityRef(kind: "user", id: owner.user),
                    from: now.addingTimeInterval(-3600), to: now.addingTimeInterval(3600)))
        }
    }

    /// One row of the intake store.
    struct IntakeRow: Sendable {
        var id: Int64
        var source: String
        var body: Data
        var isProcessed: Bool

        /// The generic alert's `id`, read from the stored body.
        var alertID: String? {
            (try? JSONDecoder().decode(JSONValue.self, from: body))?["id"]?.stringValue
        }
    }

    /// Every row of `<db>-intake.db`, read through a separate connection (WAL lets it read beside the server).
    func intakeRows() throws -> [IntakeRow] {
        let connection = try Connection(path: intakeDatabase)
        let statement = try connection.prepare(
            "SELECT id, source, body, id <= (SELECT processed_through FROM intake_progress) FROM intake ORDER BY id")
        var rows: [IntakeRow] = []
        while try statement.step() {
            rows.append(
                IntakeRow(
                    id: statement.int64(at: 0), source: statement.string(at: 1), body: statement.data(at: 2),
                    isProcessed: statement.int64(at: 3) != 0))
        }
        return rows
    }

    /// How many acknowledged deliveries the intake log holds (written, not yet copied into the intake table).
    func intakeLogRecords() throws -> Int {
        let base = intakeDatabase + "-log"
        return try AppendLog.segments(of: base).reduce(0) { $0 + (try AppendLog.read(AppendLog.path(base, $1))).count }
    }
}
