public import Foundation
public import MusterModel

extension MetricSource {
    /// The signal's metric summed over every matching series, as a per-second rate when `signal.isRate`.
    ///
    /// Rates are taken per series before summing, so a reset in one series does not disturb the rest.
    public func values(of signal: SignalSpec, from: Date, to: Date) async throws -> [Sample] {
        let series = try await series(named: signal.metric, matching: signal.match, from: from, to: to)
        return SeriesMath.sum(series.map { prepared($0.samples, for: signal) })
    }

    /// The signal split by its `breakdown` label: label value -> summed samples (rate applied).
    ///
    /// Empty when the signal declares no breakdown; series without the label are left out.
    public func breakdown(of signal: SignalSpec, from: Date, to: Date) async throws -> [String: [Sample]] {
        guard let label = signal.breakdown else { return [:] }
        let series = try await series(named: signal.metric, matching: signal.match, from: from, to: to)
        var groups: [String: [[Sample]]] = [:]
        for item in series {
            guard let key = item.labels[label] else { continue }
            groups[key, default: []].append(prepared(item.samples, for: signal))
        }
        return groups.mapValues { SeriesMath.sum($0) }
    }

    private func prepared(_ samples: [Sample], for signal: SignalSpec) -> [Sample] {
        signal.isRate ? SeriesMath.rate(samples) : samples
    }
}
