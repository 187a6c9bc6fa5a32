public import Foundation
public import MusterModel

/// How one signal of one entity behaved around an incident: baseline, now, the sustained onset.
public struct SignalAssessment: Hashable, Sendable {
    public var entity: EntityRef
    public var signal: SignalSpec
    /// Median of the baseline window.
    public var baseline: Double
    /// Median of the last few samples up to the instant assessed.
    public var current: Double
    /// The worst value of the sustained anomalous run (the largest for load).
    public var peak: Double
    /// When the run reached `peak`; nil when there is no run.
    public var peakAt: Date? = nil
    /// The value at the onset, the first sample of the run; nil when there is no run.
    public var onsetValue: Double? = nil
    /// Start of the first sustained anomalous run in the incident window; nil when there is none.
    public var onset: Date?
    /// When the run ended, if the signal is back to normal by the instant assessed.
    public var recoveredAt: Date?
    /// Worse-direction deviation at the peak, in robust sigmas (floored).
    public var strength: Double
    /// When a milder creep that the run's much larger step followed began (the onset is the step's); nil otherwise.
    public var creptSince: Date? = nil
    /// The creep's typical level before the step.
    public var creptTo: Double? = nil
    /// When the step came, for a creep that dates the run as the fingerprint of a change (the onset is the creep's).
    public var steppedAt: Date? = nil
    /// The instant of the deploy or change whose fingerprint the creep is; nil otherwise.
    public var fingerprintOf: Date? = nil
    /// When the first of several episodes of this signal in the window read began (the onset is the latest's,
    /// unless the episodes recur from a change: then the onset is this); nil for a single episode.
    public var firstEpisode: Date? = nil
    /// How many episodes of this signal the window read holds.
    public var episodes = 1
    /// When the latest episode began, for a recurring fault dated from its first as a change's fingerprint.
    public var latestEpisode: Date? = nil
    /// Set when the usual baseline window (ending at this instant) was mostly this failure: the baseline is then
    /// the history before the failure's step.
    public var baselineSettledBefore: Date? = nil

    /// A sustained anomaly in the worse direction (for `load`: an increase or a drop).
    public var isAnomalous: Bool { onset != nil }

    /// For `load`: peak over baseline.
    public var ratio: Double { baseline == 0 ? (peak == 0 ? 1 : .infinity) : peak / baseline }

    /// How far a load rose, in words: "3.2x", or "from 0 to 40/s" when it rose from nothing (no ratio to speak of).
    public var rise: String { Self.rise(ratio, to: peak, perSecond: signal.isRate) }

    /// "3.2x" for a finite `ratio`; "from 0 to 40" (with "/s" for a rate) when it rose from a baseline of 0.
    public static func rise(_ ratio: Double, to peak: Double, perSecond: Bool = false) -> String {
        ratio.isFinite ? "\(format(ratio))x" : "from 0 to \(format(peak))\(perSecond ? "/s" : "")"
    }

    /// One line a person can check: `errors (http_requests_errors_ratio) 0.002 -> 0.41 since 17:27`.
    public var summary: String {
        let name = "\(signal.name) (\(signal.metric)\(signal.isRate ? " rate" : ""))"
        guard let onset else { return "\(name) normal at \(Self.format(current)) (baseline \(Self.format(baseline)))" }
        let ratioText = signal.type == .load && baseline > 0 ? "\(Self.format(ratio))x" : nil
        var text = "\(name) \(Self.format(baseline)) -> "
        // "A -> B since T" reads as the level at T: a peak that came minutes later is said with its own time.
        if let peakAt, let onsetValue, peakAt.timeIntervalSince(onset) >= 120,
            abs(onsetValue - baseline) < 0.8 * abs(peak - baseline)
        {
            text += "\(Self.format(onsetValue)) since \(Timestamp.clockTime(onset)) (reached \(Self.format(peak)) by "
            text += "\(Timestamp.clockTime(peakAt))\(ratioText.map { ", \($0)" } ?? ""))"
        } else {
            text += "\(Self.format(peak)) since \(Timestamp.clockTime(onset))"
            if let ratioText { text += " (\(ratioText))" }
        }
        if let latestEpisode, let fingerprintOf {
            text +=
                " (\(episodes) episodes, the latest since \(Timestamp.clockTime(latestEpisode)), the first within 2 "
                + "minutes of the change at \(Timestamp.clockTime(fingerprintOf)): one fault recurring since it)"
        } else if let creptTo, let steppedAt, let fingerprintOf {
            text +=
                " (a mild creep to \(Self.format(creptTo)) that began within 2 minutes of the change at "
                + "\(Timestamp.clockTime(fingerprintOf)), its fingerprint, then a much larger step at "
                + "\(Timestamp.clockTime(steppedAt)): the run dates from the creep)"
        } else if let creptSince, let creptTo {
            text +=
                " (a much larger step after a mild creep to \(Self.format(creptTo)) since "
                + "\(Timestamp.clockTime(creptSince)), which dates nothing)"
        }
        if baselineSettledBefore != nil {
            text += " (a step older than most of the usual baseline window, which is this failure itself: normal is "
            text += "read from before the step)"
        }
        if let recoveredAt { text += ", back to normal at \(Timestamp.clockTime(recoveredAt))" }
        return text
    }

    /// Compact number formatting for evidence lines.
    public static func format(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1_000_000 { return trimmed(value / 1_000_000, digits: 2) + "M" }
        if magnitude >= 10_000 { return trimmed(value / 1000, digits: 1) + "k" }
        if magnitude >= 100 { return String(Int(value.rounded())) }
        if magnitude >= 1 { return trimmed(value, digits: 2) }
        if magnitude == 0 { return "0" }
        return trimmed(value, digits: 4)
    }

    private static func trimmed(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = "\(rounded)"
        if text.contains("e") { return "\(value)" }
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
