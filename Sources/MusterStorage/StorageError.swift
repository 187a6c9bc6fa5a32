/// A failed SQLite call: the result code, SQLite's message and the SQL that was running.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    /// The SQLite result code (`SQLITE_CONSTRAINT` = 19, ...); extended codes are kept as returned.
    public var code: Int32
    /// SQLite's own message (`sqlite3_errmsg`), or a description of the failed precondition.
    public var message: String
    /// The SQL statement involved, when there is one.
    public var sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// True for `SQLITE_BUSY` and `SQLITE_LOCKED` (and their extended codes): another connection holds the file.
    public var isBusy: Bool { [5, 6].contains(code & 0xFF) }

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " (while running: \(sql))" }
        return text
    }
}
