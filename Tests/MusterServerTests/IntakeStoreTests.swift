import Foundation
import MusterStorage
import Testing

@testable import MusterServer

/// The durable intake: retries, the processed watermark, and an upgrade from the first schema.
struct IntakeStoreTests {
    let body = Data(#"{"id":"a1"}"#.utf8)
    let at = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aRetryIsADuplicateAndPendingFollowsTheWatermark() async throws {
        let store = try IntakeStore(path: ":memory:")
        let first = try await store.append(source: "generic", deliveryID: "d1", body: body, receivedAt: at)
        let retry = try await store.append(source: "generic", deliveryID: "d1", body: body, receivedAt: at)
        let other = try await store.append(source: "pagerduty", deliveryID: "d1", body: body, receivedAt: at)
        let plain = try await store.append(source: "generic", deliveryID: nil, body: body, receivedAt: at)
        #expect(!first.isDuplicate && retry.isDuplicate && retry.id == first.id)
        #expect(!other.isDuplicate && !plain.isDuplicate)
        #expect(try await store.count() == 3)

        #expect(try await store.pending().map(\.id) == [first.id, other.id, plain.id])
        try await store.markProcessed(through: other.id)
        #expect(try await store.pending().map(\.id) == [plain.id])
        // The watermark never moves back.
        try await store.markProcessed(through: first.id)
        #expect(try await store.pending().map(\.id) == [plain.id])
        let flags = try await store.rows(since: at).map(\.isProcessed)
        #expect(flags == [true, true, false])
    }

    @Test func pendingSkipsTheBodiesTheCallerHolds() async throws {
        let store = try IntakeStore(path: ":memory:")
        let first = try await store.append(source: "generic", deliveryID: nil, body: body, receivedAt: at)
        let second = try await store.append(source: "generic", deliveryID: nil, body: body, receivedAt: at)
        let rows = try await store.pending(hasDelivery: { $0 == first.id })
        #expect(rows.map(\.id) == [first.id, second.id])
        #expect(rows.map(\.body) == [Data(), body])
        #expect(rows.allSatisfy { $0.source == "generic" && $0.receivedAt == at && !$0.isProcessed })
    }

    @Test func aFirstSchemaFileKeepsItsRowsAndWhatWasProcessed() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("intake-v1-\(UUID()).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let connection = try Connection(path: path)
            try Migrator(Array(IntakeStore.migrations.prefix(1))).migrate(connection)
            for (index, processed) in [1, 1, 0, 0].enumerated() {
                try connection.execute(
                    "INSERT INTO intake (source, delivery_id, received_at, body, processed) "
                        + "VALUES ('generic', 'd\(index)', 1800000000, x'7b7d', \(processed))")
            }
        }
        let store = try IntakeStore(path: path)
        #expect(try await store.count() == 4)
        #expect(try await store.pending().map(\.id) == [3, 4])
        let next = try await store.append(source: "generic", deliveryID: nil, body: body, receivedAt: at)
        #expect(next.id == 5)
        #expect(try await store.append(source: "generic", deliveryID: "d0", body: body, receivedAt: at).isDuplicate)
    }

    @Test func aSecondStoreOnTheSameFileIsRefusedWithAReason() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("intake-held-\(UUID()).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try IntakeStore(path: path)
        #expect {
            _ = try IntakeStore(path: path)
        } throws: { error in
            "\(error)".contains("the intake store \(path) is held by another process")
        }
        _ = first
    }
}

/// The intake log in front of the table: what was acknowledged but not yet copied survives the process.
struct IntakeLogRecoveryTests {
    let body = Data(#"{"id":"a1"}"#.utf8)
    let at = Date(timeIntervalSince1970: 1_800_000_000)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("intake-log-\(UUID()).db").path

    @Test func rowsOnlyInTheLogAreInTheTableAfterAReopen() async throws {
        defer { removeFiles() }
        var ids: [Int64] = []
        do {
            // Acknowledged, never read by a pipeline: the rows are in the log only when the store goes away.
            let store = try IntakeStore(path: path)
            for index in 0..<5 {
                ids.append(
                    try await store.append(source: "pagerduty", deliveryID: "w\(index)", body: body, receivedAt: at).id)
            }
        }
        let store = try IntakeStore(path: path)
        #expect(try await store.pending().map(\.id) == ids)
        #expect(try await store.pending().allSatisfy { $0.body == body && $0.source == "pagerduty" })
        #expect(try await store.append(source: "pagerduty", deliveryID: "w3", body: body, receivedAt: at).isDuplicate)
        #expect(try await store.append(source: "generic", deliveryID: nil, body: body, receivedAt: at).id == 6)
        #expect(logSegments().count == 1, "the recovered segment is removed; only the active one is left")
    }

    @Test func aRetryIsADuplicateWhetherItsFirstCopyIsLoggedOrStored() async throws {
        defer { removeFiles() }
        let store = try IntakeStore(path: path)
        let first = try await store.append(source: "pagerduty", deliveryID: "d1", body: body, receivedAt: at)
        let logged = try await store.append(source: "pagerduty", deliveryID: "d1", body: body, receivedAt: at)
        #expect(logged.isDuplicate && logged.id == first.id)
        _ = try await store.pending()
        let stored = try await store.append(source: "pagerduty", deliveryID: "d1", body: body, receivedAt: at)
        #expect(stored.isDuplicate && stored.id == first.id)
        #expect(try await store.count() == 1)
    }

    @Test func theIntakeCopiesALongBacklogItselfWhenThePipelineDoesNotRead() async throws {
        defer { removeFiles() }
        let store = try IntakeStore(path: path)
        for _ in 0..<(IntakeStore.backlogLimit + 10) {
            _ = try await store.append(source: "generic", deliveryID: nil, body: body, receivedAt: at)
        }
        #expect(store.logBacklog < IntakeStore.backlogLimit)
        #expect(try await store.count() == IntakeStore.backlogLimit + 10)
        #expect(store.logBacklog == 0)
    }

    func logSegments() -> [String] {
        let url = URL(fileURLWithPath: path)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)) ?? []
        return names.filter { $0.hasPrefix(url.lastPathComponent + "-log.") }
    }

    func removeFiles() {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        for name in logSegments() + ["-wal", "-shm", ""].map({ URL(fileURLWithPath: path).lastPathComponent + $0 }) {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }
}
