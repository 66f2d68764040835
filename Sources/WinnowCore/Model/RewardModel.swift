import Foundation
import GRDB

/// The reward model: learns the rubric's criteria and overall score from the labels and scores the
/// whole pool with an uncertainty per item.
///
/// One refit: one read transaction takes the labels and the features (a consistent snapshot; label
/// saves go on meanwhile), the linear models are fitted (`Learner`), every item is scored
/// (`PoolScorer`), the predictions are written to a new model file beside the database and fsynced,
/// and only then one small write adds the `model_version` row and moves `current_model` to it. A refit
/// that fails or is killed before that write leaves the current model and every label as they were.
public enum RewardModel {
    public static let overallTarget = "overall"

    public struct Hooks: Sendable {
        /// Called inside the refit's read transaction, after the snapshot is taken.
        public var afterSnapshot: (@Sendable () throws -> Void)?
        /// Called when half the model file is written.
        public var duringWrite: (@Sendable () throws -> Void)?
        /// Called after the file is complete, before the pointer switches.
        public var beforeSwitch: (@Sendable () throws -> Void)?
        public init(afterSnapshot: (@Sendable () throws -> Void)? = nil, duringWrite: (@Sendable () throws -> Void)? = nil,
                    beforeSwitch: (@Sendable () throws -> Void)? = nil) {
            self.afterSnapshot = afterSnapshot
            self.duringWrite = duringWrite
            self.beforeSwitch = beforeSwitch
        }
    }

    public struct Options: Sendable {
        /// Learn from imported scores (role `imported`) where no annotator or lead gave a value.
        public var useImported = false
        /// Below this many labeled items no model is fitted (cold start).
        public var minimumLabels = 20
        /// Fewest labels for one target (criterion) to be fitted.
        public var minimumTargetLabels = 5
        /// Ridge penalty (prior precision) on the standardized features: the flags' penalty, and every
        /// target's when `choosePenalty` is off.
        public var lambda = 1.0
        /// Scales and the overall score choose their penalties by marginal likelihood (`Learner`).
        public var choosePenalty = true
        /// Group-relative: an item of a group of two or more is described by its group's mean and by its
        /// difference from it (`learnerRows`), so the model can learn "longer / more specific / more in
        /// agreement than the other candidates" apart from the level of a group.
        public var relativeFeatures = true
        /// Ridge targets also try a Bradley-Terry objective over the pairs of one group's labeled items and
        /// keep it when an inner cross-validation says it orders held-out groups better (`PairwiseObjective`).
        public var pairwise = true
        /// Posterior draws per direction set (the ensemble size).
        public var samples = 12
        /// Columns the hashed n-grams are folded into for learning.
        public var foldedBuckets = 128
        /// Model files kept on disk (the current one and the latest before it); older versions keep
        /// their row and metrics.
        public var keepFiles = 3
        public var seed: UInt64 = 0
        public var hooks = Hooks()
        public init(useImported: Bool = false) { self.useImported = useImported }
    }

