import Foundation
import GRDB

/// One finished model: a row of `model_version`.
public struct ModelVersion: Sendable, Equatable {
    public var id: Int64
    public var createdAt: String
    public var rubricHash: String
    /// Items with a target the model learned from.
    public var labelsUsed: Int
    /// The newest label event the model's snapshot held; labels after it are "new".
    public var lastLabelEventId: Int64
    public var itemsScored: Int
    /// Wall-clock seconds of the refit (snapshot to switch).
    public var seconds: Double
    /// `{"labels_used", "items_scored", "feature_version", "width", "lambda", "samples", "targets": {id: {...}},
    /// "started_at", "switched_at", "lock_holder", ...}` (`span`).
    public var metrics: JSONValue
    /// The predictions file, relative to the database's folder; nil once an old version's file is cleaned.
    public var path: String?

    /// `metrics` with the refit's span: `started_at` (the refit began: its snapshot, with the lock held)
    /// and `switched_at` (inside the transaction that makes it current), both unix seconds, and
    /// `lock_holder` (the worker that held the refit lock, when one did). Refits one at a time means no
    /// two versions' spans overlap, which the proof suite checks on these.
    static func span(_ metrics: JSONObject, started: Date, lock: WorkerLock?) -> JSONObject {
        var metrics = metrics
        metrics["started_at"] = .number(started.timeIntervalSince1970)
        metrics["switched_at"] = .number(Date().timeIntervalSince1970)
        if let lock { metrics["lock_holder"] = .string(lock.holder) }
        return metrics
    }

    /// The file's absolute path for the database at `databasePath`.
    public func filePath(databasePath: String) -> String? {
        guard let path else { return nil }
        if path.hasPrefix("/") { return path }
        let folder = (databasePath as NSString).deletingLastPathComponent
        return folder.isEmpty ? path : folder + "/" + path
    }
}

/// What the model says about one item. Predictions are for the lead and the queue, never shown to
/// annotators (the screen shows them only with `--show-model`).
public struct Prediction: Sendable, Equatable {
    public struct Estimate: Sendable, Equatable {
        /// Scales: the predicted value (in the scale's units); flags: the probability of `true`;
        /// overall: the predicted overall score (0…1).
        public var mean: Double
        /// Scales and overall: the predictive std of the mean; flags: the spread of the probability.
        public var std: Double
    }

    public var modelVersion: Int64
    /// Mean over the targets of the std normalized by the target's range (flags: 2 × spread): 0…~1.
    public var uncertainty: Double
    public var overall: Estimate?
    public var criteria: [String: Estimate]
}

/// The predictions of one model version, read from its file. Immutable; safe to share between threads.
public final class ModelScores: Sendable {
    public let version: ModelVersion
    public let targets: [TargetSpec]
    public let itemIds: [Int64]
    private let uncertainties: [Float]
    private let means: [[Float]]
    private let stds: [[Float]]

    init(version: ModelVersion, contents: ModelFile.Contents) {
        self.version = version
        targets = contents.targets
        itemIds = contents.ids
        uncertainties = contents.uncertainty
        means = contents.mean
        stds = contents.std
    }

    /// The current model's scores, or nil when there is no model yet (cold start).
    public static func current(store: Store) throws -> ModelScores? {
        guard let version = try ModelVersion.current(store: store) else { return nil }
        return try load(version: version, databasePath: store.path)
    }

    public static func load(version: ModelVersion, databasePath: String) throws -> ModelScores {
        guard let path = version.filePath(databasePath: databasePath) else {
            throw ModelError.io("model version \(version.id) has no predictions file any more")
        }
        return ModelScores(version: version, contents: try ModelFile.read(path: path))
    }

    /// Position of `itemId` in `itemIds` (ascending): binary search, no 158k-entry dictionary to build.
    private func position(_ itemId: Int64) -> Int? {
        var lo = 0, hi = itemIds.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if itemIds[mid] < itemId { lo = mid + 1 } else { hi = mid }
        }
        return lo < itemIds.count && itemIds[lo] == itemId ? lo : nil
    }

    public func uncertainty(of itemId: Int64) -> Double? {
        position(itemId).map { Double(uncertainties[$0]) }
    }

    public func prediction(for itemId: Int64) -> Prediction? {
        guard let i = position(itemId) else { return nil }
        var overall: Prediction.Estimate?
        var criteria: [String: Prediction.Estimate] = [:]
        for (t, spec) in targets.enumerated() {
            let e = Prediction.Estimate(mean: Double(means[t][i]), std: Double(stds[t][i]))
            if spec.id == RewardModel.overallTarget { overall = e } else { criteria[spec.id] = e }
        }
        return Prediction(modelVersion: version.id, uncertainty: Double(uncertainties[i]), overall: overall, criteria: criteria)
    }

    /// Every item's prediction (158k dictionaries: prefer `prediction(for:)` for a few).
    public func all() -> [Int64: Prediction] {
        var result: [Int64: Prediction] = [:]
        result.reserveCapacity(itemIds.count)
        for id in itemIds { result[id] = prediction(for: id) }
        return result
    }
}
