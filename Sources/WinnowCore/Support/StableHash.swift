/// FNV-1a, 64-bit: the same bytes hash the same in every process and on every machine (Swift's
/// `Hasher` is seeded per process, so it cannot be stored or used for reproducible samples).
public enum StableHash {
    public static func fnv1a(_ text: String, seed: UInt64 = 0) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// A number in [0, 1) from the text and the seed, evenly spread: for seeded random samples.
    public static func unitInterval(_ text: String, seed: UInt64) -> Double {
        var z = fnv1a(text, seed: seed)
        // A final mix (SplitMix64's), since FNV's low bits alone are not well spread.
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }
}
