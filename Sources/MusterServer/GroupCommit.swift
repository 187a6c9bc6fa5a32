import Dispatch
import Foundation
import Synchronization

/// Commits concurrent intake deliveries together, without making any caller wait for another's commit.
///
/// The first caller to find no commit running becomes the leader: it writes everything queued in one log write,
/// again and again until the queue is empty, and finishes every ticket it wrote. A caller that finds a commit
/// running queues its ticket and returns at once; the leader finishes it. Each ticket's completion runs only after
/// its row is written, so "a 2xx only after the commit" holds, while one write serves many requests under load.
final class GroupCommit: Sendable {
    typealias Outcome = Result<(id: Int64, isDuplicate: Bool), any Error>

    /// One delivery waiting to be committed, and what to do with the outcome.
    struct Ticket: Sendable {
        let source: String
        let deliveryID: String?
        let body: Data
        let receivedAt: Date
        let completion: @Sendable (Outcome) -> Void
    }

    private let state = Mutex<(queue: [Ticket], isLeading: Bool)>(([], false))
    /// Writes a batch at once: one outcome per ticket, in order.
    private let write: @Sendable ([Ticket]) -> [Outcome]

    init(write: @escaping @Sendable ([Ticket]) -> [Outcome]) {
        self.write = write
    }

    /// Queues `ticket`; its completion runs once it is committed, on this thread or on the leader's.
    func submit(_ ticket: Ticket) {
        let leads = state.withLock { state in
            state.queue.append(ticket)
            guard !state.isLeading else { return false }
            state.isLeading = true
            return true
        }
        guard leads else { return }
        while true {
            let batch = state.withLock { state in
                let batch = state.queue
                state.queue = []
                if batch.isEmpty { state.isLeading = false }
                return batch
            }
            if batch.isEmpty { break }
            for (ticket, outcome) in zip(batch, write(batch)) { ticket.completion(outcome) }
        }
    }

    /// Commits one delivery and waits for it (for callers that may block: tests, the actor API).
    func commit(source: String, deliveryID: String?, body: Data, receivedAt: Date) throws -> (
        id: Int64, isDuplicate: Bool
    ) {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Outcome?>(nil)
        submit(
            Ticket(source: source, deliveryID: deliveryID, body: body, receivedAt: receivedAt) { outcome in
                result.withLock { $0 = outcome }
                done.signal()
            })
        done.wait()
        return try result.withLock { $0 }!.get()
    }
}
