internal import Foundation
internal import MusterModel

/// Turns a scenario's `metrics` section into samples: deterministic, piecewise, with bounded noise.
///
/// - Samples fall at `from + i x step` for every such instant up to `to` inclusive; a series has no
///   samples before its first segment starts.
/// - Counter: starts at 0 at its first segment's `from` and grows by the segments' `rate` per second,
///   integrated exactly across segment boundaries that fall between steps. Each step's increase is
///   scaled by `1 + noise x u` with u in [-1, 1] (clamped at 0), so the counter never decreases.
/// - Gauge: a segment holds `value`, or ramps linearly from `value` to `rampTo` by the next segment's
///   `from` (the spec's `to` for the last one); each sample is scaled by `1 + noise x u`.
/// - u comes from SplitMix64 seeded by an FNV-1a hash of the series' name and sorted labels and the
///   sample index, so the same spec always yields the same numbers, on every machine.
public enum MetricGenerator {
    /// Generates every series of `spec` into `store`.
    public static func generate(_ spec: MetricsSpec, into store: MetricStore) {
        for series in spec.series {
            store.append(series.name, labels: series.labels, samples: samples(for: series, in: spec), kind: series.kind)
        }
    }

    /// The samples of one series of `spec`.
    public static func samples(for series: SeriesSpec, in spec: MetricsSpec) -> [Sample] {
        let segments = series.segments.enumerated().sorted {
            ($0.element.from, $0.offset) < ($1.element.from, $1.offset)
        }
        .map(\.element)
        guard spec.step > 0, spec.to >= spec.from, let first = segments.first else { return [] }
        let count = Int(((spec.to.timeIntervalSince(spec.from)) / spec.step + 1e-9).rounded(.down)) + 1
        let seed = SplitMix64.seed(
            series.name + "{"
                + series.labels.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value)" }.joined(separator: ",") + "}")
        let times = (0..<count).map { spec.from.addingTimeInterval(Double($0) * spec.step) }
        var result: [Sample] = []
        result.reserveCapacity(count)
        switch series.kind {
        case .counter:
            let rates = resolvedRates(segments)
            var total = 0.0
            var previous = first.from
            for (index, time) in times.enumerated() where time >= first.from {
                let increase = integral(of: rates, segments: segments, from: previous, to: time)
                total += increase * max(0, 1 + series.noise * SplitMix64.jitter(seed: seed, index: index))
                previous = time
                result.append(Sample(time: time, value: total))
            }
        case .gauge:
            let shapes = resolvedShapes(segments, end: spec.to)
            var segment = 0
            for (index, time) in times.enumerated() where time >= first.from {
                while segment + 1 < shapes.count, shapes[segment + 1].from <= time { segment += 1 }
                let value = shapes[segment].value(at: time)
                result.append(
                    Sample(time: time, value: value * (1 + series.noise * SplitMix64.jitter(seed: seed, index: index))))
            }
        }
        return result
    }

    /// Each segment's rate, carrying the previous one forward where a segment gives none.
    private static func resolvedRates(_ segments: [SegmentSpec]) -> [Double] {
        var rates: [Double] = []
        for segment in segments { rates.append(segment.rate ?? rates.last ?? 0) }
        return rates
    }

    /// The counter's noiseless increase over `[from, to]`.
    private static func integral(of rates: [Double], segments: [SegmentSpec], from: Date, to: Date) -> Double {
        var total = 0.0
        for (index, segment) in segments.enumerated() {
            let end = index + 1 < segments.count ? segments[index + 1].from : Date.distantFuture
            let overlap = min(end, to).timeIntervalSince(max(segment.from, from))
            if overlap > 0 { total += rates[index] * overlap }
        }
        return total
    }

    /// A gauge segment with its start value, end value and end time resolved.
    private struct Shape {
        var from: Date
        var until: Date
        var start: Double
        var end: Double

        func value(at time: Date) -> Double {
            let length = until.timeIntervalSince(from)
            guard length > 0, start != end else { return start }
            let progress = min(1, max(0, time.timeIntervalSince(from) / length))
            return start + (end - start) * progress
        }
    }

    private static func resolvedShapes(_ segments: [SegmentSpec], end: Date) -> [Shape] {
        var shapes: [Shape] = []
        for (index, segment) in segments.enumerated() {
            let start = segment.value ?? shapes.last?.end ?? 0
            let until = index + 1 < segments.count ? segments[index + 1].from : end
            shapes.append(Shape(from: segment.from, until: until, start: start, end: segment.rampTo ?? start))
        }
        return shapes
    }
}
