public import Foundation
internal import Synchronization

/// An embedded in-memory time-series store: the metric source for replay and tests.
///
/// Series are indexed by metric name, then by their sorted label pairs; each series keeps its samples
/// sorted by time, so range reads are two binary searches. Appending in time order is O(1); an
/// out-of-order sample is inserted in place, and a sample at an existing instant replaces it.
/// All state sits behind one `Mutex`, so the store is safe to share between tasks.
public final class MetricStore: MetricSource {
    private let state = Mutex(Storage())

    public init() {}

    /// Records a sample of `name{labels}`; `kind` (when given) is remembered for export.
    public func append(
        _ name: String, labels: [String: String] = [:], time: Date, value: Double, kind: MetricKind? = nil
    ) {
        append(name, labels: labels, samples: [Sample(time: time, value: value)], kind: kind)
    }

    /// Records several samples of one series at once (one lock acquisition).
    public func append(_ name: String, labels: [String: String] = [:], samples: [Sample], kind: MetricKind? = nil) {
        let key = LabelKey(labels)
        state.withLock { storage in
            if let kind { storage.kinds[name] = kind }
            // Mutate in place through the dictionaries' modify accessors: no copy of the series.
            for sample in samples { storage.families[name, default: [:]][key, default: SeriesBuffer()].insert(sample) }
        }
    }

    /// The declared kind of metric `name`, when one was given on append.
    public func kind(of name: String) -> MetricKind? {
        state.withLock { $0.kinds[name] }
    }

    /// Every metric name, sorted.
    public var metricNames: [String] {
        state.withLock { $0.families.keys.sorted() }
    }

    /// The total number of samples held.
    public var sampleCount: Int {
        state.withLock { storage in storage.families.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.count } } }
    }

    /// Every series of `name` with all its samples, sorted by labels.
    public func allSeries(named name: String) -> [TimeSeries] {
        state.withLock { storage in
            (storage.families[name] ?? [:]).sorted { $0.key < $1.key }.map { key, buffer in
                TimeSeries(name: name, labels: key.dictionary, samples: buffer.samples)
            }
        }
    }

    public func series(
        named name: String, matching: [String: String], from: Date, to: Date
    ) async throws -> [TimeSeries] {
        seriesNow(named: name, matching: matching, from: from, to: to)
    }

    /// The synchronous form of `series(named:matching:from:to:)`.
    public func seriesNow(named name: String, matching: [String: String], from: Date, to: Date) -> [TimeSeries] {
        state.withLock { storage in
            guard let family = storage.families[name] else { return [] }
            var result: [TimeSeries] = []
            for (key, buffer) in family where key.contains(matching) {
                let samples = buffer.samples(from: from, to: to)
                if !samples.isEmpty { result.append(TimeSeries(name: name, labels: key.dictionary, samples: samples)) }
            }
            return result.sorted { LabelKey($0.labels) < LabelKey($1.labels) }
        }
    }
}

extension MetricStore {
    struct Storage: Sendable {
        var families: [String: [LabelKey: SeriesBuffer]] = [:]
        var kinds: [String: MetricKind] = [:]
    }

    /// A label set in a canonical (sorted) order, usable as a dictionary key.
    struct LabelKey: Hashable, Comparable, Sendable {
        let pairs: [Pair]

        struct Pair: Hashable, Sendable {
            let name: String
            let value: String
        }

        init(_ labels: [String: String]) {
            pairs = labels.map { Pair(name: $0.key, value: $0.value) }.sorted {
                ($0.name, $0.value) < ($1.name, $1.value)
            }
        }

        var dictionary: [String: String] {
            Dictionary(uniqueKeysWithValues: pairs.map { ($0.name, $0.value) })
        }

        func contains(_ matching: [String: String]) -> Bool {
            matching.allSatisfy { name, value in pairs.contains { $0.name == name && $0.value == value } }
        }

        static func < (lhs: LabelKey, rhs: LabelKey) -> Bool {
            lhs.pairs.lexicographicallyPrecedes(rhs.pairs) { ($0.name, $0.value) < ($1.name, $1.value) }
        }
    }

    /// The samples of one series, kept sorted by time.
    struct SeriesBuffer: Sendable {
        private(set) var samples: [Sample] = []

        var count: Int { samples.count }

        mutating func insert(_ sample: Sample) {
            guard let last = samples.last, sample.time <= last.time else {
                samples.append(sample)
                return
            }
            let index = firstIndex(notBefore: sample.time)
            if index < samples.count, samples[index].time == sample.time {
                samples[index] = sample
            } else {
                samples.insert(sample, at: index)
            }
        }

        /// The index of the first sample at or after `time` (binary search).
        func firstIndex(notBefore time: Date) -> Int {
            var low = 0
            var high = samples.count
            while low < high {
                let middle = (low + high) / 2
                if samples[middle].time < time { low = middle + 1 } else { high = middle }
            }
            return low
        }

        /// The samples in `[from, to]`.
        func samples(from: Date, to: Date) -> [Sample] {
            guard from <= to else { return [] }
            let start = firstIndex(notBefore: from)
            var end = firstIndex(notBefore: to)
            if end < samples.count, samples[end].time == to { end += 1 }
            return start < end ? Array(samples[start..<end]) : []
        }
    }
}
