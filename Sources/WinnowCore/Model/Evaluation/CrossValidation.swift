import Foundation
import GRDB

/// What the evaluation needs to know of an item: its candidate group and its image (items that share
/// either must never be split between training and held-out data).
public struct EvaluationItem: Sendable, Equatable {
    public var id: Int64
    public var group: String
    public var image: String?

    public init(id: Int64, group: String, image: String?) {
        self.id = id
        self.group = group
        self.image = image
    }


}

/// `spearman` from outside `EvaluationMetrics` (whose `spearman` member hides it there).
private func rankCorrelation(_ a: [Double], _ b: [Double]) -> Double? { spearman(a, b) }

/// One prediction of one target for one item.
public struct Estimate: Sendable, Equatable {
    public var mean: Double
    public var std: Double
    public init(mean: Double, std: Double) {
        self.mean = mean
        self.std = std
    }
}

/// Held-out quality of a set of predictions: Spearman per target, within-group pairwise accuracy on
/// the overall score, and coverage of the nominal 95% intervals of the ridge targets.
public struct EvaluationMetrics: Sendable, Equatable {
    /// Items with a prediction and at least one target.
    public var count: Int
    /// Target id (`overall` first, then criteria in rubric order) → Spearman, nil when undefined.
    public var spearman: [(id: String, value: Double?)]
    /// Share of within-group pairs with different overall targets that the prediction orders the same
    /// way; a tied prediction counts half.
    public var pairwiseAccuracy: Double?
    public var pairs: Int
    /// Share of ridge targets (scales, overall) inside mean ± 1.96·std.
    public var coverage: Double?
    public var coverageCount: Int
    public static let nominalCoverage = 0.95
    public static let z = 1.96
    /// Fewest pairs (item, target) for a Spearman.
    public static let minimumForSpearman = 5

    public static func == (a: EvaluationMetrics, b: EvaluationMetrics) -> Bool {
        a.count == b.count && a.spearman.map(\.id) == b.spearman.map(\.id) && a.spearman.map(\.value) == b.spearman.map(\.value)
            && a.pairwiseAccuracy == b.pairwiseAccuracy && a.pairs == b.pairs && a.coverage == b.coverage
            && a.coverageCount == b.coverageCount
    }

    public func spearmanOf(_ id: String) -> Double? { spearman.first { $0.id == id }?.value ?? nil }

    /// `{"count", "spearman": {TARGET: x}, "pairwise_accuracy", "pairs", "coverage", "nominal_coverage", "coverage_n"}`.
    public func json() -> JSONValue {
        var s = JSONObject()
        for (id, value) in spearman { s[id] = EvaluationMetrics.number(value) }
        return .object(JSONObject([
            "count": .number(count), "spearman": .object(s), "pairwise_accuracy": EvaluationMetrics.number(pairwiseAccuracy),
            "pairs": .number(pairs), "coverage": EvaluationMetrics.number(coverage),
            "nominal_coverage": .number(EvaluationMetrics.nominalCoverage), "coverage_n": .number(coverageCount),
        ]))
    }

    static func number(_ x: Double?) -> JSONValue {
        guard let x, x.isFinite else { return .null }
        return .number((x * 10_000).rounded() / 10_000)
    }

