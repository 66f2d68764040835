import Foundation
import GRDB

/// `winnow model report`: how good the current reward model is, measured honestly.
///
/// - Cross-validation with folds grouped by candidate group and by image (`CrossValidation.folds`), each
///   fold fitted with the worker's `RewardModel.fit` on the other folds' labels; metrics of the pooled
///   out-of-fold predictions (`EvaluationMetrics`).
/// - The same metrics over the randomly explored items alone (first served with reason `explore`): the
///   uncertainty-first queue picks hard items, which biases the pooled figures.
/// - A learning curve: the same CV on seeded subsamples of 25, 50, 75 and 100% of the labeled items.
/// - The strongest features: the overall target's largest standardized weights, refitted on all labels.
public struct ModelReport: Sendable {
    public struct CurvePoint: Sendable, Equatable {
        public var share: Double
        public var labels: Int
        public var metrics: EvaluationMetrics
    }

    public struct Feature: Sendable, Equatable {
        public var name: String
        public var weight: Double
    }

    public var modelVersion: Int64
    public var rubricName: String
    /// Labeled items the evaluation used (with a target and features).
    public var labels: Int
    public var folds: Int
    public var seed: UInt64
    public var cv: EvaluationMetrics
    /// Over the explored items only; `explored.count` is how many of them were held out and predicted.
    public var explored: EvaluationMetrics
    /// Labeled items first served as `explore`.
    public var exploredLabeled: Int
    public var learningCurve: [CurvePoint]
    public var topFeatures: [Feature]
    /// Orders that need no model, on the same held-out items (`Baseline`): `length`, `best_single_feature`.
    public var baselines: [Baseline] = []

    public static let shares = [0.25, 0.5, 0.75, 1.0]

    /// The report for the current model, or nil when there is none. `rubric` overrides the model's own
    /// (from `model_version.rubric_hash`). `seed` defaults to the config's seed.
    /// `progress` is told (fits done, fits in all): one per fold of each learning-curve share, and the final fit.
    public static func make(store: Store, rubric: Rubric? = nil, folds k: Int = 5, seed: UInt64? = nil,
                            topCount: Int = 10, progress: ((Int, Int) -> Void)? = nil) throws -> ModelReport? {
        guard let version = try ModelVersion.current(store: store) else { return nil }
        let seed = try seed ?? UInt64(Config(store: store).integer(.seed))
        let useImported = version.metrics.objectValue?["use_imported"]?.boolValue ?? false
        let matrix = FeatureMatrix(foldedBuckets: RewardModel.Options().foldedBuckets)
        let (rubric, labels, items, explored) = try store.read { db -> (Rubric, [TargetLabel], [Int64: EvaluationItem], Set<Int64>) in
            let rubric = try rubric ?? storedRubric(db, hash: version.rubricHash)
            let (labels, _) = try Targets.labels(db, rubric: rubric, useImported: useImported)
            try matrix.update(db)
            let explored = try LeaseQueries.exploredItems(db)
            return (rubric, labels, try EvaluationItem.all(db), explored)
        }
        var options = RewardModel.Options(useImported: useImported)
        options.seed = seed
        return evaluate(labels: labels, rubric: rubric, matrix: matrix, items: items, explored: explored, folds: k, seed: seed,
                        options: options, modelVersion: version.id, topCount: topCount, progress: progress)
    }

    /// The report from labels and features in memory (what `make` reads from the database).
    public static func evaluate(labels: [TargetLabel], rubric: Rubric, matrix: FeatureMatrix, items: [Int64: EvaluationItem],
                                explored: Set<Int64>, folds k: Int, seed: UInt64, options: RewardModel.Options,
                                modelVersion: Int64, topCount: Int = 10, progress: ((Int, Int) -> Void)? = nil) -> ModelReport {
        let fits = shares.count * k + 1
        var fitsDone = 0
        progress?(0, fits)
        let targets = Targets.compute(labels: labels, rubric: rubric, useImported: options.useImported)
        let labeled = targets.keys.filter { matrix.row[$0] != nil && items[$0] != nil }.sorted()
        var perItem: [Int64: Int] = [:]
        for label in labels { perItem[label.itemId, default: 0] += 1 }
        let foldOf = CrossValidation.folds(items: labeled.map { items[$0]! }, k: k, seed: seed, weight: { perItem[$0] ?? 0 })
        let groupOf: (Int64) -> String? = { items[$0]?.group }

        var curve: [CurvePoint] = []
        var full: CrossValidation.Result?
        for share in shares {
            let subset = share >= 1 ? labels : CrossValidation.subsample(labels: labels, share: share, seed: seed)
            let result = CrossValidation.run(labels: subset, rubric: rubric, matrix: matrix, foldOf: foldOf, k: k, options: options) {
                fitsDone += 1
                progress?(fitsDone, fits)
            }
            if share >= 1 { full = result }
            let metrics = EvaluationMetrics.compute(items: result.items, predictions: result.predictions, targets: result.targets,
                                                    specs: result.specs, groupOf: groupOf)
            curve.append(CurvePoint(share: share, labels: result.items.count, metrics: metrics))
        }
        let result = full!
        let cv = curve.last!.metrics
        let exploredItems = result.items.filter { explored.contains($0) }
        let exploredMetrics = EvaluationMetrics.compute(items: exploredItems, predictions: result.predictions, targets: result.targets,
                                                        specs: result.specs, groupOf: groupOf)

        let predicted = result.items.filter { result.predictions[$0] != nil }
        let baselines = [
            Baseline.length(items: predicted, targets: result.targets, matrix: matrix, groupOf: groupOf),
            Baseline.bestSingleFeature(items: predicted, targets: result.targets, matrix: matrix, foldOf: foldOf, k: k, groupOf: groupOf),
        ]

        var top: [Feature] = []
        if let model = RewardModel.fit(labels: labels, rubric: rubric, matrix: matrix, options: options),
           let overall = model.scorer.fits.first(where: { $0.spec.id == RewardModel.overallTarget }) {
            let columns = overall.weights.indices.filter { $0 != matrix.biasColumn }
                .sorted { abs(overall.weights[$0]) != abs(overall.weights[$1]) ? abs(overall.weights[$0]) > abs(overall.weights[$1]) : $0 < $1 }
            top = columns.prefix(topCount).map { Feature(name: featureName(column: $0, matrix: matrix), weight: overall.weights[$0]) }
        }
        progress?(fits, fits)
        return ModelReport(
            modelVersion: modelVersion, rubricName: rubric.name, labels: labeled.count, folds: k, seed: seed, cv: cv,
            explored: exploredMetrics, exploredLabeled: labeled.filter { explored.contains($0) }.count, learningCurve: curve,
            topFeatures: top, baselines: baselines)
    }

