import Foundation

/// How much an item's place in the pool's ranking is in doubt: the share of the pool whose predicted
/// overall score lies within one predictive std of the item's own prediction (itself included).
///
/// Why the queue uses this and not the std alone: the pool is ranked and filtered by its overall score,
/// so a label is worth most where a wrong prediction would move an item past many others. The std alone
/// is largest for items unlike anything labeled — mostly rare defects at the low end of the range, where a
/// wrong score passes few other items — and a queue led by it labels the crowded middle too little, which
/// also skews the fit (in `winnow simulate` it fell behind random). Counting the items inside the band
/// weighs the std by how crowded the ranking is there (for a small std about 2·std·density): an uncertain
/// item among many similar scores comes first, an equally uncertain outlier later, and a certain item
/// last. It needs no parameter and is at most 1.
enum RankUncertainty {
    /// `mean[i]`, `std[i]`: the prediction of the overall score for pool row i and its std.
    static func shares(mean: [Float], std: [Float]) -> [Float] {
        let n = mean.count
        guard n > 0 else { return [] }
        let sorted = mean.sorted()
        /// The number of predictions below `x` (or at most `x` when `inclusive`).
        func count(below x: Float, inclusive: Bool) -> Int {
            var low = 0, high = n
            while low < high {
                let middle = (low + high) / 2
                if sorted[middle] < x || (inclusive && sorted[middle] == x) { low = middle + 1 } else { high = middle }
            }
            return low
        }
        return (0..<n).map { i in
            let band = max(std[i], 0)
            let inside = count(below: mean[i] + band, inclusive: true) - count(below: mean[i] - band, inclusive: false)
            return Float(inside) / Float(n)
        }
    }
}
