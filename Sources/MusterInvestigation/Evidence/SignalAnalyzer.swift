public import Foundation
public import MusterModel
public import MusterTelemetry

/// Assesses signals against a robust baseline and finds the onset of a sustained change.
///
/// A sample is anomalous when it lies beyond the baseline median, in the worse direction, by more
/// than `sigmas` robust standard deviations (1.4826 x MAD) and by more than `relativeChange` of the
/// median (an `errors` signal also by `errorFloor`). `health` signals are anomalous below 0.5. `load` counts in both directions and needs a
/// `loadRatio` change. An onset is the first of `sustain` consecutive anomalous samples, so a brief
/// blip that recovers is not an onset; reads never look past the instant assessed.
public struct SignalAnalyzer: Sendable {
    public var sigmas = 5.0
    public var relativeChange = 0.3
    /// The least rise of an `errors` signal that counts, whatever its baseline (see `Playbook.errorFloor`).
    public var errorFloor = 0.0
    public var loadRatio = 2.0
    public var sustain = 3
    /// A run still going at the instant assessed counts with this many samples (it cannot be longer yet).
    public var minimumOpenRun = 2
    /// A saturation ratio (baseline within 0...1) at or above this is exhausted however little it moved, unless
    /// its baseline already sat at or above it without climbing: a resource that runs there by design (an LRU
    /// cache kept at maxmemory) is judged by the ordinary deviation rules, as its usual operating point is no
    /// failure. A baseline that climbs into the level (a slow leak) still counts.
    public var exhaustedLevel = 0.9
    /// Baseline window: this long, ending `baselineGap` before the incident's reference instant.
    public var baselineSpan: TimeInterval = 3 * 3600
    public var baselineGap: TimeInterval = 30 * 60
    /// How far before the reference an onset may lie and still belong to the incident.
    public var lookBack: TimeInterval = 2 * 3600
    /// How far back from its first anomalous sample the start of a ramp is looked for.
    public var rampLookBack: TimeInterval = 30 * 60
    /// How long a mild creep must have lasted before a much larger step for the step to date the episode.
    public var creepSpan: TimeInterval = 10 * 60

    public init() {}

    /// Assesses `signal` of `entity` for an incident whose first alert started at `reference`, reading up to `now`.
    public func assess(
        _ signal: SignalSpec, of entity: EntityRef, reference: Date, now: Date, source: any MetricSource
    ) async -> SignalAssessment? {
        let from = reference.addingTimeInterval(-(baselineSpan + baselineGap))
        guard let samples = try? await source.values(of: signal, from: from, to: now), !samples.isEmpty else {
            return nil
        }
        return assess(samples.filter { $0.time <= now }, signal: signal, entity: entity, reference: reference)
    }

