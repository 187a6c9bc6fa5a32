public import Foundation

/// Finds when a signal left its normal range for good: the onset of a sustained change.
///
/// The rule, deliberately simple enough to explain in a triage note:
/// 1. Describe normal with a `Baseline` (median, MAD) of the samples in the baseline window.
/// 2. A point is anomalous when it lies beyond `median ± band` in the watched direction, where
///    `band = max(threshold x 1.4826 x MAD, relativeFloor x |median|, absoluteFloor)`. The floors keep a
///    flat, noiseless baseline (MAD = 0) from flagging every wiggle.
/// 3. The onset is the first point after the baseline window that starts a run of at least
///    `persistence` consecutive anomalous points; shorter blips are ignored.
/// 4. The onset is then moved back over directly preceding points that are already past half the band,
///    so a ramp is dated where it began to leave normal rather than where it crossed the threshold.
public struct OnsetDetector: Hashable, Sendable {
    /// Which way a change must go to count.
    public enum Direction: String, Hashable, Sendable {
        case up, down, either
    }

    /// A detected onset.
    public struct Onset: Hashable, Sendable {
        /// The first anomalous instant.
        public var time: Date
        /// Index of that sample in the samples given to `onset(in:...)`.
        public var index: Int
        /// The value there.
        public var value: Double
        /// The normal behaviour it departed from.
        public var baseline: Baseline
        /// The half-width of the normal range used.
        public var band: Double
    }

    /// Band width in robust sigmas.
    public var threshold: Double
    /// The band is at least this fraction of |median|.
    public var relativeFloor: Double
    /// The band is at least this, for baselines at 0.
    public var absoluteFloor: Double
    /// Consecutive anomalous points needed (k).
    public var persistence: Int

    public init(threshold: Double = 4, relativeFloor: Double = 0.1, absoluteFloor: Double = 1e-9, persistence: Int = 3)
    {
        self.threshold = threshold
        self.relativeFloor = relativeFloor
        self.absoluteFloor = absoluteFloor
        self.persistence = max(1, persistence)
    }

    /// The half-width of the normal range around `baseline.median`.
    public func band(for baseline: Baseline) -> Double {
        max(threshold * baseline.sigma, relativeFloor * abs(baseline.median), absoluteFloor)
    }

    /// The onset in `samples` (time-ordered) after a baseline taken over `[baselineFrom, baselineTo)`.
    ///
    /// Only samples at or after `baselineTo` are searched. Nil when the baseline window is empty or the
    /// signal never stays outside its normal range for `persistence` points.
    public func onset(
        in samples: [Sample], baselineFrom: Date, baselineTo: Date, direction: Direction
    ) -> Onset? {
        guard let baseline = Baseline(samples: samples.window(from: baselineFrom, to: baselineTo)) else { return nil }
        let band = band(for: baseline)
        func excess(_ value: Double) -> Double {
            switch direction {
            case .up: value - baseline.median
            case .down: baseline.median - value
            case .either: abs(value - baseline.median)
            }
        }
        guard let searchStart = samples.firstIndex(where: { $0.time >= baselineTo }) else { return nil }
        var runStart: Int?
        for index in searchStart..<samples.count {
            if excess(samples[index].value) > band {
                let start = runStart ?? index
                runStart = start
                if index - start + 1 >= persistence {
                    var onset = start
                    while onset > searchStart, excess(samples[onset - 1].value) > band / 2 { onset -= 1 }
                    return Onset(
                        time: samples[onset].time, index: onset, value: samples[onset].value, baseline: baseline,
                        band: band)
                }
            } else {
                runStart = nil
            }
        }
        return nil
    }
}
