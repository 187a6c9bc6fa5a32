internal import CSQLite

/// One SQLite database connection; owns its `sqlite3*` and closes it in `deinit`.
///
/// Not thread-safe and not `Sendable`: keep it inside the one actor or lock that owns it.
/// Files open in WAL mode with `synchronous=NORMAL`; pass `":memory:"` for a private in-memory database.
public final class Connection {
    let handle: OpaquePointer
    /// The path given to `init(path:)`.
    public let path: String
    private var cache: [String: Statement] = [:]

    /// Opens (creating if needed) the database at `path`, or an in-memory one for `":memory:"`.
    ///
    /// `exclusive` holds the file's lock for the connection's lifetime (`locking_mode=EXCLUSIVE`, set before
    /// WAL so the WAL index lives in memory): no lock calls per transaction, and no other process can open it.
    /// `busyTimeout` is how long a call waits for a lock another connection holds before it fails. `pageSize`
    /// applies to a file being created (SQLite fixes it with the first table), in bytes: a power of two from 512
    /// to 65536.
    public init(
        path: String, exclusive: Bool = false, busyTimeout: Duration = .seconds(5), pageSize: Int? = nil
    ) throws(StorageError) {
        var pointer: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &pointer, flags, nil)
        guard code == SQLITE_OK, let pointer else {
            let message = pointer.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            if let pointer { sqlite3_close_v2(pointer) }
            throw StorageError(code: code, message: "\(message) (\(path))")
        }
        self.handle = pointer
        self.path = path
        sqlite3_extended_result_codes(pointer, 1)
        let (seconds, attoseconds) = busyTimeout.components
        sqlite3_busy_timeout(pointer, Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        if path != ":memory:" && !path.isEmpty {
            if exclusive { try execute("PRAGMA locking_mode=EXCLUSIVE") }
            if let pageSize { try execute("PRAGMA page_size=\(pageSize)") }
            try execute("PRAGMA journal_mode=WAL")
            try execute("PRAGMA synchronous=NORMAL")
        }
        try execute("PRAGMA foreign_keys=ON")
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more SQL statements that return no rows the caller needs.
    public func execute(_ sql: String) throws(StorageError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if code != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(errorMessage)
            throw StorageError(code: code, message: message, sql: sql)
        }
    }

    /// A fresh prepared statement, finalized when the returned object is released.
    public func prepare(_ sql: String) throws(StorageError) -> Statement {
        try Statement(connection: self, sql: sql)
    }

    /// A prepared statement from this connection's cache, reset and with its bindings cleared.
    public func cached(_ sql: String) throws(StorageError) -> Statement {
        if let statement = cache[sql] {
            statement.reset()
            return statement
        }
        let statement = try Statement(connection: self, sql: sql, retainsConnection: false)
        cache[sql] = statement
        return statement
    }

    /// Runs `body` inside `BEGIN IMMEDIATE ... COMMIT`; rolls back and rethrows when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        // Cached statements: the intake commits thousands of small transactions a second, and parsing
        // BEGIN and COMMIT each time showed in its profile.
        try cached("BEGIN IMMEDIATE").run()
        do {
            let result = try body()
            try cached("COMMIT").run()
            return result
        } catch {
            try? cached("ROLLBACK").run()
            throw error
        }
    }

    /// The schema version stored in the file header (`PRAGMA user_version`).
    public var userVersion: Int {
        get throws(StorageError) {
            let statement = try prepare("PRAGMA user_version")
            guard try statement.step() else { return 0 }
            return Int(statement.int64(at: 0))
        }
    }

    /// Sets `PRAGMA user_version`.
    public func setUserVersion(_ version: Int) throws(StorageError) {
        try execute("PRAGMA user_version = \(version)")
    }

    /// The rowid of the last inserted row.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }
}

@available(*, unavailable)
extension Connection: Sendable {}
