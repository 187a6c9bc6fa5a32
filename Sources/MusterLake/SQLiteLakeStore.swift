internal import Foundation
public import MusterModel
internal import MusterStorage

/// The lake's SQLite store: entity versions with JSON properties, current relations, history and shifts.
///
/// Owns one `Connection` (and its cached statements); not thread-safe, so a `ContextLake` keeps it behind
/// its lock. Every `append` is one transaction of prepared-statement inserts. Files are migrated on open.
public final class SQLiteLakeStore: LakeStore {
    private let connection: Connection

    /// Opens or creates the file at `path` (`":memory:"` for a private in-memory database) and migrates it.
    public init(path: String) throws {
        connection = try Connection(path: path)
        try Self.migrator.migrate(connection)
    }

    /// The schema version of the open file.
    public var schemaVersion: Int {
        get throws { try connection.userVersion }
    }

    public func append(_ records: LakeRecords) throws {
        try connection.transaction {
            for version in records.versions { try insert(version) }
            for deployment in records.deployments {
                try connection.cached(
                    "INSERT INTO deployments (target, at, version, by, git_commit) VALUES (?, ?, ?, ?, ?)"
                ).bind(
                    deployment.target.description, deployment.at.timeIntervalSince1970, deployment.version,
                    deployment.by?.description, deployment.commit
                ).run()
            }
            for change in records.changes {
                try connection.cached("INSERT INTO changes (target, at, summary, by) VALUES (?, ?, ?, ?)")
                    .bind(
                        change.target.description, change.at.timeIntervalSince1970, change.summary,
                        change.by?.description
                    )
                    .run()
            }
            for action in records.actions {
                try connection.cached("INSERT INTO actions (name, target, at, by, result) VALUES (?, ?, ?, ?, ?)")
                    .bind(
                        action.name, action.target.description, action.at.timeIntervalSince1970,
                        action.by?.description, action.result
                    ).run()
            }
            for shift in records.shifts {
                try connection.cached("INSERT INTO shifts (team, user, from_at, to_at) VALUES (?, ?, ?, ?)")
                    .bind(
                        shift.team.description, shift.user.description, shift.from.timeIntervalSince1970,
                        shift.to.timeIntervalSince1970
                    ).run()
            }
        }
    }

    private func insert(_ version: EntityVersion) throws {
        let entity = version.entity
        let at = version.at.timeIntervalSince1970
        let newer = try connection.cached(
            "SELECT 1 FROM entity_versions WHERE kind = ? AND id = ? AND at > ? LIMIT 1"
        ).bind(entity.ref.kind, entity.ref.id, at)
        let isLatest = try !newer.step()
        try connection.cached(
            "INSERT INTO entity_versions (kind, id, at, title, properties, relations) VALUES (?, ?, ?, ?, ?, ?)"
        ).bind(
            entity.ref.kind, entity.ref.id, at, entity.title, JSONText.encode(.object(entity.properties)),
            JSONText.encode(entity.relations)
        ).run()
        guard isLatest else { return }
        let from = entity.ref.description
        try connection.cached("DELETE FROM relations WHERE from_ref = ?").bind(from).run()
        for (name, targets) in entity.relations {
            for target in targets {
                try connection.cached(
                    "INSERT OR IGNORE INTO relations (from_ref, name, to_ref, since) VALUES (?, ?, ?, ?)"
                )
                .bind(from, name, target.description, at).run()
            }
        }
    }

    public func load() throws -> LakeRecords {
        var records = LakeRecords()
        let decoder = JSONDecoder()
        let versions = try connection.prepare(
            "SELECT kind, id, at, title, properties, relations FROM entity_versions ORDER BY seq")
        while try versions.step() {
            let ref = EntityRef(kind: versions.string(at: 0), id: versions.string(at: 1))
            let properties = try decoder.decode([String: JSONValue].self, from: Data(versions.string(at: 4).utf8))
            let relations = try decoder.decode([String: [EntityRef]].self, from: Data(versions.string(at: 5).utf8))
            let entity = Entity(
                ref: ref, title: versions.optionalString(at: 3), properties: properties, relations: relations)
            records.versions.append(EntityVersion(entity: entity, at: Self.date(versions.double(at: 2))))
        }
        let deployments = try connection.prepare(
            "SELECT target, at, version, by, git_commit FROM deployments ORDER BY seq")
        while try deployments.step() {
            guard let target = EntityRef(deployments.string(at: 0)) else { continue }
            records.deployments.append(
                Deployment(
                    target: target, at: Self.date(deployments.double(at: 1)),
                    version: deployments.optionalString(at: 2),
                    by: deployments.optionalString(at: 3).flatMap(EntityRef.init),
                    commit: deployments.optionalString(at: 4)))
        }
        let changes = try connection.prepare("SELECT target, at, summary, by FROM changes ORDER BY seq")
        while try changes.step() {
            guard let target = EntityRef(changes.string(at: 0)) else { continue }
            records.changes.append(
                Change(
                    target: target, at: Self.date(changes.double(at: 1)), summary: changes.string(at: 2),
                    by: changes.optionalString(at: 3).flatMap(EntityRef.init)))
        }
        let actions = try connection.prepare("SELECT name, target, at, by, result FROM actions ORDER BY seq")
        while try actions.step() {
            guard let target = EntityRef(actions.string(at: 1)) else { continue }
            records.actions.append(
                ActionRecord(
                    name: actions.string(at: 0), target: target, at: Self.date(actions.double(at: 2)),
                    by: actions.optionalString(at: 3).flatMap(EntityRef.init), result: actions.optionalString(at: 4)))
        }
        let shifts = try connection.prepare("SELECT team, user, from_at, to_at FROM shifts ORDER BY seq")
        while try shifts.step() {
            guard let team = EntityRef(shifts.string(at: 0)), let user = EntityRef(shifts.string(at: 1)) else {
                continue
            }
            records.shifts.append(
                OnCallShift(
                    team: team, user: user, from: Self.date(shifts.double(at: 2)), to: Self.date(shifts.double(at: 3))))
        }
        return records
    }

    /// Transitive dependents of `ref` by a recursive CTE over the current `relations` table (`dependsOn`
    /// edges only), nearest first; for comparing against the in-memory index. `depth` nil is capped at 64.
    public func dependentsViaCTE(of ref: EntityRef, depth: Int?) throws -> [(ref: EntityRef, distance: Int)] {
        let statement = try connection.cached(
            """
            WITH RECURSIVE dependents(ref, depth) AS (
                SELECT ?1, 0
                UNION
                SELECT r.from_ref, d.depth + 1 FROM dependents d
                JOIN relations r ON r.to_ref = d.ref AND r.name = 'dependsOn'
                WHERE d.depth < ?2)
            SELECT ref, MIN(depth) FROM dependents WHERE ref <> ?1 GROUP BY ref ORDER BY 2, 1
            """)
        try statement.bind(ref.description, depth ?? 64)
        var result: [(ref: EntityRef, distance: Int)] = []
        while try statement.step() {
            if let hit = EntityRef(statement.string(at: 0)) { result.append((hit, Int(statement.int64(at: 1)))) }
        }
        return result
    }

    private static func date(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }
}
