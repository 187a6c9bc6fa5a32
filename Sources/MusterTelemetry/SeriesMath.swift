internal import Foundation

/// Arithmetic on sample sequences: counter rates and sums of series aligned on timestamps.
public enum SeriesMath {
    /// The per-second rate of a counter: one sample per interval, at the interval's end.
    ///
    /// A decrease is a counter reset (the process restarted from 0), so the increase over that
    /// interval is taken to be the new value, as Prometheus does. Intervals of zero length are skipped.
    public static func rate(_ samples: [Sample]) -> [Sample] {
        guard samples.count > 1 else { return [] }
        var result: [Sample] = []
        result.reserveCapacity(samples.count - 1)
        for index in 1..<samples.count {
            let previous = samples[index - 1]
            let current = samples[index]
            let elapsed = current.time.timeIntervalSince(previous.time)
            guard elapsed > 0 else { continue }
            let increase = current.value >= previous.value ? current.value - previous.value : current.value
            result.append(Sample(time: current.time, value: increase / elapsed))
        }
        return result
    }

    /// The sum of several series at each timestamp present in any of them, in time order.
    ///
    /// A series without a sample at an instant contributes nothing there; generated and scraped series
    /// share their timestamps, so this is exact for them.
    public static func sum(_ series: [[Sample]]) -> [Sample] {
        if series.count == 1 { return series[0] }
        var totals: [Date: Double] = [:]
        for samples in series {
            for sample in samples { totals[sample.time, default: 0] += sample.value }
        }
        return totals.map { Sample(time: $0.key, value: $0.value) }.sorted { $0.time < $1.time }
    }

    /// The median of `values`; nil when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }

    /// The least-squares slope of `samples` per second; nil with fewer than two samples or a single instant.
    public static func slope(_ samples: [Sample]) -> Double? {
        guard samples.count > 1, let first = samples.first?.time else { return nil }
        let xs = samples.map { $0.time.timeIntervalSince(first) }
        let ys = samples.map(\.value)
        guard let meanX = mean(xs), let meanY = mean(ys) else { return nil }
        let spread = xs.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
        guard spread > 0 else { return nil }
        return zip(xs, ys).reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanY) } / spread
    }

    /// The arithmetic mean of `values`; nil when empty.
    public static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}
