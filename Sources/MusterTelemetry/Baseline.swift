/// Robust location and spread of a signal's normal behaviour: median and median absolute deviation.
///
/// Unlike mean and standard deviation, neither moves much when a few points are outliers, so a
/// baseline window that catches the start of an incident still describes "normal".
public struct Baseline: Hashable, Sendable {
    /// The consistency constant that makes 1.4826 x MAD estimate the standard deviation of normal data.
    public static let madScale = 1.4826

    public var median: Double
    /// The median absolute deviation from `median`.
    public var mad: Double

    public init(median: Double, mad: Double) {
        self.median = median
        self.mad = mad
    }

    /// The baseline of `values`; nil when empty.
    public init?(values: [Double]) {
        guard let median = SeriesMath.median(values),
            let mad = SeriesMath.median(values.map { abs($0 - median) })
        else { return nil }
        self.init(median: median, mad: mad)
    }

    /// The baseline of the sample values; nil when empty.
    public init?(samples: [Sample]) {
        self.init(values: samples.map(\.value))
    }

    /// The robust estimate of the standard deviation, 1.4826 x MAD.
    public var sigma: Double { Baseline.madScale * mad }

    /// How many robust sigmas `value` lies from the median.
    ///
    /// The sigma is floored at `relativeFloor` x |median| (and a tiny absolute floor) so that a flat
    /// baseline, whose MAD is 0, neither divides by zero nor turns every wiggle into an anomaly.
    public func robustZ(of value: Double, relativeFloor: Double = 0.01) -> Double {
        let scale = Swift.max(sigma, relativeFloor * abs(median), 1e-12)
        return (value - median) / scale
    }
}
