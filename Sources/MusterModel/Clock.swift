public import Foundation

/// The instant source engines read: the wall clock live, a virtual clock in replay.
public protocol InstantClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The wall clock.
public struct SystemInstantClock: InstantClock {
    public init() {}
    public func now() -> Date { Date() }
}
