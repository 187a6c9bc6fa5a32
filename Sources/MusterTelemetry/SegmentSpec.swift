public import Foundation

/// A piece of a generated series: a counter's per-second `rate`, or a gauge's `value` optionally ramping to `rampTo`.
public struct SegmentSpec: Hashable, Sendable {
    /// When this segment starts.
    public var from: Date
    /// Counter: increase per second (when nil, the previous segment's rate carries on).
    public var rate: Double?
    /// Gauge: the value held, or the ramp's start (when nil, the value the previous segment ended at).
    public var value: Double?
    /// Gauge: ramp linearly from `value` to this by the next segment's `from` (or the spec's `to`).
    public var rampTo: Double?

    public init(from: Date, rate: Double? = nil, value: Double? = nil, rampTo: Double? = nil) {
        self.from = from
        self.rate = rate
        self.value = value
        self.rampTo = rampTo
    }
}
