/// SplitMix64: a tiny, fast, seedable generator; the metric generator's source of deterministic noise.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

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
