import Foundation
import WinnowMath

/// The order within a group learned from pairs (Bradley-Terry), next to the pointwise ridge fit.
///
/// For a target fitted pointwise (`Learner.fitRidge`) on group-relative rows, the pairs of one group's
/// labeled items with different values give a second objective for the relative block (how an item
/// differs from its siblings): P(a ≻ b) = σ(w·(xₐ − x_b)), fitted with a Gaussian prior whose precision
/// the Laplace evidence chooses (`PairwiseLogistic`). The group mean cancels in a difference, so the pairs
/// say nothing about the level of a group; that part stays pointwise.
///
/// Which of the two orders a group better is decided from the data: a 3-fold cross-validation over the
/// training groups compares, on held-out pairs, the pairwise fit with the pointwise fit of the same block
/// (ridge on the rows and labels centred within their group, penalty by marginal likelihood). When the
/// pairwise fit orders more held-out pairs correctly, the target's relative weights become c·w, where the
/// scale c (labels per unit of pairwise score) is the least-squares slope of the labels on the pairwise
/// score within groups; the posterior of the relative block becomes c²·H⁻¹ (H the Laplace precision), and
/// the noise is re-estimated from the combined fit's residuals. Otherwise the pointwise fit stays. The
/// version's metrics say which (`objective`, `objective_chosen_by`, `inner_cv_pairwise`, `pairs`,
/// `lambda_pairwise`).
struct PairwiseObjective {
    /// Fewest within-group pairs, and groups with a pair, before the pairwise objective is tried.
    static let minimumPairs = 20
    static let minimumGroups = 6
    static let innerFolds = 3
    /// Pairs used at most (a deterministic thinning beyond it keeps a refit bounded).
    static let maximumPairs = 20_000

    struct Pair {
        var better: Int
        var worse: Int
        var group: Int32
    }

    /// Pairs of positions (indices into `y`) of one group with different values; `groups[i] < 0` is an
    /// item alone in its group.
    static func pairs(y: [Double], groups: [Int32]) -> [Pair] {
        var members: [Int32: [Int]] = [:]
        for (i, g) in groups.enumerated() where g >= 0 { members[g, default: []].append(i) }
        var result: [Pair] = []
        for g in members.keys.sorted() {
            let m = members[g]!
            for a in 0..<m.count {
                for b in (a + 1)..<m.count {
                    let i = m[a], j = m[b]
                    let scale = max(abs(y[i]), abs(y[j]), 1)
                    guard abs(y[i] - y[j]) > 1e-9 * scale else { continue }
                    result.append(y[i] > y[j] ? Pair(better: i, worse: j, group: g) : Pair(better: j, worse: i, group: g))
                }
            }
        }
        if result.count > maximumPairs {
            let stride = Double(result.count) / Double(maximumPairs)
            result = (0..<maximumPairs).map { result[Int(Double($0) * stride)] }
        }
        return result
    }

    /// Rows of the pairs' differences over `block` of the positions' learner rows.
    static func differences(_ pairs: [Pair], rows: [Float], use: [Int], width: Int, block: Range<Int>) -> [Float] {
        let d = block.count
        var z = [Float](repeating: 0, count: pairs.count * d)
        for (p, pair) in pairs.enumerated() {
            let a = use[pair.better] * width + block.lowerBound, b = use[pair.worse] * width + block.lowerBound
            for j in 0..<d { z[p * d + j] = rows[a + j] - rows[b + j] }
        }
        return z
    }

    /// Share of `pairs` that `score` (per position) orders as the labels do; a tie counts half.
    static func accuracy(_ pairs: [Pair], score: [Double]) -> (correct: Double, count: Int) {
        var correct = 0.0
        for p in pairs {
            let a = score[p.better], b = score[p.worse]
            if a > b { correct += 1 } else if a == b { correct += 0.5 }
        }
        return (correct, pairs.count)
    }

    /// The block's score of every position under weights `w`.
    static func scores(rows: [Float], use: [Int], width: Int, block: Range<Int>, _ w: [Double]) -> [Double] {
        use.map { r in
            var s = 0.0
            for (j, c) in block.enumerated() { s += Double(rows[r * width + c]) * w[j] }
            return s
        }
    }

