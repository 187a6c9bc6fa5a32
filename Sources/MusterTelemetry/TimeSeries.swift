/// The samples of one metric name and label set, in time order.
public struct TimeSeries: Hashable, Sendable {
    public var name: String
    public var labels: [String: String]
    public var samples: [Sample]

    public init(name: String, labels: [String: String] = [:], samples: [Sample] = []) {
        self.name = name
        self.labels = labels
        self.samples = samples
    }
}
