internal import CSQLite
public import Foundation

/// A prepared SQLite statement; owns its `sqlite3_stmt*` and finalizes it in `deinit`.
///
/// A statement from `prepare` keeps its `Connection` alive; one from the connection's cache does not (the
/// connection owns it, and a strong reference back would keep both open forever). Bind indexes are 1-based,
/// column indexes 0-based, as in SQLite.
public final class Statement {
    private let handle: OpaquePointer
    /// The strong reference of a prepared statement; nil for a cached one.
    private let owner: Connection?
    private unowned let connection: Connection
    /// The SQL text this statement was prepared from.
    public let sql: String

    init(connection: Connection, sql: String, retainsConnection: Bool = true) throws(StorageError) {
        var pointer: OpaquePointer?
        let code = sqlite3_prepare_v2(connection.handle, sql, -1, &pointer, nil)
        guard code == SQLITE_OK, let pointer else {
            sqlite3_finalize(pointer)
            throw StorageError(code: code, message: connection.lastMessage, sql: sql)
        }
        self.handle = pointer
        self.connection = connection
        self.owner = retainsConnection ? connection : nil
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Resets the statement and clears its bindings, ready for a new run.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Binds values to parameters 1...n in order; `nil` binds NULL.
    @discardableResult
    public func bind(_ values: (any SQLValue)?...) throws(StorageError) -> Statement {
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
        return self
    }

    /// Binds one value at a 1-based parameter index; `nil` binds NULL.
    public func bind(_ value: (any SQLValue)?, at index: Int32) throws(StorageError) {
        try check(value?.bind(to: handle, at: index) ?? sqlite3_bind_null(handle, index))
    }

    /// Steps once: true when a row is available, false when done.
    public func step() throws(StorageError) -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw StorageError(code: code, message: connection.lastMessage, sql: sql)
        }
    }

    /// Steps until done, for statements that return no rows.
    public func run() throws(StorageError) {
        while try step() {}
    }

    /// Whether the column of the current row is NULL.
    public func isNull(at column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    public func int64(at column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    public func double(at column: Int32) -> Double { sqlite3_column_double(handle, column) }

    /// The text of a column; empty for NULL.
    public func string(at column: Int32) -> String {
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The text of a column, nil for NULL.
    public func optionalString(at column: Int32) -> String? { isNull(at: column) ? nil : string(at: column) }

    /// The bytes of a blob column; empty for NULL.
    public func data(at column: Int32) -> Data {
        guard let bytes = sqlite3_column_blob(handle, column) else { return Data() }
        return Data(bytes: bytes, count: Int(sqlite3_column_bytes(handle, column)))
    }

    private func check(_ code: Int32) throws(StorageError) {
        guard code == SQLITE_OK else { throw StorageError(code: code, message: connection.lastMessage, sql: sql) }
    }
}

@available(*, unavailable)
extension Statement: Sendable {}

/// A value that binds to a statement parameter: `Int64`, `Int`, `Int32`, `Double`, `String`, `Data`.
///
/// Each type binds itself: the intake binds five values per row, and casting an existential to each candidate type
/// in turn showed in its profile.
public protocol SQLValue {
    /// Binds the value at a 1-based parameter index of `statement`; returns SQLite's result code.
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32
}

extension Int64: SQLValue {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        sqlite3_bind_int64(statement, index, self)
    }
}

extension Int: SQLValue {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        sqlite3_bind_int64(statement, index, Int64(self))
    }
}

extension Int32: SQLValue {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        sqlite3_bind_int64(statement, index, Int64(self))
    }
}

extension Double: SQLValue {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        sqlite3_bind_double(statement, index, self)
    }
}

extension String: SQLValue {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        sqlite3_bind_text(statement, index, self, -1, csqlite_transient())
    }
}

extension Data: SQLValue {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        withUnsafeBytes { bytes in
            sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), csqlite_transient())
        }
    }
}
