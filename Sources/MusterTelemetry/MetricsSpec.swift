public import Foundation

/// A scenario's `metrics` section with offsets already resolved to instants.
public struct MetricsSpec: Hashable, Sendable {
    /// The sample interval in seconds.
    public var step: TimeInterval
    /// The first sample.
    public var from: Date
    /// The last sample (inclusive, when it falls on a step).
    public var to: Date
    public var series: [SeriesSpec]

    public init(step: TimeInterval, from: Date, to: Date, series: [SeriesSpec]) {
        self.step = step
        self.from = from
        self.to = to
        self.series = series
    }
}
