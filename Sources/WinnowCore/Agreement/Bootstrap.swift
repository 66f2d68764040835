/// A percentile bootstrap interval: the 2.5th and 97.5th percentiles (for 95%) of a statistic over
/// resamples of the items, and how many resamples left the statistic undefined (those are not in the
/// percentiles). `low`/`high` are nil when every resample was undefined.
public struct BootstrapInterval: Sendable, Equatable {
    public var low: Double?
    public var high: Double?
    public var undefined: Int

    public init(low: Double?, high: Double?, undefined: Int) {
        self.low = low
        self.high = high
        self.undefined = undefined
    }
}

enum Bootstrap {
    /// Resamples the table's items with replacement `resamples` times (each resample as many items as
    /// the table has, drawn with `generator`) and evaluates every statistic on each resample. Returns one
    /// interval per statistic, at `confidence` (0.95: the 2.5th and 97.5th percentiles, interpolated
    /// linearly between order statistics as numpy's default `percentile`).
    ///
    /// Cost: O(resamples × (items + patterns × q²)); the items' count patterns are computed once.
    static func percentileIntervals(
        _ patterns: CountPatterns, resamples: Int, confidence: Double = 0.95, generator: inout SeededGenerator,
        statistics: [(CountPatterns, [Double]) -> Double?]
    ) -> [BootstrapInterval] {
        let itemCount = patterns.patternOfItem.count
        var values = [[Double]](repeating: [], count: statistics.count)
        var undefined = [Int](repeating: 0, count: statistics.count)
        guard itemCount > 0 else {
            return statistics.map { _ in BootstrapInterval(low: nil, high: nil, undefined: resamples) }
        }
        var weights = [Double](repeating: 0, count: patterns.patternCount)
        for _ in 0..<resamples {
            for p in weights.indices { weights[p] = 0 }
            for _ in 0..<itemCount {
                weights[patterns.patternOfItem[uniformIndex(below: itemCount, using: &generator)]] += 1
            }
            for (s, statistic) in statistics.enumerated() {
                if let value = statistic(patterns, weights), value.isFinite {
                    values[s].append(value)
                } else {
                    undefined[s] += 1
                }
            }
        }
        let tail = (1 - confidence) / 2
        return statistics.indices.map { s in
            let sorted = values[s].sorted()
            return BootstrapInterval(
                low: percentile(sorted, tail), high: percentile(sorted, 1 - tail), undefined: undefined[s])
        }
    }

    /// A uniform index in 0..<n from the generator's next 64 bits (the high word of a 64×64-bit
    /// product: the same on every machine and Swift version, unlike `Int.random(in:using:)`).
    static func uniformIndex(below n: Int, using generator: inout SeededGenerator) -> Int {
        Int(UInt64(n).multipliedFullWidth(by: generator.next()).high)
    }

    /// The p-quantile of sorted values, interpolating linearly between order statistics (numpy's
    /// default); nil for no values.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let h = Double(sorted.count - 1) * p
        let low = Int(h.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        return sorted[low] + (h - Double(low)) * (sorted[high] - sorted[low])
    }
}
