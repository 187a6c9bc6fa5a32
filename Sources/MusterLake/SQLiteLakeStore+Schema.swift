internal import MusterStorage

extension SQLiteLakeStore {
    /// The schema, step by step. Never edit a released step: add a new one.
    ///
    /// `relations` holds the relations of each entity's latest version (the current graph, for SQL queries);
    /// every version's own relations are kept as JSON in `entity_versions.relations`.
    static let migrator = Migrator([
        Migration(
            version: 1,
            sql: """
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
                """),
        Migration(
            version: 2,
            sql: """
                CREATE TABLE actions (
                    seq INTEGER PRIMARY KEY, name TEXT NOT NULL, target TEXT NOT NULL, at REAL NOT NULL,
                    by TEXT, result TEXT);
                CREATE INDEX relations_to ON relations (to_ref, name);
                """),
    ])
}
