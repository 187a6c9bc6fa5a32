public import Foundation
public import MusterStorage
import Synchronization

/// One delivery as it was received: the raw body, kept before it is acknowledged.
public struct IntakeRow: Sendable, Hashable {
    public var id: Int64
    public var source: String
    public var deliveryID: String?
    public var receivedAt: Date
    public var body: Data
    public var isProcessed: Bool
}

/// The durable intake: every accepted delivery is written before the 2xx goes out, so an acknowledged alert
/// survives a crash; the pipeline works through the rows in order, also after a restart.
///
/// Two stages. A commit appends the batch of deliveries to the intake log (``AppendLog``, one `write` for all the
/// requests that arrived together) and answers. The rows are copied into the intake table of the store's own
/// SQLite file (WAL) in one transaction whenever the pipeline reads, and a log segment is removed once the table
/// holds it. One SQLite transaction per request cost a forced 4 KiB page and checkpoint stalls (see
/// `docs/architecture.md`); the log costs a few hundred bytes. Both survive a `kill -9`; like SQLite's
/// `synchronous=NORMAL`, neither forces each write to the disk. At open, rows left in the log are copied into
/// the table and made durable before the log is removed. Also records Slack interactions.
/// The connection sits behind a mutex, so the intake fast path (`append(…completion:)`) can commit on an HTTP
/// worker thread without a hop through the actor.
public actor IntakeStore {
    private nonisolated let storage: LockedConnection
    private nonisolated let queue: IntakeQueue
    private nonisolated let committer: GroupCommit

    /// The schema steps, oldest first.
    public static let migrations = [
        Migration(
            version: 1,
            sql: """
                CREATE TABLE intake (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    source TEXT NOT NULL,
                    delivery_id TEXT,
                    received_at REAL NOT NULL,
                    body BLOB NOT NULL,
                    processed INTEGER NOT NULL DEFAULT 0
                );
                CREATE UNIQUE INDEX intake_delivery ON intake(source, delivery_id) WHERE delivery_id IS NOT NULL;
                CREATE INDEX intake_pending ON intake(processed, id);
                CREATE TABLE interactions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at REAL NOT NULL,
                    user TEXT NOT NULL,
                    action TEXT NOT NULL,
                    value TEXT NOT NULL
                );
                """),
        // The pipeline takes rows in id order, so one watermark says what it has taken: a commit then writes
        // the row and nothing else (no `processed` index, no AUTOINCREMENT counter). Rows are never deleted,
        // so a plain rowid is never reused.
        Migration(
            version: 2,
            sql: """
                CREATE TABLE intake_rows (
                    id INTEGER PRIMARY KEY,
                    source TEXT NOT NULL,
                    delivery_id TEXT,
                    received_at REAL NOT NULL,
                    body BLOB NOT NULL
                );
                INSERT INTO intake_rows (id, source, delivery_id, received_at, body)
                    SELECT id, source, delivery_id, received_at, body FROM intake;
                CREATE TABLE intake_progress (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    processed_through INTEGER NOT NULL
                );
                INSERT INTO intake_progress (id, processed_through) VALUES (1, COALESCE(
                    (SELECT MIN(id) - 1 FROM intake WHERE processed = 0), (SELECT MAX(id) FROM intake), 0));
                DROP TABLE intake;
                ALTER TABLE intake_rows RENAME TO intake;
                CREATE UNIQUE INDEX intake_delivery ON intake(source, delivery_id) WHERE delivery_id IS NOT NULL;
                """),
    ]
    static let migrator = Migrator(migrations)

    /// The page size of a new intake file. The table holds request bodies, copied in batches: with SQLite's
    /// largest page, the WAL and its checkpoints write one 64 KiB page where 4 KiB pages took sixteen `pwrite`s
    /// (the intake bench's 200,000 requests made 550,000 calls with 4 KiB pages, 35,000 with 64 KiB). A file
    /// made before keeps its page size.
    static let pageSize = 65536

    /// Opens (or creates) the store at `path` (`:memory:` for tests).
    ///
    /// The file is held exclusively while the store is open: a commit then costs no file-lock calls, and a
    /// second server pointed at the same file fails at start instead of interleaving with the first.
    public init(path: String) throws {
        let connection: Connection
        do {
            // A holder of an exclusive lock does not let go: waiting long for it is pointless.
            connection = try Connection(
                path: path, exclusive: true, busyTimeout: .milliseconds(500), pageSize: Self.pageSize)
            _ = try Self.migrator.migrate(connection)
        } catch let error as StorageError where error.isBusy {
            throw StorageError(
                code: error.code, message: "the intake store \(path) is held by another process (another muster serve?)"
            )
        }
        var log: AppendLog?
        if path != ":memory:" && !path.isEmpty {
            let (opened, records) = try AppendLog.open(base: path + "-log")
            try Self.recover(records.compactMap(IntakeRow.init(logRecord:)), connection)
            opened.removeRecovered()
            log = opened
        }
        let lastID = try Self.lastID(connection)
        let storage = LockedConnection(connection)
        let queue = IntakeQueue(log: log, lastID: lastID)
        self.storage = storage
        self.queue = queue
        committer = GroupCommit { batch in
            let outcomes = queue.log(batch) { source, deliveryID in try Self.storedID(source, deliveryID, storage) }
            if queue.backlog >= Self.backlogLimit {
                // Not waiting for a copy already running: it takes these rows too.
                try? queue.copy(waiting: false) { rows in try Self.store(rows, storage) }
            }
            return outcomes
        }
    }

    /// Copies rows a stopped process left in the log into the table and forces them to the disk (a checkpoint),
    /// so that the log can go. A row the table already holds is skipped.
    private static func recover(_ rows: [IntakeRow], _ connection: Connection) throws {
        guard !rows.isEmpty else { return }
        try connection.transaction {
            for row in rows { try insert(row, connection) }
        }
        try connection.execute("PRAGMA wal_checkpoint(FULL)")
    }

    private static func lastID(_ connection: Connection) throws -> Int64 {
        let statement = try connection.prepare("SELECT COALESCE(MAX(id), 0) FROM intake")
        _ = try statement.step()
        return statement.int64(at: 0)
    }

    /// Commits a delivery; `isDuplicate` when the same source already delivered this id (a retry).
    public func append(source: String, deliveryID: String?, body: Data, receivedAt: Date) throws
        -> (id: Int64, isDuplicate: Bool)
    {
        try committer.commit(source: source, deliveryID: deliveryID, body: body, receivedAt: receivedAt)
    }

    /// Commits a delivery without waiting (the HTTP fast path): `completion` runs once it is committed, on this
    /// thread when it leads the group commit, otherwise on the thread that does.
    public nonisolated func append(
        source: String, deliveryID: String?, body: Data, receivedAt: Date,
        completion: @escaping @Sendable (Result<(id: Int64, isDuplicate: Bool), any Error>) -> Void
    ) {
        committer.submit(
            GroupCommit.Ticket(
                source: source, deliveryID: deliveryID, body: body, receivedAt: receivedAt, completion: completion))
    }

    /// The id of the row holding `deliveryID` from `source`, if the table has one.
    private static func storedID(_ source: String, _ deliveryID: String, _ storage: LockedConnection) throws -> Int64? {
        try storage.mutex.withLock { connection in
            let lookup = try connection.cached("SELECT id FROM intake WHERE source = ? AND delivery_id = ?")
            defer { lookup.reset() }
            _ = try lookup.bind(source, deliveryID)
            return try lookup.step() ? lookup.int64(at: 0) : nil
        }
    }

    private static func insert(_ row: IntakeRow, _ connection: Connection) throws {
        let insert = try connection.cached(
            "INSERT OR IGNORE INTO intake (id, source, delivery_id, received_at, body) VALUES (?, ?, ?, ?, ?)")
        defer { insert.reset() }
        _ = try insert.bind(row.id, row.source, row.deliveryID, row.receivedAt.timeIntervalSince1970, row.body)
        try insert.run()
    }

    /// Copies the rows the log holds into the table, in one transaction.
    private func save() throws {
        try queue.copy { rows in try Self.store(rows, storage) }
    }

    /// Inserts rows copied from the log into the table, in one transaction.
    private static func store(_ rows: [IntakeRow], _ storage: LockedConnection) throws {
        try storage.mutex.withLock { connection in
            try connection.transaction {
                for row in rows { try insert(row, connection) }
            }
        }
    }

    /// How many acknowledged rows are in the log and not yet in the table.
    nonisolated var logBacklog: Int { queue.backlog }

    /// Rows the log may hold beyond the table before the intake copies them itself: the pipeline copies them when
    /// it reads, and this bounds the memory they take while it is busy with a long triage.
    static let backlogLimit = 4096

    /// Rows not yet processed, oldest first. A row for which `hasDelivery` is true comes without its body (empty):
    /// the caller holds it decoded already, and the read, which commits wait for, stays short under load.
    public func pending(limit: Int = 500, hasDelivery: @Sendable (Int64) -> Bool = { _ in false }) throws -> [IntakeRow]
    {
        try save()
        return try storage.mutex.withLock { connection in
            let heads = try connection.cached(
                "SELECT id, source, delivery_id, received_at, 0 FROM intake WHERE id > (\(Self.watermark)) ORDER BY id LIMIT ?"
            )
            defer { heads.reset() }
            _ = try heads.bind(Int64(limit))
            var rows = try Self.read(heads, withBody: false)
            for index in rows.indices where !hasDelivery(rows[index].id) {
                let body = try connection.cached("SELECT body FROM intake WHERE id = ?")
                defer { body.reset() }
                _ = try body.bind(rows[index].id)
                if try body.step() { rows[index].body = body.data(at: 0) }
            }
            return rows
        }
    }

    /// Every row received at or after `since`, oldest first (to rebuild state after a restart).
    public func rows(since: Date) throws -> [IntakeRow] {
        try save()
        return try storage.mutex.withLock { connection in
            let statement = try connection.prepare(
                "SELECT \(Self.columns) FROM intake WHERE received_at >= ? ORDER BY id")
            _ = try statement.bind(since.timeIntervalSince1970)
            return try Self.read(statement)
        }
    }

    /// Records that the pipeline has taken every row up to and including `id`.
    public func markProcessed(through id: Int64) throws {
        try storage.mutex.withLock { connection in
            let update = try connection.cached(
                "UPDATE intake_progress SET processed_through = MAX(processed_through, ?) WHERE id = 1")
            defer { update.reset() }
            _ = try update.bind(id)
            try update.run()
        }
    }

    public func count() throws -> Int {
        try save()
        return try storage.mutex.withLock { connection in
            let statement = try connection.prepare("SELECT COUNT(*) FROM intake")
            _ = try statement.step()
            return Int(statement.int64(at: 0))
        }
    }

    /// Records a button click from Slack (approve, reject, feedback).
    public func recordInteraction(user: String, action: String, value: String, at: Date) throws {
        try storage.mutex.withLock { connection in
            let insert = try connection.cached("INSERT INTO interactions (at, user, action, value) VALUES (?, ?, ?, ?)")
            defer { insert.reset() }
            _ = try insert.bind(at.timeIntervalSince1970, user, action, value)
            try insert.run()
        }
    }

    /// Recorded interactions, oldest first.
    public func interactions() throws -> [(user: String, action: String, value: String)] {
        try storage.mutex.withLock { connection in
            let statement = try connection.prepare("SELECT user, action, value FROM interactions ORDER BY id")
            var result: [(user: String, action: String, value: String)] = []
            while try statement.step() {
                result.append((statement.string(at: 0), statement.string(at: 1), statement.string(at: 2)))
            }
            return result
        }
    }

    private static let watermark = "SELECT processed_through FROM intake_progress WHERE id = 1"
    private static let columns = "id, source, delivery_id, received_at, id <= (\(watermark)), body"

    /// Rows from `id, source, delivery_id, received_at, is_processed` and, `withBody`, `body` as the sixth column.
    private static func read(_ statement: Statement, withBody: Bool = true) throws -> [IntakeRow] {
        var result: [IntakeRow] = []
        while try statement.step() {
            result.append(
                IntakeRow(
                    id: statement.int64(at: 0), source: statement.string(at: 1),
                    deliveryID: statement.optionalString(at: 2),
                    receivedAt: Date(timeIntervalSince1970: statement.double(at: 3)),
                    body: withBody ? statement.data(at: 5) : Data(), isProcessed: statement.int64(at: 4) != 0))
        }
        return result
    }
}

/// A SQLite connection behind a mutex: only one thread uses it at a time.
final class LockedConnection: Sendable {
    let mutex: Mutex<Connection>

    init(_ connection: sending Connection) { mutex = Mutex(connection) }
}
