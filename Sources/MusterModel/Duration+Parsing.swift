internal import Foundation

/// Durations as scenarios write them: `[-]` then `<number><unit>` groups, units d, h, m, s (`1h30m`, `-2h`, `1.5h`).
public enum DurationText {
    /// Parses a duration (`90m`, `1h30m`, `-2h`, `45s`, `50ms`) into seconds; nil when it is not one.
    public static func seconds(_ text: String) -> Double? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var sign = 1.0
        if rest.hasPrefix("-") {
            sign = -1
            rest = rest.dropFirst()
        } else if rest.hasPrefix("+") {
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber || $0 == "." }
            guard !digits.isEmpty, let value = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = rest.first else { return nil }
            let scale: Double
            var divisor = 1.0
            switch unit {
            case "d": scale = 86_400
            case "h": scale = 3600
            case "m" where rest.dropFirst().first == "s":
                scale = 1
                divisor = 1000
                rest = rest.dropFirst()
            case "m": scale = 60
            case "s": scale = 1
            default: return nil
            }
            rest = rest.dropFirst()
            total += value * scale / divisor
        }
        return sign * total
    }

    /// Formats seconds compactly: `8m`, `1h30m`, `-2h`, `45s`, `0s`.
    public static func format(_ seconds: Double) -> String {
        let sign = seconds < 0 ? "-" : ""
        var rest = Int(abs(seconds).rounded())
        if rest == 0 { return "0s" }
        var text = ""
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return sign + text
    }
}
