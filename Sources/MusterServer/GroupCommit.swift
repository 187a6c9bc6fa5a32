import Dispatch
import Foundation
import Synchronization

/// Commits concurrent intake deliveries together: the first caller to find no commit running becomes the
/// leader and writes everything queued in one transaction, again and again until the queue is empty;
/// the others wait for their own result. Each caller still returns only after its row is committed, so
/// "a 2xx only after the commit" holds, while one WAL commit serves many requests under load.
final class GroupCommit: Sendable {
    /// One delivery waiting to be committed, and its outcome.
    final class Ticket: Sendable {
        let source: String
        let deliveryID: String?
        let body: Data
        let receivedAt: Date
        private let outcome = Mutex<Result<(id: Int64, isDuplicate: Bool), any Error>?>(nil)
        private let done = DispatchSemaphore(value: 0)

        init(source: String, deliveryID: String?, body: Data, receivedAt: Date) {
            self.source = source
            self.deliveryID = deliveryID
            self.body = body
            self.receivedAt = receivedAt
        }

        func finish(_ result: Result<(id: Int64, isDuplicate: Bool), any Error>) {
            outcome.withLock { $0 = result }
            done.signal()
        }

        func wait() throws -> (id: Int64, isDuplicate: Bool) {
            done.wait()
            return try outcome.withLock { $0 }!.get()
        }
    }

    private let state = Mutex<(queue: [Ticket], isLeading: Bool)>(([], false))
    /// Writes a batch in one transaction and finishes every ticket.
    private let write: @Sendable ([Ticket]) -> Void

    init(write: @escaping @Sendable ([Ticket]) -> Void) {
        self.write = write
    }

    func commit(_ ticket: Ticket) throws -> (id: Int64, isDuplicate: Bool) {
        let leads = state.withLock { state in
            state.queue.append(ticket)
            guard !state.isLeading else { return false }
            state.isLeading = true
            return true
        }
        if leads {
            while true {
                let batch = state.withLock { state in
                    let batch = state.queue
                    state.queue = []
                    if batch.isEmpty { state.isLeading = false }
                    return batch
                }
                if batch.isEmpty { break }
                write(batch)
            }
        }
        return try ticket.wait()
    }
}
