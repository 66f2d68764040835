import Foundation

/// What the reward model is measured against in `winnow model report`: orders that need no model.
///
/// - `length`: the answer's length (`response_chars`), longer ranked higher, no training at all.
/// - `best single feature`: one dense feature with a sign, chosen on each cross-validation fold's training
///   items (the feature and sign with the highest within-group pairwise accuracy there, or the highest
///   Spearman when no group has two labeled items) and applied to the fold's held-out items. Choosing on
///   the held-out items would flatter it; this is the same protocol as the model's.
///
/// Both are scored with `EvaluationMetrics` on the model's held-out items, on the overall score.
public struct Baseline: Sendable, Equatable {
    public var name: String
    public var metrics: EvaluationMetrics
    /// The feature (with its sign: `-name` when lower is better) chosen on all labels, for the best single
    /// feature; and how many folds chose that one.
    public var feature: String?
    public var foldsAgreeing: Int?

    public func json() -> JSONValue {
        var o = JSONObject()
        if let feature { o["feature"] = .string(feature) }
        if let foldsAgreeing { o["folds_choosing_it"] = .number(foldsAgreeing) }
        o["count"] = .number(metrics.count)
        o["spearman"] = EvaluationMetrics.number(metrics.spearmanOf(RewardModel.overallTarget))
        o["pairwise_accuracy"] = EvaluationMetrics.number(metrics.pairwiseAccuracy)
        o["pairs"] = .number(metrics.pairs)
        return .object(o)
    }

    static let overallSpec = TargetSpec(id: RewardModel.overallTarget, kind: .ridge, low: 0, high: 1)
    public static let lengthFeature = "response_chars"

    /// The value of dense feature `index` (raw, as cached) of every item in `ids`.
    static func column(_ index: Int, ids: [Int64], matrix: FeatureMatrix) -> [Int64: Double] {
        let k = matrix.width, column = matrix.denseOffset + index
        var result: [Int64: Double] = [:]
        for id in ids { if let r = matrix.row[id] { result[id] = Double(matrix.values[r * k + column]) } }
        return result
    }

    static func predictions(_ values: [Int64: Double], sign: Double) -> [Int64: [String: Estimate]] {
        values.mapValues { [RewardModel.overallTarget: Estimate(mean: sign * $0, std: 0)] }
    }

    /// The length baseline over `items` (the held-out items with a prediction).
    public static func length(items: [Int64], targets: [Int64: ItemTargets], matrix: FeatureMatrix,
                              groupOf: (Int64) -> String?) -> Baseline {
        let index = FeatureExtractor.denseNames.firstIndex(of: lengthFeature)!
        let p = predictions(column(index, ids: items, matrix: matrix), sign: 1)
        let metrics = EvaluationMetrics.compute(items: items, predictions: p, targets: targets, specs: [overallSpec], groupOf: groupOf)
        return Baseline(name: "length", metrics: withoutCoverage(metrics), feature: lengthFeature, foldsAgreeing: nil)
    }

    /// The best single dense feature, chosen per fold on the training items (`foldOf`), over `items`.
    public static func bestSingleFeature(items: [Int64], targets: [Int64: ItemTargets], matrix: FeatureMatrix,
                                         foldOf: [Int64: Int], k: Int, groupOf: (Int64) -> String?) -> Baseline {
        let withTarget = items.filter { targets[$0]?.overall != nil }
        let columns = (0..<FeatureExtractor.denseCount).map { column($0, ids: withTarget, matrix: matrix) }
        var predictions: [Int64: [String: Estimate]] = [:]
        var chosen: [(Int, Double)] = []
        for f in 0..<k {
            let heldOut = withTarget.filter { foldOf[$0] == f }
            guard !heldOut.isEmpty else { continue }
            let train = withTarget.filter { foldOf[$0] != f }
            guard let (index, sign) = choose(train: train, columns: columns, targets: targets, groupOf: groupOf) else { continue }
            chosen.append((index, sign))
            for id in heldOut { predictions[id] = [RewardModel.overallTarget: Estimate(mean: sign * columns[index][id]!, std: 0)] }
        }
        let metrics = EvaluationMetrics.compute(items: items, predictions: predictions, targets: targets, specs: [overallSpec], groupOf: groupOf)
        let overall = choose(train: withTarget, columns: columns, targets: targets, groupOf: groupOf)
        let name = overall.map { ($0.1 < 0 ? "-" : "") + FeatureExtractor.denseNames[$0.0] }
        let agreeing = overall.map { o in chosen.filter { $0 == o }.count }
        return Baseline(name: "best_single_feature", metrics: withoutCoverage(metrics), feature: name, foldsAgreeing: agreeing)
    }

    /// The feature and sign that order `train` best: within-group pairwise accuracy, else Spearman; ties go
    /// to the earlier feature, then to the positive sign. Nil when no feature has a defined figure.
    static func choose(train: [Int64], columns: [[Int64: Double]], targets: [Int64: ItemTargets],
                       groupOf: (Int64) -> String?) -> (Int, Double)? {
        var byGroup: [String: [Int64]] = [:]
        for id in train { if let g = groupOf(id) { byGroup[g, default: []].append(id) } }
        let groups = byGroup.keys.sorted().map { byGroup[$0]! }.filter { $0.count >= 2 }
        let y = train.map { targets[$0]!.overall! }
        var best: (score: Double, index: Int, sign: Double)?
        for (index, values) in columns.enumerated() {
            var score: Double?
            var correct = 0.0, pairs = 0
            for members in groups {
                for i in 0..<members.count {
                    for j in (i + 1)..<members.count {
                        let ti = targets[members[i]]!.overall!, tj = targets[members[j]]!.overall!
                        guard ti != tj else { continue }
                        pairs += 1
                        let pi = values[members[i]]!, pj = values[members[j]]!
                        if pi == pj { correct += 0.5 } else if (pi < pj) == (ti < tj) { correct += 1 }
                    }
                }
            }
            if pairs > 0 {
                score = correct / Double(pairs)
            } else if let rho = spearman(train.map { values[$0]! }, y) {
                score = (rho + 1) / 2
            }
            guard let score else { continue }
            // Reversing the sign turns accuracy a into 1 − a (ties stay half).
            for (s, sign) in [(score, 1.0), (1 - score, -1.0)] where best == nil || s > best!.score + 1e-12 {
                best = (s, index, sign)
            }
        }
        return best.map { ($0.index, $0.sign) }
    }

    static func withoutCoverage(_ m: EvaluationMetrics) -> EvaluationMetrics {
        var m = m
        m.coverage = nil
        m.coverageCount = 0
        return m
    }
}
