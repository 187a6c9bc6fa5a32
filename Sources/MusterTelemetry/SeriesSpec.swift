/// One generated series: a metric name, its labels and piecewise behaviour over time.
public struct SeriesSpec: Hashable, Sendable {
    public var name: String
    public var kind: MetricKind
    public var labels: [String: String]
    /// Multiplicative jitter: each sample (gauge) or each step's increase (counter) is scaled by a
    /// deterministic factor in `1 ± noise`.
    public var noise: Double
    /// Segments in time order; each applies from its `from` until the next one's.
    public var segments: [SegmentSpec]

    public init(
        name: String, kind: MetricKind, labels: [String: String] = [:], noise: Double = 0, segments: [SegmentSpec]
    ) {
        self.name = name
        self.kind = kind
        self.labels = labels
        self.noise = noise
        self.segments = segments
    }
}
