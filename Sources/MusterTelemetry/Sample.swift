public import Foundation

/// One observation of a metric.
public struct Sample: Hashable, Sendable {
    public var time: Date
    public var value: Double

    public init(time: Date, value: Double) {
        self.time = time
        self.value = value
    }
}
