public import Foundation

/// Where investigation reads metrics from: the embedded `MetricStore`, or a Prometheus server.
public protocol MetricSource: Sendable {
    /// Every series of metric `name` whose labels include all of `matching`, with the samples in `[from, to]`.
    ///
    /// Series without samples in the range may be omitted. Samples are in time order.
    func series(named name: String, matching: [String: String], from: Date, to: Date) async throws -> [TimeSeries]
}
