public import Foundation
public import MusterModel
import MusterStorage

/// The durable queue of outbound calls: every Slack or PagerDuty call is a row before it is tried.
///
/// Over one SQLite file (or `":memory:"`); a new `Outbox` on the same file resumes its pending rows.
/// Rows are sent by an `OutboxWorker`; a row marked sent is never handed out again. A call that
/// succeeded just before a crash, before its row was marked, is sent again after the restart: delivery
/// is at least once, exactly once whenever the process survives the call.
public actor Outbox {
    private let connection: Connection

    /// Opens (creating and migrating if needed) the outbox at `path`.
    public init(path: String) throws(NotifyError) {
        do {
            connection = try Connection(path: path)
            try Self.migrator.migrate(connection)
        } catch {
            throw NotifyError(.storage, reason: "\(error)")
        }
    }

    // MARK: Enqueueing

    /// Adds `message` as a pending row due at `now`; false when its key exists already (then nothing changes).
    @discardableResult
    public func enqueue(_ message: OutboxMessage, at now: Date) throws(NotifyError) -> Bool {
        try !enqueue([message], at: now).isEmpty
    }

    /// Adds `messages` in one transaction, in order; the keys actually added (those that were new).
    ///
    /// A new row with a supersede group marks every older pending row of its group skipped.
    @discardableResult
    public func enqueue(_ messages: [OutboxMessage], at now: Date) throws(NotifyError) -> [String] {
        try storage {
            try connection.transaction {
                var added: [String] = []
                for message in messages {
                    try connection.cached(
                        """
                        INSERT INTO outbox (idempotency_key, kind, payload, depends_on, supersede_group, created_at,
                            next_attempt_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING
                        """
                    ).bind(
                        message.key, message.kind.rawValue, JSONText.string(message.payload), message.dependsOn,
                        message.supersedeGroup, now.timeIntervalSince1970, now.timeIntervalSince1970
                    ).run()
                    guard connection.changes == 1 else { continue }
                    added.append(message.key)
                    if let group = message.supersedeGroup {
                        try connection.cached(
                            """
                            UPDATE outbox SET status = 'skipped', last_error = 'superseded by ' || ?
                            WHERE supersede_group = ? AND status = 'pending' AND id < ?
                            """
                        ).bind(message.key, group, connection.lastInsertRowID).run()
                    }
                }
                return added
            }
        }
    }

    // MARK: Reading

    /// Whether a row with `key` exists, whatever its status.
    public func contains(key: String) throws(NotifyError) -> Bool {
        try storage {
            let statement = try connection.cached("SELECT 1 FROM outbox WHERE idempotency_key = ?").bind(key)
            return try statement.step()
        }
    }

    /// The row with `key`, nil when there is none.
    public func row(key: String) throws(NotifyError) -> OutboxRow? {
        try storage {
            let statement = try connection.cached("SELECT \(Self.columns) FROM outbox WHERE idempotency_key = ?")
            try statement.bind(key)
            return try statement.step() ? Self.row(from: statement) : nil
        }
    }

    /// Every row, oldest first, or those with `status`.
    public func rows(status: OutboxStatus? = nil) throws(NotifyError) -> [OutboxRow] {
        try storage {
            let statement = try connection.cached(
                "SELECT \(Self.columns) FROM outbox WHERE ?1 IS NULL OR status = ?1 ORDER BY id")
            try statement.bind(status?.rawValue)
            var rows: [OutboxRow] = []
            while try statement.step() { rows.append(try Self.row(from: statement)) }
            return rows
        }
    }

    /// Pending rows due at `now` whose dependency is settled, oldest first.
    ///
    /// A row whose dependency was given up or skipped is returned too: the worker fails it, it cannot be sent.
    /// A row whose dependency is pending, or was never enqueued, waits.
    public func due(at now: Date, limit: Int = 100) throws(NotifyError) -> [OutboxRow] {
        try storage {
            let statement = try connection.cached(
                """
                SELECT \(Self.columns(of: "o")) FROM outbox o LEFT JOIN outbox d ON d.idempotency_key = o.depends_on
                WHERE o.status = 'pending' AND o.next_attempt_at <= ?
                    AND (o.depends_on IS NULL OR d.status IN ('sent', 'skipped', 'failed-permanent'))
                ORDER BY o.id LIMIT ?
                """)
            try statement.bind(now.timeIntervalSince1970, limit)
            var rows: [OutboxRow] = []
            while try statement.step() { rows.append(try Self.row(from: statement)) }
            return rows
        }
    }

    /// The status of the row with `key`, nil when there is none.
    public func status(of key: String) throws(NotifyError) -> OutboxStatus? {
        try row(key: key)?.status
    }

    /// The earliest `next_attempt_at` of a pending row that is not waiting for a dependency; nil when none.
    public func nextAttemptDate() throws(NotifyError) -> Date? {
        try storage {
            let statement = try connection.cached(
                """
                SELECT MIN(o.next_attempt_at) FROM outbox o LEFT JOIN outbox d ON d.idempotency_key = o.depends_on
                WHERE o.status = 'pending'
                    AND (o.depends_on IS NULL OR d.status IN ('sent', 'skipped', 'failed-permanent'))
                """)
            guard try statement.step(), !statement.isNull(at: 0) else { return nil }
            return Date(timeIntervalSince1970: statement.double(at: 0))
        }
    }

    /// The root message posted for `incident`, nil before its `slack.post` was sent.
    public func root(of incident: String) throws(NotifyError) -> SlackMessage? {
        try storage {
            let statement = try connection.cached("SELECT channel, ts FROM slack_roots WHERE incident = ?")
            try statement.bind(incident)
            guard try statement.step() else { return nil }
            return SlackMessage(channel: statement.string(at: 0), ts: statement.string(at: 1))
        }
    }

    // MARK: Outcomes

    /// Marks `row` sent with `result`; a sent `slack.post` also records the incident's root message.
    public func markSent(_ row: OutboxRow, result: JSONValue?, at now: Date) throws(NotifyError) {
        try storage {
            try connection.transaction {
                try connection.cached(
                    """
                    UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?, result = ?, last_error = NULL
                    WHERE id = ?
                    """
                ).bind(now.timeIntervalSince1970, result.map(JSONText.string), row.id).run()
                if row.kind == .slackPost, let incident = row.payload["incident"]?.stringValue,
                    let channel = result?["channel"]?.stringValue, let ts = result?["ts"]?.stringValue
                {
                    try connection.cached(
                        """
                        INSERT INTO slack_roots (incident, channel, ts, posted_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (incident) DO UPDATE SET channel = excluded.channel, ts = excluded.ts,
                            posted_at = excluded.posted_at
                        """
                    ).bind(incident, channel, ts, now.timeIntervalSince1970).run()
                }
            }
        }
    }

    /// Counts a failed attempt of row `id` and schedules the next one; a row skipped meanwhile stays skipped.
    public func markRetry(_ id: Int64, error: String, nextAttemptAt: Date) throws(NotifyError) {
        try storage {
            try connection.cached(
                """
                UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
                WHERE id = ? AND status = 'pending'
                """
            ).bind(error, nextAttemptAt.timeIntervalSince1970, id).run()
        }
    }

    /// Moves a pending row's next attempt to `date` without counting an attempt (its service is rate-limited).
    public func postpone(_ id: Int64, until date: Date) throws(NotifyError) {
        try storage {
            try connection.cached(
                "UPDATE outbox SET next_attempt_at = MAX(next_attempt_at, ?) WHERE id = ? AND status = 'pending'"
            ).bind(date.timeIntervalSince1970, id).run()
        }
    }

    /// Gives row `id` up; `countsAttempt` is false when no call was made (e.g. its dependency failed).
    public func markFailed(_ id: Int64, error: String, countsAttempt: Bool = true) throws(NotifyError) {
        try storage {
            try connection.cached(
                """
                UPDATE outbox SET status = 'failed-permanent', attempts = attempts + ?, last_error = ?
                WHERE id = ? AND status = 'pending'
                """
            ).bind(countsAttempt ? 1 : 0, error, id).run()
        }
    }

    // MARK: Rows

    private static let names = [
        "id", "idempotency_key", "kind", "payload", "depends_on", "supersede_group", "status", "attempts",
        "created_at", "next_attempt_at", "last_error", "result",
    ]
    private static let columns = names.joined(separator: ", ")

    /// The columns prefixed with a table alias, for joins.
    private static func columns(of alias: String) -> String {
        names.map { "\(alias).\($0)" }.joined(separator: ", ")
    }

    private static func row(from statement: Statement) throws -> OutboxRow {
        guard let kind = OutboxKind(rawValue: statement.string(at: 2)),
            let status = OutboxStatus(rawValue: statement.string(at: 6))
        else {
            throw NotifyError(.storage, reason: "outbox row \(statement.int64(at: 0)) has an unknown kind or status")
        }
        return OutboxRow(
            id: statement.int64(at: 0), key: statement.string(at: 1), kind: kind,
            payload: JSONText.decode(statement.string(at: 3)) ?? .null, dependsOn: statement.optionalString(at: 4),
            supersedeGroup: statement.optionalString(at: 5), status: status, attempts: Int(statement.int64(at: 7)),
            createdAt: Date(timeIntervalSince1970: statement.double(at: 8)),
            nextAttemptAt: Date(timeIntervalSince1970: statement.double(at: 9)),
            lastError: statement.optionalString(at: 10),
            result: statement.optionalString(at: 11).flatMap(JSONText.decode))
    }

    /// Runs a storage step, turning any failure into `NotifyError(.storage)`.
    private func storage<T>(_ body: () throws -> T) throws(NotifyError) -> T {
        do {
            return try body()
        } catch let error as NotifyError {
            throw error
        } catch {
            throw NotifyError(.storage, reason: "\(error)")
        }
    }
}
