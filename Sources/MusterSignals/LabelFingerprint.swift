/// Alertmanager's fingerprint of a label set, for alerts that arrive without one.
///
/// Same algorithm as Prometheus `model.LabelSet.Fingerprint`: FNV-1a 64 over the names in sorted
/// order, each name and value followed by the byte 0xFF, rendered as 16 lowercase hex digits.
public enum LabelFingerprint {
    /// The fingerprint of `labels`; stable across runs and processes.
    public static func of(_ labels: [String: String]) -> String {
        var hash: UInt64 = 14_695_981_039_346_656_037
        func add(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 1_099_511_628_211
        }
        for name in labels.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            for byte in name.utf8 { add(byte) }
            add(0xFF)
            for byte in labels[name, default: ""].utf8 { add(byte) }
            add(0xFF)
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
