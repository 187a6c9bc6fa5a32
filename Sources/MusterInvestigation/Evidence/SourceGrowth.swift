import Foundation

/// How one source's part of a load (a customer's or an org's requests) grew against the rest of it.
///
/// A source is behind a spike only when its traffic grew out of proportion to everybody else's. When every
/// org's traffic rises by the same factor (client retries after a failure, a seasonal peak) the biggest org
/// also owns the biggest part of the increase, yet it did nothing different: its share stayed its share.
struct SourceGrowth: Hashable, Sendable {
    /// The source's load before and after the onset.
    var before: Double
    var after: Double
    /// The load of every other source before and after the onset.
    var restBefore: Double
    var restAfter: Double

    /// after / before of the source; infinite for a source that was silent before.
    var growth: Double { Self.ratio(after, over: before) }

    /// after / before of the rest; 1 when the rest is empty or was silent before and still is.
    var restGrowth: Double { Self.ratio(restAfter, over: restBefore) }

    /// The source grew by at least `factor` times the rest's growth (the rest had nothing to compare: true).
    func isOutOfProportion(factor: Double) -> Bool {
        guard restBefore > 0 else { return true }
        return growth >= factor * max(restGrowth, 1)
    }

    private static func ratio(_ after: Double, over before: Double) -> Double {
        if before > 0 { return after / before }
        return after > 0 ? .infinity : 1
    }
}
