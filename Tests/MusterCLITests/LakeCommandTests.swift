import Foundation
import MusterLake
import MusterModel
import Synchronization
import Testing

@testable import MusterCLI

/// Collects what a `Runner` writes, for checks.
final class CapturedOutput: Sendable {
    private let lines = Mutex<(output: [String], errors: [String])>(([], []))

    var output: String { lines.withLock { $0.output.joined(separator: "\n") } }
    var errors: String { lines.withLock { $0.errors.joined(separator: "\n") } }

    var runner: Runner {
        Runner(
            output: { line in self.lines.withLock { $0.output.append(line) } },
            errors: { line in self.lines.withLock { $0.errors.append(line) } })
    }
}

/// `muster lake ...` against a fresh SQLite file holding Backstage's example catalog.
struct LakeCommandTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "shared/data/backstage-examples"
        ).path

    let db: String

    init() async throws {
        db = FileManager.default.temporaryDirectory.appendingPathComponent("muster-cli-\(UUID().uuidString).db").path
        let captured = CapturedOutput()
        let code = await captured.runner.run(.lakeImport(paths: [Self.examples], db: db, json: false))
        #expect(code == 1)
    }

    func run(_ command: Command) async -> (code: Int32, output: String, errors: String) {
        let captured = CapturedOutput()
        let code = await captured.runner.run(command)
        return (code, captured.output, captured.errors)
    }

    @Test func importKeepsTheValidAndReportsTheInvalidWithFileAndLine() async throws {
        let fresh = db + "-again"
        defer { try? FileManager.default.removeItem(atPath: fresh) }
        let result = await run(.lakeImport(paths: [Self.examples], db: fresh, json: false))
        #expect(result.code == 1)
        #expect(result.output.hasPrefix("imported 55 entities from 39 files"))
        #expect(
            result.errors == "\(Self.examples)/invalid/invalid-component.yaml:4: metadata.name: 'invalid component' "
                + "is not a valid Backstage name (1-63 characters: letters and digits separated by single '-', '_' or '.')"
        )
    }

    @Test func importReadsMusterEntityFilesBesideBackstageOnes() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("muster-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
        - kind: service
          id: playlist-cache
          relations: {dependsOn: resource:artists-db, ownedBy: team:team-a}
        - kind: service
          id: broken
          relations: {dependsOn: resource:nowhere}
        """.write(to: folder.appendingPathComponent("extra.yaml"), atomically: true, encoding: .utf8)
        let result = await run(.lakeImport(paths: [folder.path], db: db, json: true))
        #expect(result.code == 1)
        #expect(result.output.contains("\"imported\" : 1"))
        #expect(result.output.contains("extra.yaml:4: service:broken: relation dependsOn -> resource:nowhere"))
        let radius = await run(.lakeBlastRadius(ref: "resource:artists-db", db: db, json: false))
        #expect(radius.output.contains("service:playlist-cache"))
    }

    @Test func showListsRelationsWrittenAndImpliedAndOwners() async throws {
        let result = await run(.lakeShow(ref: "service:artist-lookup", db: db, json: false))
        #expect(result.code == 0)
        #expect(result.output.contains("description: Artist Lookup"))
        #expect(result.output.contains("dependsOn: resource:artists-db"))
        #expect(result.output.contains("partOf: system:artist-engagement-portal"))
        #expect(result.output.contains("owners: team:team-a"))
        let team = await run(.lakeShow(ref: "team:team-a", db: db, json: false))
        #expect(team.output.contains("owns (implied):"))
        #expect(team.output.contains("service:artist-lookup"))
    }

    @Test func dependentsAndBlastRadiusFollowDependsOnWithPaths() async throws {
        let dependents = await run(.lakeDependents(ref: "resource:artists-db", depth: nil, db: db, json: false))
        #expect(dependents.code == 0)
        #expect(dependents.output.contains("1  service:artist-lookup  (resource:artists-db <- service:artist-lookup)"))
        let radius = await run(.lakeBlastRadius(ref: "resource:artists-db", db: db, json: true))
        #expect(radius.code == 0)
        #expect(radius.output.contains("\"origin\" : \"resource:artists-db\""))
        #expect(radius.output.contains("\"teams\" : [\n    \"team:team-a\"\n  ]"))
    }

    @Test func onCallAnswersAtAnInstantAndBlastRadiusNamesThem() async throws {
        let from = try #require(Timestamp.parse("2026-11-20T08:00:00Z"))
        do {
            let lake = try ContextLake.open(path: db)
            try lake.addShift(
                OnCallShift(
                    team: EntityRef(kind: "team", id: "team-a"), user: EntityRef(kind: "user", id: "breanna.davison"),
                    from: from, to: from.addingTimeInterval(12 * 3600)))
            try lake.addShift(
                OnCallShift(
                    team: EntityRef(kind: "team", id: "team-a"), user: EntityRef(kind: "user", id: "janelle.dawe"),
                    from: Date().addingTimeInterval(-3600), to: Date().addingTimeInterval(3600)))
        }
        let during = await run(.lakeOnCall(team: "team-a", at: "2026-11-20T17:08:00Z", db: db, json: false))
        #expect(during.code == 0)
        #expect(during.output == "on call for team:team-a at 2026-11-20T17:08:00Z: user:breanna.davison")
        let after = await run(.lakeOnCall(team: "team:team-a", at: "2026-11-20T20:00:00Z", db: db, json: true))
        #expect(after.output.contains("\"users\" : [\n\n  ]") || after.output.contains("\"users\" : []"))
        let now = await run(.lakeBlastRadius(ref: "resource:artists-db", db: db, json: false))
        #expect(now.output.contains("on call now: team:team-a: user:janelle.dawe"))
        let bad = await run(.lakeOnCall(team: "team-a", at: "yesterday", db: db, json: false))
        #expect(bad.code == 1)
        #expect(bad.errors.contains("is not an RFC 3339 time"))
    }

    @Test(arguments: ["service:nope", "nope", "team:ghosts"])
    func unknownRefsFailClearly(ref: String) async throws {
        let result = await run(.lakeShow(ref: ref, db: db, json: false))
        #expect(result.code == 1)
        #expect(
            result.errors.contains("is not in the lake")
                || result.errors.contains("is not a reference of the form kind:id"))
    }
}
