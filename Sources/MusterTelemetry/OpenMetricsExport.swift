internal import Foundation

/// Renders a `MetricStore` as OpenMetrics text, e.g. for `promtool tsdb create-blocks-from openmetrics`.
///
/// Families are sorted by name and series by labels; every sample carries its timestamp in seconds.
/// A counter whose name ends in `_total` is declared as family `name` minus `_total`, as OpenMetrics
/// requires; a counter without the suffix is declared `unknown` so its name survives unchanged.
public enum OpenMetricsExport {
    /// The whole store as one OpenMetrics exposition, ending with `# EOF`.
    public static func render(_ store: MetricStore) -> String {
        var lines: [String] = []
        for name in store.metricNames {
            let kind = store.kind(of: name)
            switch kind {
            case .counter where name.hasSuffix("_total"):
                lines.append("# TYPE \(name.dropLast("_total".count)) counter")
            case .gauge:
                lines.append("# TYPE \(name) gauge")
            default:
                lines.append("# TYPE \(name) unknown")
            }
            for series in store.allSeries(named: name) {
                let labels = renderLabels(series.labels)
                for sample in series.samples {
                    lines.append(
                        "\(name)\(labels) \(renderNumber(sample.value)) \(renderNumber(sample.time.timeIntervalSince1970))"
                    )
                }
            }
        }
        lines.append("# EOF")
        return lines.joined(separator: "\n") + "\n"
    }

    static func renderLabels(_ labels: [String: String]) -> String {
        guard !labels.isEmpty else { return "" }
        let pairs = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(escape($0.value))\"" }
        return "{" + pairs.joined(separator: ",") + "}"
    }

    static func escape(_ value: String) -> String {
        var text = ""
        for character in value {
            switch character {
            case "\\": text += "\\\\"
            case "\"": text += "\\\""
            case "\n": text += "\\n"
            default: text.append(character)
            }
        }
        return text
    }

    /// Integers without a fraction, others in Swift's shortest round-trip form; NaN and infinities spelled out.
    static func renderNumber(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
