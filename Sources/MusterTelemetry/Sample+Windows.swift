public import Foundation

extension Array where Element == Sample {
    /// The samples with `from <= time < to`.
    public func window(from: Date, to: Date) -> [Sample] {
        filter { $0.time >= from && $0.time < to }
    }

    /// The mean value over `[from, to)`; nil when no sample falls in it.
    public func mean(from: Date, to: Date) -> Double? {
        SeriesMath.mean(window(from: from, to: to).map(\.value))
    }

    /// The median value over `[from, to)`; nil when no sample falls in it.
    public func median(from: Date, to: Date) -> Double? {
        SeriesMath.median(window(from: from, to: to).map(\.value))
    }

    /// The largest value over `[from, to)`; nil when no sample falls in it.
    public func maximum(from: Date, to: Date) -> Double? {
        window(from: from, to: to).map(\.value).max()
    }

    /// The value of the last sample at or before `time`.
    public func value(at time: Date) -> Double? {
        last { $0.time <= time }?.value
    }
}