    /// The pointwise fit of `block` alone: ridge (penalty by marginal likelihood) on the positions `train`,
    /// rows and labels centred within the positions' groups. Returns the block's weights.
    static func pointwiseBlock(rows: [Float], use: [Int], width: Int, block: Range<Int>, y: [Double], groups: [Int32],
                               train: [Int], seed: UInt64) -> [Double]? {
        let d = block.count
        var byGroup: [Int32: [Int]] = [:]
        for i in train where groups[i] >= 0 { byGroup[groups[i], default: []].append(i) }
        var centred: [Float] = []
        var targets: [Double] = []
        for g in byGroup.keys.sorted() {
            let m = byGroup[g]!
            guard m.count >= 2 else { continue }
            let yMean = m.reduce(0.0) { $0 + y[$1] } / Double(m.count)
            var xMean = [Double](repeating: 0, count: d)
            for i in m { for (j, c) in block.enumerated() { xMean[j] += Double(rows[use[i] * width + c]) } }
            for j in 0..<d { xMean[j] /= Double(m.count) }
            for i in m {
                for (j, c) in block.enumerated() { centred.append(Float(Double(rows[use[i] * width + c]) - xMean[j])) }
                targets.append(y[i] - yMean)
            }
        }
        guard targets.count >= 4 else { return nil }
        // No bias column (the centred labels have mean 0): `biasColumn` past the end.
        var learner = Learner(width: d, lambda: 1, biasColumn: d, samples: 0, seed: seed, choosePenalty: true)
        let spec = TargetSpec(id: "relative", kind: .ridge, low: -1, high: 1)
        return learner.fitRidge(spec: spec, rows: centred, use: Array(0..<targets.count), y: targets)?.weights
    }

