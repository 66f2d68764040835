/// Seeded samples that are the same in every process and on every machine (Swift's `Hasher` is
/// seeded per process), built on the project's FNV-1a (`FNV1a`).
public enum StableHash {
    /// A number in [0, 1) from the text and the seed, evenly spread: for seeded random samples.
    public static func unitInterval(_ text: String, seed: UInt64) -> Double {
        var z = FNV1a.hash(text, seed: FNV1a.offset ^ seed)
        // A final mix (SplitMix64's), since FNV's low bits alone are not well spread.
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }
}
