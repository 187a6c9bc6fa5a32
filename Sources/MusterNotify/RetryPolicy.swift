public import Foundation

/// How often and how long apart a failed call is tried again.
///
/// Attempt `n` (1-based) that failed is retried after `min(cap, base · 2^(n-1))`, shortened by up to
/// `jitter` of itself at random so that rows failing together do not retry together. A server's
/// `Retry-After` replaces the backoff (never shortened, at least `base`). After `maxAttempts` failed
/// attempts the row is given up.
public struct RetryPolicy: Hashable, Sendable {
    public var maxAttempts: Int
    public var base: TimeInterval
    public var cap: TimeInterval
    /// The fraction of a delay removed at random, in [0, 1].
    public var jitter: Double

    public init(maxAttempts: Int = 8, base: TimeInterval = 2, cap: TimeInterval = 300, jitter: Double = 0.25) {
        precondition(maxAttempts >= 1 && base > 0 && cap >= base && (0...1).contains(jitter), "invalid retry policy")
        self.maxAttempts = maxAttempts
        self.base = base
        self.cap = cap
        self.jitter = jitter
    }

    /// The wait after failed attempt number `attempt`; `random` is in [0, 1).
    public func delay(afterAttempt attempt: Int, retryAfter: TimeInterval? = nil, random: Double) -> TimeInterval {
        if let retryAfter { return max(retryAfter, base) }
        let exponent = Double(max(0, min(attempt - 1, 62)))
        let backoff = min(cap, base * pow(2, exponent))
        return backoff * (1 - jitter * random)
    }
}
