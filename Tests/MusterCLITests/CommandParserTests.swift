import Testing

@testable import MusterCLI

struct CommandParserTests {
    @Test(arguments: [
        ([], Command.help),
        (["help"], .help),
        (["lake", "import", "a.yaml", "dir"], .lakeImport(paths: ["a.yaml", "dir"], db: "./muster.db", json: false)),
        (["lake", "import", "x", "--db", "l.db", "--json"], .lakeImport(paths: ["x"], db: "l.db", json: true)),
        (["lake", "show", "service:a", "--db=l.db"], .lakeShow(ref: "service:a", db: "l.db", json: false)),
        (
            ["lake", "dependents", "resource:db", "--depth", "2"],
            .lakeDependents(ref: "resource:db", depth: 2, db: "./muster.db", json: false)
        ),
        (
            ["lake", "dependents", "resource:db", "--json"],
            .lakeDependents(ref: "resource:db", depth: nil, db: "./muster.db", json: true)
        ),
        (
            ["lake", "blast-radius", "resource:db"],
            .lakeBlastRadius(ref: "resource:db", db: "./muster.db", json: false)
        ),
        (
            ["lake", "oncall", "team-a", "--at", "2026-11-20T17:08:00Z"],
            .lakeOnCall(team: "team-a", at: "2026-11-20T17:08:00Z", db: "./muster.db", json: false)
        ),
        (["lake", "oncall", "team:team-a"], .lakeOnCall(team: "team:team-a", at: nil, db: "./muster.db", json: false)),
        (["bench"], .bench(scenarios: [])),
        (["bench", "a.yaml", "b.yaml"], .bench(scenarios: ["a.yaml", "b.yaml"])),
        (["bench", "--only", "intake,petshop"], .bench(scenarios: [], only: [.intake, .petshop])),
    ])
    func parsesGoodCommandLines(arguments: [String], expected: Command) throws {
        #expect(try CommandParser.parse(arguments) == expected)
    }

    @Test(arguments: [
        (["frobnicate"], "unknown command 'frobnicate'"),
        (["lake"], "lake needs a subcommand"),
        (["lake", "drop"], "unknown lake subcommand 'drop'"),
        (["lake", "import"], "lake import needs at least one path"),
        (["lake", "show"], "lake show takes exactly one REF"),
        (["lake", "show", "a:b", "c:d"], "lake show takes exactly one REF"),
        (["lake", "dependents", "a:b", "--depth", "0"], "--depth must be a positive integer"),
        (["lake", "dependents", "a:b", "--depth", "two"], "--depth must be a positive integer"),
        (["lake", "show", "a:b", "--depth", "2"], "unknown option --depth"),
        (["lake", "show", "a:b", "--db"], "--db needs a value"),
        (["lake", "oncall"], "lake oncall takes exactly one TEAM"),
        (["bench", "--json"], "unknown option --json"),
        (
            ["bench", "--only", "speed"],
            "unknown bench section 'speed' (known: replay, lake, storm, intake, petshop, calibration)"
        ),
    ])
    func rejectsBadCommandLines(arguments: [String], message: String) {
        #expect(throws: UsageError(message)) { try CommandParser.parse(arguments) }
    }

    @Test func usageErrorsCarryTheUsage() {
        let error = UsageError("lake needs a subcommand")
        #expect(error.description.hasPrefix("lake needs a subcommand\n\nusage: muster"))
    }
}