    /// Assesses samples already read (time-ordered, none after the instant assessed).
    public func assess(_ samples: [Sample], signal: SignalSpec, entity: EntityRef, reference: Date)
        -> SignalAssessment?
    {
        guard !samples.isEmpty else { return nil }
        let baselineEnd = reference.addingTimeInterval(-baselineGap)
        var baselineSamples = samples.filter { $0.time < baselineEnd }
        if baselineSamples.count < 5 {
            baselineSamples = Array(samples.filter { $0.time < reference }.prefix(max(1, samples.count / 2)))
        }
        guard var baseline = Baseline(samples: baselineSamples) else { return nil }
        let recent = samples.suffix(3).map(\.value).sorted()
        let current = recent[recent.count / 2]
        var windowStart = reference.addingTimeInterval(-lookBack)
        // A failure older than most of the baseline window: the window is the failure itself, so normal is what
        // came before the step, and the episode is dated from it however long ago that was.
        let step = settledStep(in: samples, usual: baseline, baselineEnd: baselineEnd, type: signal.type)
        if let step {
            baseline = step.baseline
            baselineSamples = step.before
            windowStart = min(windowStart, step.time)
        }
        let window = samples.filter { $0.time >= windowStart }
        let atOperatingPoint = isSteadyAtExhaustedLevel(baselineSamples, baseline: baseline, type: signal.type)
        var flags = window.map {
            isAnomalous($0.value, baseline: baseline, type: signal.type, atOperatingPoint: atOperatingPoint)
        }
        // A load that fell and then rose (a stalled resource, then retries) is two changes: only those in the
        // direction of the latest one count, so the rise is dated from its own start.
        if signal.type == .load, let last = flags.lastIndex(of: true) {
            let rising = window[last].value > baseline.median
            for index in flags.indices where flags[index] && (window[index].value > baseline.median) != rising {
                flags[index] = false
            }
        }
        // A health signal that keeps flipping (down at least `flapShare` of the samples since it first went down
        // in the last `flapWindow` samples) is failing, though never `sustain` samples in a row: from that first
        // down sample to now counts as one run.
        if signal.type == .health, let flapStart = flapping(flags) {
            for index in flapStart..<flags.count { flags[index] = true }
        }
        // The onset of the latest episode: a failure that recovered and came back belongs to this incident by
        // its second start. Runs split by a short dip (up to `sustain - 1` normal samples) are one episode.
        var onsetIndex: Int?
        var firstIndex: Int?
        var episodes = 0
        var lastBad: Int?
        var index = 0
        while index < flags.count {
            if flags[index] {
                let end = min(flags.count, index + sustain)
                let run = flags[index..<end]
                let reachesNow = end == flags.count
                if run.allSatisfy({ $0 }) && (run.count == sustain || reachesNow && run.count >= minimumOpenRun) {
                    let continues = lastBad.map { index - $0 <= sustain } ?? false
                    if onsetIndex == nil || !continues {
                        onsetIndex = index
                        firstIndex = firstIndex ?? index
                        episodes += 1
                    }
                }
                if onsetIndex != nil { lastBad = index }
            }
            index += 1
        }
        var assessment = SignalAssessment(
            entity: entity, signal: signal, baseline: baseline.median, current: current, peak: current, onset: nil,
            recoveredAt: nil, strength: 0)
        guard var onsetIndex else { return assessment }
        if step != nil { assessment.baselineSettledBefore = baselineEnd }
        onsetIndex = departure(before: onsetIndex, in: window, baseline: baseline, type: signal.type)
        // Earlier episodes of the same signal in the window: kept so that a recurring fault can be dated from its
        // first (``InvestigationContext/keepFingerprints``).
        if episodes > 1, let firstIndex {
            assessment.firstEpisode =
                window[departure(before: firstIndex, in: window, baseline: baseline, type: signal.type)].time
            assessment.episodes = episodes
        }
        // A mild creep that a much larger level shift follows inside the same run: the episode is dated from the
        // step that made it severe, and the creep is kept in words.
        if let step = severeStep(in: window, from: onsetIndex, baseline: baseline, type: signal.type) {
            assessment.creptSince = window[onsetIndex].time
            assessment.creptTo = SeriesMath.median(window[onsetIndex..<step].map(\.value))
            onsetIndex = step
        }
        let run = window[onsetIndex...]
        let worse = run.map { deviation($0.value, baseline: baseline.median, type: signal.type) }
        let peakOffset = worse.indices.max { worse[$0] < worse[$1] } ?? worse.startIndex
        // A counter's rate over [t - step, t] is stamped t, but the increase it measures began in that interval:
        // the run dates from the interval's start, the sample before.
        assessment.onset = window[signal.isRate && onsetIndex > 0 ? onsetIndex - 1 : onsetIndex].time
        assessment.peak = run[run.startIndex + (peakOffset - worse.startIndex)].value
        assessment.peakAt = run[run.startIndex + (peakOffset - worse.startIndex)].time
        assessment.onsetValue = window[onsetIndex].value
        let scale = max(baseline.sigma, 0.05 * abs(baseline.median), 1e-9)
        assessment.strength = (worse.max() ?? 0) / scale
        let tail = flags.suffix(sustain)
        if tail.count == sustain, tail.allSatisfy({ !$0 }) {
            let lastBad = flags.lastIndex(of: true) ?? onsetIndex
            assessment.recoveredAt = window[min(window.count - 1, lastBad + 1)].time
        }
        return assessment
    }

    /// The least stretch of history before a step that can describe normal.
    public var settledSpan: TimeInterval = 30 * 60

    /// A step older than most of the baseline window, still going: the first sample (at least `settledSpan` into the
    /// history, before `baselineEnd`) from which the signal is anomalous against the history before it (up to
    /// `baselineSpan` of it) for `sustain` samples, never back to normal for `sustain` samples in a row, and still
    /// anomalous at the latest sample, where the usual baseline's own median is anomalous against that history too
    /// (more than half of the usual window is the failure). Nil for a signal whose usual baseline describes normal.
    func settledStep(in samples: [Sample], usual: Baseline, baselineEnd: Date, type: SignalType)
        -> (time: Date, baseline: Baseline, before: [Sample])?
    {
        guard let first = samples.first?.time, samples.count > 2 * sustain else { return nil }
        let earliest = first.addingTimeInterval(settledSpan)
        // A cheap gate: the usual median is no failure against the start of the history.
        let head = samples.prefix { $0.time < earliest }
        guard let headBaseline = Baseline(samples: Array(head)),
            isAnomalous(usual.median, baseline: headBaseline, type: type, atOperatingPoint: false)
        else { return nil }
        for index in samples.indices where samples[index].time >= earliest && samples[index].time < baselineEnd {
            let from = samples[index].time.addingTimeInterval(-baselineSpan)
            let before = samples[..<index].filter { $0.time >= from }
            guard let baseline = Baseline(samples: before) else { continue }
            let steady = isSteadyAtExhaustedLevel(before, baseline: baseline, type: type)
            func isBad(_ value: Double) -> Bool {
                isAnomalous(value, baseline: baseline, type: type, atOperatingPoint: steady)
            }
            guard isAnomalous(usual.median, baseline: baseline, type: type, atOperatingPoint: steady),
                samples[index..<min(samples.count, index + sustain)].allSatisfy({ isBad($0.value) }),
                isBad(samples[samples.count - 1].value)
            else { continue }
            var normalRun = 0
            var isContinuous = true
            for sample in samples[index...] {
                normalRun = isBad(sample.value) ? 0 : normalRun + 1
                if normalRun >= sustain {
                    isContinuous = false
                    break
                }
            }
            guard isContinuous else { continue }
            return (samples[index].time, baseline, before)
        }
        return nil
    }

