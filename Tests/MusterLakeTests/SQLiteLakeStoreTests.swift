import Foundation
import MusterLake
import MusterModel
import MusterStorage
import Testing

struct SQLiteLakeStoreTests {
    typealias F = Fixtures

    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("lake-\(UUID()).db").path
    }

    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test func fileRoundTripGivesTheSameAnswers() throws {
        let path = Self.temporaryPath()
        defer { Self.remove(path) }
        do {
            let lake = try ContextLake.open(path: path)
            try lake.upsert(F.catalog, at: F.start)
            try lake.upsert(
                [
                    F.entity(
                        "service:api", ["dependsOn": ["resource:db"], "ownedBy": ["team:platform"]],
                        properties: ["signals": .array([.object(["name": "x", "n": .number(1.5)])])])
                ],
                at: F.at(10))
            try lake.record(Deployment(target: F.ref("resource:db"), at: F.at(-30), version: "15.2", commit: "abc"))
            try lake.record(
                Change(
                    target: F.ref("service:api"), at: F.at(-20), summary: "pool \"50\" -> 5\n", by: F.ref("user:ann")))
            try lake.record(ActionRecord(name: "restart", target: F.ref("service:api"), at: F.at(5), result: "failed"))
            try lake.addShift(
                OnCallShift(team: F.ref("team:backend"), user: F.ref("user:bob"), from: F.at(0), to: F.at(60)))
        }
        let lake = try ContextLake.open(path: path)
        let api = F.ref("service:api")
        #expect(lake.entityCount == F.catalog.count + 2)
        #expect(lake.owners(of: api) == [F.ref("team:platform")])
        #expect(lake.owners(of: api, asOf: F.at(8)) == [F.ref("team:backend")])
        #expect(lake.entity(api)?.properties["signals"]?.arrayValue?.first?["n"] == .number(1.5))
        #expect(
            lake.dependents(of: F.ref("resource:db")).map(\.ref) == [
                api, F.ref("service:worker"), F.ref("service:web"),
            ])
        #expect(lake.deployments(on: [F.ref("resource:db")], from: F.at(-60), to: F.at(0)).first?.commit == "abc")
        #expect(lake.changes(on: [api], from: F.at(-60), to: F.at(0)).first?.summary == "pool \"50\" -> 5\n")
        #expect(lake.actions(on: [api], from: F.at(0), to: F.at(10)).first?.result == "failed")
        #expect(lake.onCall(team: F.ref("team:backend"), at: F.at(30)) == [F.ref("user:bob")])
        #expect(lake.related(F.ref("service:api"), by: "changedBy").count == 1)
    }

    @Test func rejectedWriteLeavesFileAndMemoryUntouched() throws {
        let path = Self.temporaryPath()
        defer { Self.remove(path) }
        do {
            let lake = try ContextLake.open(path: path)
            try lake.upsert(F.catalog, at: F.start)
            #expect(throws: LakeError.self) {
                try lake.upsert(
                    [F.entity("service:x"), F.entity("service:y", ["dependsOn": ["service:z"]])], at: F.at(1))
            }
            #expect(lake.entity(F.ref("service:x")) == nil)
        }
        #expect(try ContextLake.open(path: path).entity(F.ref("service:x")) == nil)
    }

    @Test func migratesAVersionOneFileAndKeepsItsData() throws {
        let path = Self.temporaryPath()
        defer { Self.remove(path) }
        do {
            let old = try Connection(path: path)
            try old.execute(
                """
                CREATE TABLE entity_versions (
                    seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, id TEXT NOT NULL, at REAL NOT NULL,
                    title TEXT, properties TEXT NOT NULL, relations TEXT NOT NULL);
                CREATE INDEX entity_versions_ref ON entity_versions (kind, id, at);
                CREATE TABLE relations (
                    from_ref TEXT NOT NULL, name TEXT NOT NULL, to_ref TEXT NOT NULL, since REAL NOT NULL,
                    PRIMARY KEY (from_ref, name, to_ref)) WITHOUT ROWID;
                CREATE TABLE deployments (
                    seq INTEGER PRIMARY KEY, target TEXT NOT NULL, at REAL NOT NULL,
                    version TEXT, by TEXT, git_commit TEXT);
                CREATE TABLE changes (
                    seq INTEGER PRIMARY KEY, target TEXT NOT NULL, at REAL NOT NULL, summary TEXT NOT NULL, by TEXT);
                CREATE TABLE shifts (
                    seq INTEGER PRIMARY KEY, team TEXT NOT NULL, user TEXT NOT NULL,
                    from_at REAL NOT NULL, to_at REAL NOT NULL);
                INSERT INTO entity_versions (kind, id, at, title, properties, relations) VALUES
                    ('team', 'core', 100, 'Core', '{}', '{}'),
                    ('service', 'api', 100, NULL, '{"alert_labels":{"app":"api-v1"}}', '{"ownedBy":["team:core"]}');
                INSERT INTO relations VALUES ('service:api', 'ownedBy', 'team:core', 100);
                INSERT INTO shifts (team, user, from_at, to_at) VALUES ('team:core', 'user:dan', 0, 1000);
                PRAGMA user_version = 1;
                """)
        }
        let store = try SQLiteLakeStore(path: path)
        #expect(try store.schemaVersion == 2)
        let lake = try ContextLake(store: store)
        #expect(lake.entity(F.ref("team:core"))?.title == "Core")
        #expect(lake.owners(of: F.ref("service:api")) == [F.ref("team:core")])
        #expect(lake.onCall(team: F.ref("team:core"), at: Date(timeIntervalSince1970: 500)) == [F.ref("user:dan")])
        let alert = Alert(
            source: .alertmanager, sourceID: "a", dedupKey: "a", status: .firing, title: "t", severity: .error,
            labels: ["app": "api-v1"], startedAt: F.start, receivedAt: F.start)
        #expect(lake.entity(forAlert: alert) == F.ref("service:api"))
        try lake.record(
            ActionRecord(name: "restart", target: F.ref("service:api"), at: Date(timeIntervalSince1970: 200)))
    }

    @Test func recursiveCTEAgreesWithTheIndex() throws {
        let path = Self.temporaryPath()
        defer { Self.remove(path) }
        let lake = try ContextLake.open(path: path)
        try lake.upsert(F.catalog, at: F.start)
        let store = try SQLiteLakeStore(path: path)
        let viaCTE = try store.dependentsViaCTE(of: F.ref("resource:db"), depth: nil)
        let viaIndex = lake.dependents(of: F.ref("resource:db"))
        #expect(viaCTE.map(\.ref) == viaIndex.map(\.ref))
        #expect(viaCTE.map(\.distance) == viaIndex.map(\.distance))
    }
}
