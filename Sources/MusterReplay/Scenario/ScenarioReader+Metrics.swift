internal import Foundation
internal import MusterModel
internal import MusterTelemetry
internal import MusterYAML

extension ScenarioReader {
    /// The `metrics` block: sample grid and piecewise series.
    func metrics(_ node: YAMLNode) throws -> MetricsSpec {
        let fields = try fields(node, "metrics")
        try fields.rejectUnknownKeys(allowed: ["step", "from", "to", "series"])
        let step = try fields.duration("step")
        guard step > 0 else { throw error(try fields.required("step"), "metrics.step", "must be positive") }
        let from = try offset(fields, "from")
        let to = try offset(fields, "to")
        guard from.seconds < to.seconds else {
            throw error(try fields.required("to"), "metrics.to", "must be after metrics.from")
        }
        let items = try list(try fields.required("series"), "metrics.series")
        let series = try items.enumerated().map { index, item in try self.series(item, "metrics.series[\(index)]") }
        return MetricsSpec(step: step, from: from.date, to: to.date, series: series)
    }

    private func series(_ node: YAMLNode, _ path: String) throws -> SeriesSpec {
        let fields = try fields(node, path)
        try fields.rejectUnknownKeys(allowed: ["name", "type", "labels", "noise", "segments"])
        let name = try fields.string("name")
        let words = MetricKind.allCases.map(\.rawValue)
        let kind = MetricKind(rawValue: try word(fields, "type", in: words, what: "a series type")) ?? .gauge
        var labels: [String: String] = [:]
        if let node = fields.optional("labels") {
            let labelFields = try self.fields(node, fields.path(of: "labels"))
            for (key, value) in node.mapping ?? [] {
                guard let text = value.scalar else {
                    throw error(value, labelFields.path(of: key), "expected a scalar label value")
                }
                labels[key] = text
            }
        }
        let noise = try fields.optionalDouble("noise") ?? 0
        guard noise >= 0 else {
            throw error(try fields.required("noise"), fields.path(of: "noise"), "must not be negative")
        }
        let items = try list(try fields.required("segments"), fields.path(of: "segments"))
        guard !items.isEmpty else {
            throw error(try fields.required("segments"), fields.path(of: "segments"), "is empty")
        }
        var segments: [SegmentSpec] = []
        var previous: TimeInterval?
        for (index, item) in items.enumerated() {
            let segmentPath = "\(fields.path(of: "segments"))[\(index)]"
            let (segment, seconds) = try self.segment(item, segmentPath, kind: kind)
            if let previous, seconds < previous {
                throw error(
                    item["from"] ?? item, "\(segmentPath).from", "must not be before the previous segment's from")
            }
            previous = seconds
            segments.append(segment)
        }
        return SeriesSpec(name: name, kind: kind, labels: labels, noise: noise, segments: segments)
    }

    /// A counter segment has `rate` only; a gauge segment has `value` and optionally `ramp_to`.
    private func segment(_ node: YAMLNode, _ path: String, kind: MetricKind) throws -> (SegmentSpec, TimeInterval) {
        let fields = try fields(node, path)
        let from = try offset(fields, "from")
        switch kind {
        case .counter:
            try fields.rejectUnknownKeys(allowed: ["from", "rate"])
            guard let rate = try fields.optionalDouble("rate") else {
                throw error(node, fields.path(of: "rate"), "a counter segment needs a rate (per-second increase)")
            }
            return (SegmentSpec(from: from.date, rate: rate, value: nil, rampTo: nil), from.seconds)
        case .gauge:
            try fields.rejectUnknownKeys(allowed: ["from", "value", "ramp_to"])
            guard let value = try fields.optionalDouble("value") else {
                throw error(node, fields.path(of: "value"), "a gauge segment needs a value")
            }
            let rampTo = try fields.optionalDouble("ramp_to")
            return (SegmentSpec(from: from.date, rate: nil, value: value, rampTo: rampTo), from.seconds)
        }
    }
}