    /// How many recent samples a flapping health signal is looked for in, and the share of them down.
    static let flapWindow = 15
    static let flapShare = 0.4

    /// The index of the first down sample of a flapping stretch that reaches the latest sample: at least three
    /// down samples, `flapShare` of those from the first of them on, within the last `flapWindow`; nil otherwise.
    func flapping(_ flags: [Bool]) -> Int? {
        let recent = max(0, flags.count - Self.flapWindow)
        guard let first = flags[recent...].firstIndex(of: true) else { return nil }
        let stretch = flags[first...]
        let down = stretch.filter { $0 }.count
        guard down >= 3, Double(down) / Double(stretch.count) >= Self.flapShare,
            flags.suffix(sustain).contains(true)
        else { return nil }
        // Back to where the flapping began: earlier down samples at most two up samples apart.
        var start = first
        while let earlier = (max(0, start - 3)..<start).last(where: { flags[$0] }) { start = earlier }
        return start
    }

    /// Where a change that became anomalous at `index` began: a ramp crosses the anomaly threshold minutes
    /// after it leaves normal. Walks back while each earlier sample is still clearly off its baseline in the
    /// same direction (3 robust sigmas and 10% of the median), at most `rampLookBack`.
    func departure(before index: Int, in window: [Sample], baseline: Baseline, type: SignalType) -> Int {
        guard type != .health else { return index }
        let limit = window[index].time.addingTimeInterval(-rampLookBack)
        let direction: Double = type == .load && window[index].value < baseline.median ? -1 : 1
        var start = index
        while start > 0, window[start - 1].time >= limit {
            let offset = (window[start - 1].value - baseline.median) * direction
            guard offset > 3 * baseline.sigma, offset > 0.1 * abs(baseline.median), offset > 1e-9 else { break }
            start -= 1
        }
        return start
    }

    /// A step inside the run from `start` that made it severe: the first sample at half the run's worst deviation
    /// or more, at least `creepSpan` after the run began, where the samples before it deviate by a tenth of that
    /// worst or less (a creep) and those from it on stay at half of it or more (a level shift, not a spike).
    /// Nil when the run has no such step (a ramp, a single level, a spike). Not for health or load.
    func severeStep(in window: [Sample], from start: Int, baseline: Baseline, type: SignalType) -> Int? {
        guard type != .health, type != .load else { return nil }
        let worse = window[start...].map { deviation($0.value, baseline: baseline.median, type: type) }
        guard let peak = worse.max(), peak > 0,
            let offset = worse.firstIndex(where: { $0 >= 0.5 * peak })
        else { return nil }
        let step = start + offset
        guard window[step].time.timeIntervalSince(window[start].time) >= creepSpan,
            let creep = SeriesMath.median(Array(worse[..<offset])), creep <= 0.1 * peak,
            let after = SeriesMath.median(Array(worse[offset...])), after >= 0.5 * peak
        else { return nil }
        return step
    }

    /// Deviation in the worse direction (positive = worse; for load, the size of the change).
    func deviation(_ value: Double, baseline: Double, type: SignalType) -> Double {
        switch type {
        case .health: return baseline - value
        case .load: return abs(value - baseline)
        default: return value - baseline
        }
    }

    /// A saturation baseline that sits at or above `exhaustedLevel` and is not climbing: its later half's median
    /// is within half a robust sigma of its earlier half's.
    func isSteadyAtExhaustedLevel(_ samples: [Sample], baseline: Baseline, type: SignalType) -> Bool {
        guard type == .saturation, baseline.median >= exhaustedLevel, baseline.median <= 1, samples.count >= 4 else {
            return false
        }
        let half = samples.count / 2
        guard let early = SeriesMath.median(samples.prefix(half).map(\.value)),
            let late = SeriesMath.median(samples.suffix(samples.count - half).map(\.value))
        else { return false }
        return late - early <= 0.5 * baseline.sigma
    }

    func isAnomalous(_ value: Double, baseline: Baseline, type: SignalType, atOperatingPoint: Bool = false) -> Bool {
        switch type {
        case .health:
            return baseline.median >= 0.5 && value < 0.5
        case .load:
            let median = baseline.median
            let ratioOK = median <= 0 ? value > 0 : (value / median >= loadRatio || value / median <= 1 / loadRatio)
            return ratioOK && abs(value - median) > sigmas * baseline.sigma
        case .saturation
        where !atOperatingPoint && baseline.median >= 0 && baseline.median <= 1 && value >= exhaustedLevel
            && value <= 1.5:
            return true
        default:
            let median = baseline.median
            let delta = value - median
            let floor = type == .errors ? Swift.max(errorFloor, 1e-9) : 1e-9
            return delta > sigmas * baseline.sigma && delta > relativeChange * abs(median) && delta > floor
        }
    }
}
