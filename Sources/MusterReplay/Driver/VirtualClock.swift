public import Foundation
public import MusterModel
import Synchronization

/// A clock that only moves when the replay driver says so.
public final class VirtualClock: InstantClock {
    private let instant: Mutex<Date>

    public init(start: Date) { instant = Mutex(start) }

    public func now() -> Date { instant.withLock { $0 } }

    /// Moves the clock forward to `date` (never backward).
    public func advance(to date: Date) {
        instant.withLock { $0 = max($0, date) }
    }
}
