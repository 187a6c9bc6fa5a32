internal import MusterModel

/// The metric generator's use of SplitMix64: deterministic noise per sample and stable seeds from names.
extension SplitMix64 {
    /// A value in [-1, 1] drawn from the stream seeded by `seed` and `index` (stateless per sample).
    static func jitter(seed: UInt64, index: Int) -> Double {
        var generator = SplitMix64(seed: seed ^ (UInt64(bitPattern: Int64(index)) &* 0xD1B5_4A32_D192_ED03))
        let unit = Double(generator.next() >> 11) / Double(1 << 53)
        return unit * 2 - 1
    }

    /// A stable 64-bit FNV-1a hash of `text` (Swift's `Hasher` is seeded per process, so unusable here).
    static func seed(_ text: String) -> UInt64 {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 1_099_511_628_211
        }
        return hash
    }
}