    /// Truth of one target for one item's targets.
    static func truth(_ spec: TargetSpec, _ t: ItemTargets) -> Double? {
        if spec.id == RewardModel.overallTarget { return t.overall }
        switch t.criteria[spec.id] {
        case .number(let n): return n
        case .flag(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// Metrics of `predictions` (item → target id → estimate) against `targets`, over `items` only.
    public static func compute(items: [Int64], predictions: [Int64: [String: Estimate]], targets: [Int64: ItemTargets],
                               specs: [TargetSpec], groupOf: (Int64) -> String?) -> EvaluationMetrics {
        let items = items.filter { predictions[$0] != nil && targets[$0] != nil }.sorted()
        var spearmans: [(id: String, value: Double?)] = []
        var covered = 0, coverageCount = 0
        for spec in specs {
            var p: [Double] = [], y: [Double] = []
            for id in items {
                guard let e = predictions[id]?[spec.id], let t = truth(spec, targets[id]!) else { continue }
                p.append(e.mean)
                y.append(t)
                if spec.kind == .ridge {
                    coverageCount += 1
                    if abs(t - e.mean) <= z * e.std { covered += 1 }
                }
            }
            spearmans.append((spec.id, p.count >= minimumForSpearman ? rankCorrelation(p, y) : nil))
        }
        // Pairwise accuracy within groups, on the overall score.
        var byGroup: [String: [(Double, Double)]] = [:]
        for id in items {
            guard let e = predictions[id]?[RewardModel.overallTarget], let t = targets[id]?.overall, let g = groupOf(id) else { continue }
            byGroup[g, default: []].append((e.mean, t))
        }
        var score = 0.0, pairs = 0
        for key in byGroup.keys.sorted() {
            let members = byGroup[key]!
            for i in 0..<members.count {
                for j in (i + 1)..<members.count where members[i].1 != members[j].1 {
                    pairs += 1
                    let truthOrder = members[i].1 < members[j].1
                    if members[i].0 == members[j].0 { score += 0.5 } else if (members[i].0 < members[j].0) == truthOrder { score += 1 }
                }
            }
        }
        return EvaluationMetrics(
            count: items.count, spearman: spearmans, pairwiseAccuracy: pairs > 0 ? score / Double(pairs) : nil, pairs: pairs,
            coverage: coverageCount > 0 ? Double(covered) / Double(coverageCount) : nil, coverageCount: coverageCount)
    }
}

/// Grouped k-fold cross-validation of the reward model, fitted exactly as the worker fits it.
public enum CrossValidation {
    /// Splits `items` into `k` folds so that items sharing a group or an image are in the same fold
    /// (union-find), balancing `weight` (labels) per fold. Components go, largest first (ties in a seeded
    /// order), to the fold with the least weight so far. Returns item id → fold (0..<k).
    public static func folds(items: [EvaluationItem], k: Int, seed: UInt64, weight: (Int64) -> Int = { _ in 1 }) -> [Int64: Int] {
        let components = self.components(items)
        var generator = SeededGenerator(seed: seed ^ 0x464F_4C44_53)
        let tie = components.map { _ in generator.next() }
        let weights = components.map { $0.reduce(0) { $0 + weight($1) } }
        let order = components.indices.sorted { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : tie[$0] < tie[$1] }
        var load = [Int](repeating: 0, count: max(k, 1))
        var result: [Int64: Int] = [:]
        for c in order {
            let f = load.indices.min { load[$0] != load[$1] ? load[$0] < load[$1] : $0 < $1 }!
            load[f] += weights[c]
            for id in components[c] { result[id] = f }
        }
        return result
    }

    /// Connected components of "shares a group or an image", each sorted by id; in order of their smallest id.
    public static func components(_ items: [EvaluationItem]) -> [[Int64]] {
        let items = items.sorted { $0.id < $1.id }
        var parent = Array(items.indices)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        func union(_ a: Int, _ b: Int) {
            let ra = find(a), rb = find(b)
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
        }
        var firstOfGroup: [String: Int] = [:]
        var firstOfImage: [String: Int] = [:]
        for (i, item) in items.enumerated() {
            if let j = firstOfGroup[item.group] { union(i, j) } else { firstOfGroup[item.group] = i }
            if let image = item.image, !image.isEmpty {
                if let j = firstOfImage[image] { union(i, j) } else { firstOfImage[image] = i }
            }
        }
        var byRoot: [Int: [Int64]] = [:]
        var roots: [Int] = []
        for i in items.indices {
            let r = find(i)
            if byRoot[r] == nil { roots.append(r) }
            byRoot[r, default: []].append(items[i].id)
        }
        return roots.map { byRoot[$0]! }
    }

    /// Out-of-fold predictions: per fold, `RewardModel.fit` on the labels of the other folds, then the
    /// fold's items are predicted. Items of a fold whose training part is too small for a model get none.
    public struct Result: Sendable {
        public var predictions: [Int64: [String: Estimate]]
        /// Every target the rubric gives (fitted or not), in `RewardModel.targetSpecs` order.
        public var specs: [TargetSpec]
        public var targets: [Int64: ItemTargets]
        /// Labeled items (with a target and a feature row) that took part.
        public var items: [Int64]
        public var foldsFitted: Int
    }

    /// `foldDone` is told after each fold (fitted or not), for progress.
    public static func run(labels: [TargetLabel], rubric: Rubric, matrix: FeatureMatrix, foldOf: [Int64: Int], k: Int,
                           options: RewardModel.Options, foldDone: () -> Void = {}) -> Result {
        let targets = Targets.compute(labels: labels, rubric: rubric, useImported: options.useImported)
        let items = targets.keys.filter { matrix.row[$0] != nil && foldOf[$0] != nil }.sorted()
        var predictions: [Int64: [String: Estimate]] = [:]
        var fitted = 0
        for f in 0..<k {
            defer { foldDone() }
            let heldOut = items.filter { foldOf[$0] == f }
            guard !heldOut.isEmpty else { continue }
            let train = labels.filter { foldOf[$0.itemId] != f }
            guard let model = RewardModel.fit(labels: train, rubric: rubric, matrix: matrix, options: options) else { continue }
            fitted += 1
            let output = model.scorer.score(matrix: matrix, mean: model.mean, scale: model.scale)
            let specs = model.scorer.fits.map(\.spec)
            for id in heldOut {
                let r = matrix.row[id]!
                var estimates: [String: Estimate] = [:]
                for (c, spec) in specs.enumerated() {
                    estimates[spec.id] = Estimate(mean: Double(output.mean[c][r]), std: Double(output.std[c][r]))
                }
                predictions[id] = estimates
            }
        }
        return Result(predictions: predictions, specs: RewardModel.targetSpecs(rubric), targets: targets, items: items, foldsFitted: fitted)
    }

    /// A seeded subsample of `share` of the labeled items (all their labels), for the learning curve.
    public static func subsample(labels: [TargetLabel], share: Double, seed: UInt64) -> [TargetLabel] {
        let ids = Array(Set(labels.map(\.itemId))).sorted()
        var generator = SeededGenerator(seed: seed ^ 0x4355_5256_45)
        let shuffled = ids.shuffled(using: &generator)
        let keep = Set(shuffled.prefix(Int((Double(ids.count) * share).rounded())))
        return labels.filter { keep.contains($0.itemId) }
    }
}
