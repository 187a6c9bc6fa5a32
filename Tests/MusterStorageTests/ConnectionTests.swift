import Foundation
import MusterStorage
import Testing

struct ConnectionTests {
    @Test func bindsAndReadsEveryType() throws {
        let connection = try Connection(path: ":memory:")
        try connection.execute("CREATE TABLE t (i INTEGER, d REAL, s TEXT, b BLOB, n TEXT)")
        try connection.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?)")
            .bind(Int64(42), 2.5, "héllo", Data([1, 2, 3]), nil).run()
        let select = try connection.cached("SELECT i, d, s, b, n FROM t")
        #expect(try select.step())
        #expect(select.int64(at: 0) == 42)
        #expect(select.double(at: 1) == 2.5)
        #expect(select.string(at: 2) == "héllo")
        #expect(select.data(at: 3) == Data([1, 2, 3]))
        #expect(select.isNull(at: 4))
        #expect(select.optionalString(at: 4) == nil)
        #expect(try select.step() == false)
    }

    /// Cached statements belong to their connection: they must not keep it (and its file lock) alive.
    @Test func aConnectionWithCachedStatementsIsReleased() throws {
        weak var released: Connection?
        do {
            let connection = try Connection(path: ":memory:")
            try connection.execute("CREATE TABLE t (i INTEGER)")
            try connection.transaction { try connection.cached("INSERT INTO t VALUES (1)").run() }
            released = connection
            #expect(released != nil)
        }
        #expect(released == nil)
    }

    @Test func errorsCarryCodeMessageAndSQL() throws {
        let connection = try Connection(path: ":memory:")
        let error = try #require(throws: StorageError.self) { try connection.execute("SELEC 1") }
        #expect(error.code == 1)
        #expect(error.message.contains("syntax error"))
        #expect(error.sql == "SELEC 1")
        #expect(error.description.contains("SELEC 1"))
    }

    @Test func constraintViolationThrowsFromStep() throws {
        let connection = try Connection(path: ":memory:")
        try connection.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
        let insert = try connection.cached("INSERT INTO t VALUES (?)")
        try insert.bind("a").run()
        let again = try connection.cached("INSERT INTO t VALUES (?)")
        try again.bind("a")
        let error = try #require(throws: StorageError.self) { try again.run() }
        #expect(error.code & 0xff == 19)
        #expect(error.message.contains("UNIQUE"))
    }

    @Test func transactionRollsBackOnError() throws {
        struct Boom: Error {}
        let connection = try Connection(path: ":memory:")
        try connection.execute("CREATE TABLE t (k INTEGER)")
        #expect(throws: Boom.self) {
            try connection.transaction {
                try connection.execute("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        let count = try connection.prepare("SELECT count(*) FROM t")
        #expect(try count.step())
        #expect(count.int64(at: 0) == 0)
    }

    @Test func openFailureThrows() {
        #expect(throws: StorageError.self) { try Connection(path: "/nonexistent-dir/x/y.db") }
    }
}

struct MigratorTests {
    static let migrations = [
        Migration(version: 1, sql: "CREATE TABLE a (x INTEGER)"),
        Migration(version: 2, sql: "ALTER TABLE a ADD COLUMN y TEXT; CREATE TABLE b (z INTEGER)"),
    ]

    @Test func upgradesAnOlderFileStepByStepAndKeepsData() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("migr-\(UUID()).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let old = try Connection(path: path)
            try Migrator(Array(Self.migrations.prefix(1))).migrate(old)
            try old.execute("INSERT INTO a (x) VALUES (7)")
            #expect(try old.userVersion == 1)
        }
        let connection = try Connection(path: path)
        let applied = try Migrator(Self.migrations).migrate(connection)
        #expect(applied == [2])
        #expect(try connection.userVersion == 2)
        let row = try connection.prepare("SELECT x, y FROM a")
        #expect(try row.step())
        #expect(row.int64(at: 0) == 7)
        #expect(row.isNull(at: 1))
        #expect(try Migrator(Self.migrations).migrate(connection).isEmpty)
    }

    @Test func refusesNewerFile() throws {
        let connection = try Connection(path: ":memory:")
        try connection.setUserVersion(9)
        #expect(throws: StorageError.self) { try Migrator(Self.migrations).migrate(connection) }
    }

    @Test func failedStepKeepsPreviousVersion() throws {
        let connection = try Connection(path: ":memory:")
        let broken = [Migration(version: 1, sql: "CREATE TABLE a (x)"), Migration(version: 2, sql: "NOPE")]
        #expect(throws: StorageError.self) { try Migrator(broken).migrate(connection) }
        #expect(try connection.userVersion == 1)
    }
}

struct PageSizeTests {
    func pageSize(_ connection: Connection) throws -> Int64 {
        let statement = try connection.prepare("PRAGMA page_size")
        _ = try statement.step()
        return statement.int64(at: 0)
    }

    @Test func aNewFileTakesThePageSizeAndAnExistingOneKeepsItsOwn() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("page-\(UUID()).db").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        do {
            let connection = try Connection(path: path, pageSize: 65536)
            try connection.execute("CREATE TABLE a (x BLOB)")
            #expect(try pageSize(connection) == 65536)
        }
        let reopened = try Connection(path: path, pageSize: 4096)
        #expect(try pageSize(reopened) == 65536)
        #expect(try pageSize(Connection(path: ":memory:")) == 4096)
    }
}