    /// A readable name for a column of the learner's space.
    public static func featureName(column: Int, matrix: FeatureMatrix) -> String {
        if column < matrix.foldedBuckets { return "hashed n-gram bucket \(column)" }
        if column < matrix.embeddingOffset { return FeatureExtractor.denseNames[column - matrix.denseOffset] }
        if column < matrix.biasColumn { return "embedding dimension \(column - matrix.embeddingOffset)" }
        if column == matrix.biasColumn { return "bias" }
        let relative = column - matrix.width + matrix.relativeColumns.lowerBound
        return relative < matrix.biasColumn ? featureName(column: relative, matrix: matrix) + ", relative to siblings" : "column \(column)"
    }

    // MARK: - Output

    public func json() -> JSONValue {
        var explored = self.explored.json().objectValue!
        explored["labeled"] = .number(exploredLabeled)
        return .object(JSONObject([
            "model_version": .number(Int(modelVersion)),
            "rubric": .string(rubricName),
            "labels": .number(labels),
            "folds": .number(folds),
            "seed": .number(String(seed)),
            "cv": cv.json(),
            "explored": .object(explored),
            "learning_curve": .array(learningCurve.map { point in
                var o = JSONObject(["share": .number(point.share), "labels": .number(point.labels)])
                o.members += point.metrics.json().objectValue!.members
                return .object(o)
            }),
            "baselines": .object(JSONObject(baselines.map { JSONObject.Member(key: $0.name, value: $0.json()) })),
            "top_features": .array(topFeatures.map {
                .object(JSONObject(["feature": .string($0.name), "weight": EvaluationMetrics.number($0.weight)]))
            }),
        ]))
    }

    static func format(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "—" }

    public func text() -> String {
        var lines: [String] = []
        lines.append("model \(modelVersion) (rubric \(rubricName)): \(labels) labeled items, \(folds)-fold cross-validation grouped by group and image (seed \(seed))")
        lines.append("")
        let ids = cv.spearman.map(\.id)
        let width = max(22, (ids.map(\.count).max() ?? 0) + 4)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
        lines.append(pad("", width) + pad("all held-out", 14) + "explored only")
        lines.append(pad("items", width) + pad(String(cv.count), 14) + String(explored.count))
        lines.append("Spearman")
        for id in ids {
            lines.append(pad("  " + id, width) + pad(Self.format(cv.spearmanOf(id)), 14) + Self.format(explored.spearmanOf(id)))
        }
        lines.append(pad("pairwise", width) + pad(Self.format(cv.pairwiseAccuracy) + " (\(cv.pairs))", 14)
            + Self.format(explored.pairwiseAccuracy) + " (\(explored.pairs))")
        lines.append(pad("coverage", width) + pad(Self.format(cv.coverage), 14) + Self.format(explored.coverage)
            + "   (nominal \(Self.format(EvaluationMetrics.nominalCoverage)))")
        lines.append("")
        lines.append("baselines on the same held-out items (overall score; no model)")
        lines.append(pad("", width) + pad("Spearman", 10) + "pairwise")
        lines.append(pad("  model", width) + pad(Self.format(cv.spearmanOf(RewardModel.overallTarget)), 10) + Self.format(cv.pairwiseAccuracy))
        for b in baselines {
            let label = b.name == "length" ? "length alone" : "best single feature"
            var line = pad("  " + label, width) + pad(Self.format(b.metrics.spearmanOf(RewardModel.overallTarget)), 10)
                + Self.format(b.metrics.pairwiseAccuracy)
            if b.name != "length", let feature = b.feature {
                line += "   (\(feature) on all labels; chosen in \(b.foldsAgreeing ?? 0) of \(folds) folds)"
            }
            lines.append(line)
        }
        lines.append("")
        lines.append("learning curve (same CV on a share of the labeled items)")
        lines.append(pad("  share", 9) + pad("labels", 8) + pad("overall", 9) + pad("pairwise", 10) + "coverage")
        for p in learningCurve {
            lines.append(pad("  \(Int((p.share * 100).rounded()))%", 9) + pad(String(p.labels), 8)
                + pad(Self.format(p.metrics.spearmanOf(RewardModel.overallTarget)), 9) + pad(Self.format(p.metrics.pairwiseAccuracy), 10)
                + Self.format(p.metrics.coverage))
        }
        lines.append("")
        lines.append("strongest features (overall score, standardized weight)")
        for f in topFeatures { lines.append("  " + String(format: "%+.4f  ", f.weight) + f.name) }
        if topFeatures.isEmpty { lines.append("  (no overall model)") }
        return lines.joined(separator: "\n")
    }
}
