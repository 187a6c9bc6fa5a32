import Foundation
import MusterStorage
import Synchronization

/// The intake log, and the acknowledged deliveries it holds that the intake table does not hold yet.
///
/// An intake commit writes the batch to the log (one `write`) and answers; ``IntakeStore`` later copies the rows
/// into its table in one transaction (``copy(waiting:_:)``). A row keeps its place here until the table holds
/// it, so a retry is recognised in one place or the other.
final class IntakeQueue: Sendable {
    private struct State {
        /// nil for an in-memory store: rows wait here and nowhere else.
        var log: AppendLog?
        /// The id of the newest row, logged or stored.
        var lastID: Int64
        /// Logged rows the table does not hold yet, oldest first.
        var rows: [IntakeRow] = []
        /// The ids of those rows that carry a delivery id, by ``IntakeQueue/key(_:_:)``.
        var deliveries: [String: Int64] = [:]
        /// Sealed segments and the newest id each holds: removed once the table holds that id.
        var sealed: [(segment: Int, through: Int64)] = []
    }

    private let state: Mutex<State>
    /// Held while rows are copied into the table: two copies at once would both take the same rows.
    private let copying = Mutex(())

    /// A segment this large is sealed when its rows are next copied to the table, then removed.
    static let segmentBytes = 8 << 20

    init(log: consuming sending AppendLog?, lastID: Int64) {
        state = Mutex(State(log: log, lastID: lastID))
    }

    static func key(_ source: String, _ deliveryID: String) -> String { source + "\u{1}" + deliveryID }

    /// Logs a batch with one write: one outcome per ticket, in order. A delivery id already logged, in this batch
    /// or before, or found by `storedID` in the table, is a duplicate and takes the first row's id.
    func log(_ batch: [GroupCommit.Ticket], storedID: @Sendable (String, String) throws -> Int64?)
        -> [GroupCommit.Outcome]
    {
        state.withLock { state in
            var outcomes: [GroupCommit.Outcome] = []
            outcomes.reserveCapacity(batch.count)
            var rows: [IntakeRow] = []
            var seen: [String: Int64] = [:]
            for ticket in batch {
                if let deliveryID = ticket.deliveryID {
                    let key = Self.key(ticket.source, deliveryID)
                    do {
                        // Here first: a row leaves this queue only once the table holds it.
                        if let id = try seen[key] ?? state.deliveries[key] ?? storedID(ticket.source, deliveryID) {
                            outcomes.append(.success((id, true)))
                            continue
                        }
                    } catch {
                        outcomes.append(.failure(error))
                        continue
                    }
                    seen[key] = state.lastID + Int64(rows.count) + 1
                }
                let row = IntakeRow(
                    id: state.lastID + Int64(rows.count) + 1, source: ticket.source, deliveryID: ticket.deliveryID,
                    receivedAt: ticket.receivedAt, body: ticket.body, isProcessed: false)
                rows.append(row)
                outcomes.append(.success((row.id, false)))
            }
            guard !rows.isEmpty else { return outcomes }
            do {
                try state.log?.append(rows.map(\.logRecord))
            } catch {
                return outcomes.map { outcome in
                    // The new rows failed, and so did a retry of one of them in this batch; an earlier row's
                    // duplicate still stands.
                    if case .success(let result) = outcome, !result.isDuplicate || result.id > state.lastID {
                        return .failure(error)
                    }
                    return outcome
                }
            }
            state.lastID += Int64(rows.count)
            for row in rows {
                if let deliveryID = row.deliveryID { state.deliveries[Self.key(row.source, deliveryID)] = row.id }
            }
            state.rows += rows
            return outcomes
        }
    }

    /// How many logged rows the table does not hold yet.
    var backlog: Int { state.withLock { $0.rows.count } }

    /// Hands every logged row to `store` (oldest first, in one call) and, when it returns, forgets them. One copy
    /// at a time: with `waiting` false, returns at once when another copy is running (that one takes them).
    func copy(waiting: Bool = true, _ store: ([IntakeRow]) throws -> Void) throws {
        func run() throws {
            let rows = take()
            guard let last = rows.last else { return }
            try store(rows)
            saved(rows.count, through: last.id)
        }
        if waiting {
            try copying.withLock { _ in try run() }
        } else {
            _ = try copying.withLockIfAvailable { _ in try run() }
        }
    }

    /// The rows to copy into the table, oldest first. Seals the active segment when it is large, so that it can be
    /// removed once these rows are stored.
    private func take() -> [IntakeRow] {
        state.withLock { state in
            if let log = state.log, log.size >= Self.segmentBytes, let last = state.rows.last,
                let segment = try? log.seal()
            {
                state.sealed.append((segment, last.id))
            }
            return state.rows
        }
    }

    /// The table now holds the first `count` rows of the queue, the newest with id `through`.
    private func saved(_ count: Int, through id: Int64) {
        state.withLock { state in
            for row in state.rows.prefix(count) {
                if let deliveryID = row.deliveryID { state.deliveries[Self.key(row.source, deliveryID)] = nil }
            }
            state.rows.removeFirst(min(count, state.rows.count))
            for sealed in state.sealed where sealed.through <= id { state.log?.remove(segment: sealed.segment) }
            state.sealed.removeAll { $0.through <= id }
        }
    }
}

extension IntakeRow {
    /// The row as one log record: id, receive time, source, delivery id, then the body.
    var logRecord: [UInt8] {
        var record: [UInt8] = []
        record.reserveCapacity(body.count + source.utf8.count + (deliveryID?.utf8.count ?? 0) + 24)
        withUnsafeBytes(of: id.littleEndian) { record.append(contentsOf: $0) }
        withUnsafeBytes(of: receivedAt.timeIntervalSince1970.bitPattern.littleEndian) { record.append(contentsOf: $0) }
        for text in [source, deliveryID] {
            // A missing delivery id is written as length 0xFFFF.
            let bytes = text.map { $0.utf8.prefix(0xFFFE) }
            withUnsafeBytes(of: UInt16(bytes?.count ?? 0xFFFF).littleEndian) { record.append(contentsOf: $0) }
            if let bytes { record.append(contentsOf: bytes) }
        }
        record.append(contentsOf: body)
        return record
    }

    /// The row a log record holds; nil when the record is not one (it is then skipped, never guessed at).
    init?(logRecord record: Data) {
        let bytes = [UInt8](record)
        var offset = 0
        func integer(_ width: Int) -> UInt64? {
            guard offset + width <= bytes.count else { return nil }
            defer { offset += width }
            return (0..<width).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
        }
        func text() -> String?? {
            guard let length = integer(2) else { return nil }
            if length == 0xFFFF { return .some(nil) }
            guard offset + Int(length) <= bytes.count else { return nil }
            defer { offset += Int(length) }
            return String(decoding: bytes[offset..<offset + Int(length)], as: UTF8.self)
        }
        guard let id = integer(8), let seconds = integer(8), let source = text() ?? nil, let deliveryID = text()
        else { return nil }
        self.init(
            id: Int64(bitPattern: id), source: source, deliveryID: deliveryID,
            receivedAt: Date(timeIntervalSince1970: Double(bitPattern: seconds)), body: Data(bytes[offset...]),
            isProcessed: false)
    }
}