    /// Tries the pairwise objective on `fit` (a ridge target fitted on `rows`/`use`/`y`); returns the fit
    /// to use (the pairwise one when the inner cross-validation prefers it) with the choice in its metrics.
    static func refine(_ fit: LinearFit, learner: inout Learner, rows: [Float], use: [Int], y: [Double], groups: [Int32],
                       seed: UInt64) -> LinearFit {
        var fit = fit
        let width = learner.width
        let block = learner.relativeStart..<width
        let all = pairs(y: y, groups: groups)
        let groupsWithPairs = Set(all.map(\.group))
        fit.metrics["pairs"] = .number(all.count)
        func pointwise(_ reason: String) -> LinearFit {
            fit.metrics["objective"] = .string("pointwise")
            fit.metrics["objective_chosen_by"] = .string(reason)
            return fit
        }
        guard !block.isEmpty else { return pointwise("no group-relative features") }
        guard all.count >= minimumPairs, groupsWithPairs.count >= minimumGroups else {
            return pointwise("too few within-group pairs (\(all.count) in \(groupsWithPairs.count) groups; \(minimumPairs) in \(minimumGroups) needed)")
        }
        // Inner cross-validation over groups: which objective orders held-out groups' pairs better.
        let foldOfGroup: (Int32) -> Int = { g in Int(FNV1a.mix(FNV1a.mix(FNV1a.offset, UInt32(truncatingIfNeeded: seed)), UInt32(bitPattern: g)) % UInt64(innerFolds)) }
        var pairwiseCorrect = 0.0, pointwiseCorrect = 0.0, tested = 0
        for f in 0..<innerFolds {
            let train = all.filter { foldOfGroup($0.group) != f }
            let test = all.filter { foldOfGroup($0.group) == f }
            guard !train.isEmpty, !test.isEmpty else { continue }
            let z = differences(train, rows: rows, use: use, width: width, block: block)
            guard let bt = PairwiseLogistic.fitChoosingPenalty(z: z, count: train.count, k: block.count) else { continue }
            let trainPositions = use.indices.filter { groups[$0] >= 0 && foldOfGroup(groups[$0]) != f }
            guard let pw = pointwiseBlock(rows: rows, use: use, width: width, block: block, y: y, groups: groups,
                                          train: trainPositions, seed: seed) else { continue }
            pairwiseCorrect += accuracy(test, score: scores(rows: rows, use: use, width: width, block: block, bt.weights)).correct
            pointwiseCorrect += accuracy(test, score: scores(rows: rows, use: use, width: width, block: block, pw)).correct
            tested += test.count
        }
        guard tested > 0 else { return pointwise("inner cross-validation could not fit") }
        let innerPairwise = pairwiseCorrect / Double(tested), innerPointwise = pointwiseCorrect / Double(tested)
        fit.metrics["inner_cv_pairwise"] = .object(JSONObject([
            "pointwise": .number(Learner.round(innerPointwise)), "pairwise": .number(Learner.round(innerPairwise)),
            "pairs": .number(tested),
        ]))
        guard innerPairwise > innerPointwise else { return pointwise("inner cross-validation") }

        let z = differences(all, rows: rows, use: use, width: width, block: block)
        guard let bt = PairwiseLogistic.fitChoosingPenalty(z: z, count: all.count, k: block.count) else {
            return pointwise("pairwise fit failed")
        }
        // Scale: labels per unit of pairwise score, within groups (both centred on the labeled members).
        let s = scores(rows: rows, use: use, width: width, block: block, bt.weights)
        var byGroup: [Int32: [Int]] = [:]
        for (i, g) in groups.enumerated() where g >= 0 { byGroup[g, default: []].append(i) }
        var sy = 0.0, ss = 0.0
        for m in byGroup.values where m.count >= 2 {
            let ms = m.reduce(0.0) { $0 + s[$1] } / Double(m.count), my = m.reduce(0.0) { $0 + y[$1] } / Double(m.count)
            for i in m {
                sy += (s[i] - ms) * (y[i] - my)
                ss += (s[i] - ms) * (s[i] - ms)
            }
        }
        guard ss > 0, sy > 0 else { return pointwise("pairwise score does not rise with the labels") }
        let c = sy / ss
        for (j, col) in block.enumerated() { fit.weights[col] = c * bt.weights[j] }
        // Posterior draws: the pointwise fit's own block (its draws times σ), the pairwise block c·L⁻ᵀε.
        let old = learner.directionSets[fit.directionSet]
        var gauss = GaussianSource(seed: seed &+ 0x5041_4952 &+ UInt64(learner.directionSets.count))
        var set: [[Double]] = []
        for u in old {
            var v = u.map { $0 * fit.sigma }
            let e = (0..<block.count).map { _ in gauss.next() }
            let draw = LinearAlgebra.backward(bt.chol, block.count, e)
            for (j, col) in block.enumerated() { v[col] = c * draw[j] }
            set.append(v)
        }
        fit.directionSet = learner.addDirections(custom: set)
        fit.sigma = 1
        // Noise from the combined fit's residuals.
        var rss = 0.0
        var fitted = [Double](repeating: 0, count: use.count)
        for (i, r) in use.enumerated() {
            var p = 0.0
            for j in 0..<width { p += Double(rows[r * width + j]) * fit.weights[j] }
            fitted[i] = p
            rss += (y[i] - p) * (y[i] - p)
        }
        let yMean = y.reduce(0, +) / Double(y.count)
        let yVar = y.reduce(0) { $0 + ($1 - yMean) * ($1 - yMean) } / Double(y.count)
        let noise2 = max(rss / max(Double(use.count) - fit.df, 1), Learner.noiseFloorShare * yVar)
        fit.noise = noise2.squareRoot()
        fit.metrics["objective"] = .string("pairwise")
        fit.metrics["objective_chosen_by"] = .string("inner cross-validation")
        fit.metrics["lambda_pairwise"] = .number(Learner.round(bt.lambda))
        fit.metrics["lambda_pairwise_chosen_by"] = .string("Laplace evidence")
        fit.metrics["pairwise_scale"] = .number(Learner.round(c))
        fit.metrics["sigma"] = .number(Learner.round(fit.noise))
        fit.metrics["train_rmse"] = .number(Learner.round((rss / Double(use.count)).squareRoot()))
        fit.metrics["train_spearman"] = spearman(fitted, y).map { .number(Learner.round($0)) } ?? .null
        return fit
    }
}