    /// Refits from the current labels and makes the new model current; nil when cold (too few labels or
    /// no target with two distinct values). `matrix` is the caller's feature cache (a `Worker` keeps one
    /// across refits); `lock`, when given, must still be held at the switch or the refit is abandoned.
    @discardableResult
    public static func refit(store: Store, rubric: Rubric, options: Options = Options(), matrix: FeatureMatrix? = nil,
                             lock: WorkerLock? = nil) throws -> ModelVersion? {
        let started = Date()
        let matrix = matrix ?? FeatureMatrix(foldedBuckets: options.foldedBuckets)
        let (labels, lastEventId, versionId) = try store.read { db -> ([TargetLabel], Int64, Int64) in
            let (labels, last) = try Targets.labels(db, rubric: rubric, useImported: options.useImported)
            try matrix.update(db)
            let next = try ModelVersion.nextId(db)
            try options.hooks.afterSnapshot?()
            return (labels, last, next)
        }
        guard let fitted = fit(labels: labels, rubric: rubric, matrix: matrix, options: options) else { return nil }
        if let lock, try !lock.renew() { throw ModelError.lockLost }

        let output = fitted.scorer.score(matrix: matrix, mean: fitted.mean, scale: fitted.scale)
        let contents = ModelFile.Contents(
            version: versionId, targets: fitted.scorer.fits.map(\.spec), ids: matrix.ids, uncertainty: output.uncertainty,
            mean: output.mean, std: output.std)
        let path = ModelFile.path(database: store.path, version: versionId)
        try ModelFile.write(contents, to: path, midway: options.hooks.duringWrite)
        try options.hooks.beforeSwitch?()

        let seconds = Date().timeIntervalSince(started)
        var metrics = fitted.metrics
        metrics["items_scored"] = .number(matrix.count)
        metrics["seconds"] = .number(Learner.round(seconds))
        let name = (path as NSString).lastPathComponent
        let version: ModelVersion
        do {
            version = try store.write { db in
                if let lock, try !lock.isHeld(db) { throw ModelError.lockLost }
                let metricsText = JSONValue.object(ModelVersion.span(metrics, started: started, lock: lock)).serialized()
                return try ModelVersion.insertCurrent(
                    db, id: versionId, rubricHash: rubric.contentHash, labelsUsed: fitted.labelsUsed, lastLabelEventId: lastEventId,
                    itemsScored: matrix.count, seconds: seconds, metrics: metricsText, path: name)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        try? cleanFiles(store: store, keep: options.keepFiles)
        return version
    }

    struct Fitted {
        var scorer: PoolScorer
        var mean: [Float]
        var scale: [Float]
        var labelsUsed: Int
        var metrics: JSONObject
    }

    /// The targets this rubric gives: the overall score, each scale (ridge) and each flag (logistic).
    /// Choices are not modelled on their own (they count through the overall score when they have scores).
    public static func targetSpecs(_ rubric: Rubric) -> [TargetSpec] {
        var specs: [TargetSpec] = []
        if rubric.criteria.contains(where: \.counts) { specs.append(TargetSpec(id: overallTarget, kind: .ridge, low: 0, high: 1)) }
        for c in rubric.criteria {
            switch c.kind {
            case .scale:
                let numbers = c.values.compactMap(\.numberValue)
                if let lo = numbers.min(), let hi = numbers.max(), hi > lo { specs.append(TargetSpec(id: c.id, kind: .ridge, low: lo, high: hi)) }
            case .flag: specs.append(TargetSpec(id: c.id, kind: .logistic, low: 0, high: 1))
            // A place in one group's ranking is no property of the item: not a target of its own.
            case .choice, .rank: break
            }
        }
        return specs
    }

    static func fit(labels: [TargetLabel], rubric: Rubric, matrix: FeatureMatrix, options: Options) -> Fitted? {
        let targets = Targets.compute(labels: labels, rubric: rubric, useImported: options.useImported)
        let labeled = targets.keys.filter { matrix.row[$0] != nil }.sorted()
        guard labeled.count >= options.minimumLabels else { return nil }
        let (mean, scale) = matrix.columnScaling()
        let (rows, k) = learnerRows(labeled, matrix: matrix, mean: mean, scale: scale, relative: options.relativeFeatures)
        var learner = Learner(width: k, lambda: options.lambda, biasColumn: matrix.biasColumn, samples: options.samples, seed: options.seed,
                              relativeStart: matrix.width, choosePenalty: options.choosePenalty)
        var fits: [LinearFit] = []
        var targetMetrics = JSONObject()
        // Each labeled item's group among the groups of two or more (−1 when alone), for the pairs.
        let siblings = options.relativeFeatures ? matrix.siblings() : nil
        var refined: [(use: [Int], y: [Double], fit: LinearFit)] = []
        let groupSlot: [Int32] = labeled.map { id in siblings.map { $0.slot[matrix.row[id]!] } ?? -1 }
        for spec in targetSpecs(rubric) {
            var use: [Int] = []
            var y: [Double] = []
            for (i, id) in labeled.enumerated() {
                let t = targets[id]!
                let value: Double?
                if spec.id == overallTarget {
                    value = t.overall
                } else {
                    switch t.criteria[spec.id] {
                    case .number(let n): value = n
                    case .flag(let b): value = b ? 1 : 0
                    default: value = nil
                    }
                }
                if let value {
                    use.append(i)
                    y.append(value)
                }
            }
            guard use.count >= options.minimumTargetLabels, Set(y).count >= 2 else {
                targetMetrics[spec.id] = .object(JSONObject(["n": .number(use.count), "skipped": .string(use.count < options.minimumTargetLabels ? "too few labels" : "one value only")]))
                continue
            }
            var fit = spec.kind == .ridge
                ? learner.fitRidge(spec: spec, rows: rows, use: use, y: y)
                : learner.fitLogistic(spec: spec, rows: rows, use: use, y: y)
            if spec.kind == .ridge, options.pairwise, options.relativeFeatures, let pointwise = fit {
                // A target with the same labels as one refined already (a one-criterion rubric's criterion
                // and its overall score) reuses that choice instead of fitting the pairs again.
                if let same = refined.first(where: { $0.use == use && $0.y == y }) {
                    var copy = same.fit
                    copy.spec = spec
                    fit = copy
                } else {
                    fit = PairwiseObjective.refine(pointwise, learner: &learner, rows: rows, use: use, y: y,
                                                   groups: use.map { groupSlot[$0] }, seed: options.seed)
                    refined.append((use, y, fit!))
                }
            }
            if let fit {
                fits.append(fit)
                targetMetrics[spec.id] = .object(fit.metrics)
            } else {
                targetMetrics[spec.id] = .object(JSONObject(["n": .number(use.count), "skipped": .string("no fit")]))
            }
        }
        guard !fits.isEmpty else { return nil }
        var metrics = JSONObject()
        metrics["labels_used"] = .number(labeled.count)
        metrics["feature_version"] = .number(FeatureExtractor.version)
        metrics["width"] = .number(k)
        metrics["embedding_dimension"] = .number(matrix.embeddingDimension)
        metrics["lambda"] = .number(options.lambda)
        metrics["penalty"] = .string(options.choosePenalty ? "marginal likelihood" : "fixed")
        metrics["relative_features"] = .bool(options.relativeFeatures)
        metrics["pairwise"] = .bool(options.pairwise)
        metrics["std"] = .string("predictive: noise and the posterior of the mean")
        metrics["samples"] = .number(options.samples)
        metrics["use_imported"] = .bool(options.useImported)
        metrics["targets"] = .object(targetMetrics)
        let scorer = PoolScorer(fits: fits, directionSets: learner.directionSets, samples: options.samples, relative: options.relativeFeatures)
        return Fitted(scorer: scorer, mean: mean, scale: scale, labelsUsed: labeled.count, metrics: metrics)
    }

    /// The standardized learner rows of `ids`. Without `relative`, the matrix's columns. With it, the
    /// group level and the place within the group apart: the mean of the item's group over its
    /// `relativeColumns` (the item's own values when it is alone), then the bias, then the item's values
    /// minus that mean (zero when alone). The two blocks get their own penalty, so what orders a group's
    /// candidates is learned from the differences between siblings, not from differences between
    /// questions. Returns the rows and their width.
    static func learnerRows(_ ids: [Int64], matrix: FeatureMatrix, mean: [Float], scale: [Float], relative: Bool) -> ([Float], Int) {
        let k = matrix.width
        let d = relative ? matrix.relativeColumns.count : 0
        let width = k + d
        var rows = [Float](repeating: 0, count: ids.count * width)
        let siblings = d > 0 ? matrix.siblings() : nil
        matrix.values.withUnsafeBufferPointer { v in
            for (i, id) in ids.enumerated() {
                let r = matrix.row[id]!
                let base = r * k
                for j in 0..<k { rows[i * width + j] = (v[base + j] - mean[j]) / scale[j] }
                guard let siblings, siblings.slot[r] >= 0 else { continue }
                let m = Int(siblings.slot[r]) * d
                for j in 0..<d {
                    let c = matrix.relativeColumns.lowerBound + j
                    rows[i * width + c] = (siblings.means[m + j] - mean[c]) / scale[c]
                    rows[i * width + k + j] = (v[base + c] - siblings.means[m + j]) / scale[c]
                }
            }
        }
        return (rows, width)
    }

    /// Removes model files no version points to (leftovers of refits that died) and the files of all but
    /// the newest `keep` versions (their rows and metrics stay, with `path` NULL).
    public static func cleanFiles(store: Store, keep: Int) throws {
        let folderPath = (store.path as NSString).deletingLastPathComponent
        let folder = folderPath.isEmpty ? "." : folderPath
        let base = (store.path as NSString).lastPathComponent
        let expired = try ModelVersion.forgetOldFiles(store: store, keep: max(keep, 1))
        let referenced = try ModelVersion.filePaths(store: store)
        for name in expired { try? FileManager.default.removeItem(atPath: folder + "/" + name) }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            guard name.hasPrefix(base + ".model-"), name.hasSuffix(".bin") || name.hasSuffix(".bin.tmp") else { continue }
            if !referenced.contains(name) { try? FileManager.default.removeItem(atPath: folder + "/" + name) }
        }
    }

    /// Labels (of the roles the model learns from) saved since `version` was fitted, and seconds since.
    public static func newLabels(store: Store, since version: ModelVersion?, useImported: Bool) throws -> Int {
        try LabelLog(store: store).eventCount(
            after: version?.lastLabelEventId ?? 0, roles: useImported ? [.annotator, .gold, .imported] : [.annotator, .gold])
    }
}
