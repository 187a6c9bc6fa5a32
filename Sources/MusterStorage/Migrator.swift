/// One schema step: the SQL that upgrades a database from `version - 1` to `version`.
public struct Migration: Sendable {
    public var version: Int
    public var sql: String

    public init(version: Int, sql: String) {
        self.version = version
        self.sql = sql
    }
}

/// Upgrades a database step by step using `PRAGMA user_version` as the applied version.
///
/// Each pending migration runs in its own transaction together with the version bump, so a failed
/// step leaves the file at the previous version. A file newer than the code is refused.
public struct Migrator: Sendable {
    public var migrations: [Migration]

    /// `migrations` must be numbered 1, 2, 3, ... in order.
    public init(_ migrations: [Migration]) {
        precondition(
            migrations.enumerated().allSatisfy { $0.offset + 1 == $0.element.version },
            "migrations must be numbered 1...n in order")
        self.migrations = migrations
    }

    /// The version a fully migrated database has.
    public var latestVersion: Int { migrations.count }

    /// Applies every migration above the file's version; returns the versions applied.
    @discardableResult
    public func migrate(_ connection: Connection) throws -> [Int] {
        let current = try connection.userVersion
        guard current <= latestVersion else {
            throw StorageError(
                code: 1,
                message: "database schema version \(current) is newer than this program's \(latestVersion)")
        }
        var applied: [Int] = []
        for migration in migrations where migration.version > current {
            try connection.transaction {
                try connection.execute(migration.sql)
                try connection.setUserVersion(migration.version)
            }
            applied.append(migration.version)
        }
        return applied
    }
}
