import Foundation
import MusterModel
import MusterTelemetry

extension DependencyCheck {
    /// How long before the services below it an upstream may turn bad and still be taken to have made them fail
    /// without a path that explains the delay.
    static let remoteLead: TimeInterval = 20 * 60
    /// What an upstream whose trouble came long before the services below it, with no path to them, is worth.
    static let delayWeight = 0.6

    /// Why `ref`, which turned bad `remoteLead` or more before the services below it (`below`), does not explain
    /// them: a cause precedes its effect closely, or shows a path that explains the delay (a fault of it that
    /// began closer to them, or one that worsened since: half as far again from its baseline when they turned bad
    /// as in its first minutes, a pool that kept filling). Nil when it needs no path or shows one. `lead` is how
    /// far ahead needs a path (`remoteLead` unless told).
    static func unexplainedDelay(
        of ref: EntityRef, faults: [SignalAssessment], below: Date, context: InvestigationContext,
        lead: TimeInterval = remoteLead
    ) -> String? {
        guard let onset = faults.first?.onset, below.timeIntervalSince(onset) >= lead else { return nil }
        let hasPath = faults.contains { fault in
            guard let start = fault.onset else { return false }
            let samples = context.samples[ref]?[fault.signal.name] ?? []
            return below.timeIntervalSince(start) < lead || worsened(fault, from: start, by: below, samples)
        }
        guard !hasPath else { return nil }
        return "it turned bad \(DurationText.format(below.timeIntervalSince(onset))) before the services below it "
            + "and did not worsen since: a cause that far ahead of its effect needs a path to it"
    }

    /// Whether `fault` was at least half as far again from its baseline just before `instant` as in the first
    /// minutes after `start`; true when the samples cannot tell (no mark without a measurement).
    private static func worsened(_ fault: SignalAssessment, from start: Date, by instant: Date, _ samples: [Sample])
        -> Bool
    {
        let span: TimeInterval = 3 * 60
        func deviation(_ from: Date, _ to: Date) -> Double? {
            let values = samples.filter { $0.time >= from && $0.time <= to }.map { abs($0.value - fault.baseline) }
            return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        }
        guard let early = deviation(start, start.addingTimeInterval(span)),
            let late = deviation(instant.addingTimeInterval(-span), instant)
        else { return true }
        return late >= 1.5 * early
    }
}
