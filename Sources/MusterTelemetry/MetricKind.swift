/// Whether a metric only ever increases (a counter, read through its rate) or moves freely (a gauge).
public enum MetricKind: String, Hashable, Codable, Sendable, CaseIterable {
    case counter, gauge
}
