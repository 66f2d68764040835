import Foundation
import WinnowCore

/// Timing of the reward model on a synthetic pool (`winnow worker --bench N`, or the lead's bench).
public enum ModelBench {
    public struct Figures: Sendable {
        public var items: Int
        public var labels: Int
        /// Computing and caching every item's features (done once per item).
        public var featureSeconds: Double
        /// Bytes of `item_features` per item, on average.
        public var featureBytesPerItem: Double
        /// The worker's first refit: decodes the whole feature cache, fits, scores, writes, switches.
        public var firstRefitSeconds: Double
        /// A later refit with the worker's warm in-memory cache (what happens as labels arrive).
        public var refitSeconds: Double
        /// Re-ranking the unlabeled pool with the new model (`QueuePolicy.order(store:)`).
        public var rerankSeconds: Double

        public var description: String {
            String(format: """
                items %d, labels %d
                features: %.2f s (%.0f bytes per item cached)
                first refit (cache load + fit + score + write): %.2f s
                refit (warm cache): %.2f s
                re-rank (queue order of the unlabeled pool): %.2f s
                refit + re-rank: %.2f s
                """, items, labels, featureSeconds, featureBytesPerItem, firstRefitSeconds, refitSeconds, rerankSeconds,
                refitSeconds + rerankSeconds)
        }
    }

    /// Generates the bench's set (`BenchDataGenerator`, `items` records) into a temporary database under
    /// `directory`, caches features, labels `labels` items by the bench's rule (`BenchModelSteps`), and times
    /// a refit and a re-rank.
    public static func run(items: Int, labels: Int, directory: String = NSTemporaryDirectory()) throws -> Figures {
        let folder = (directory as NSString).appendingPathComponent("winnow-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try Store(path: folder + "/bench.sqlite")
        let rubric = try BenchModelSteps.rubric()
        let data = try BenchDataGenerator.generate(items: items, folder: folder)
        let imported = try Importer(store: store).run(Importer.Options(files: [data.dataPath], captions: data.captionsPath)).itemsAdded

        var started = Date()
        try FeatureCache.update(store: store, batchSize: 4000)
        let featureSeconds = Date().timeIntervalSince(started)
        let bytes = try FeatureCache.averageBytes(store: store)

        let labeled = try BenchModelSteps.seedLabels(store: store, rubric: rubric, annotator: "bench", count: labels)
        let matrix = FeatureMatrix()
        started = Date()
        guard try RewardModel.refit(store: store, rubric: rubric, matrix: matrix) != nil else {
            throw ModelError.interrupted("the bench's model stayed cold")
        }
        let firstRefit = Date().timeIntervalSince(started)

        let more = try BenchModelSteps.seedLabels(store: store, rubric: rubric, annotator: "bench", count: 10, seed: 8)
        started = Date()
        _ = try RewardModel.refit(store: store, rubric: rubric, matrix: matrix)
        let refit = Date().timeIntervalSince(started)
        started = Date()
        _ = try QueuePolicy.order(store: store)
        let rerank = Date().timeIntervalSince(started)
        return Figures(items: imported, labels: labeled + more, featureSeconds: featureSeconds, featureBytesPerItem: bytes,
                       firstRefitSeconds: firstRefit, refitSeconds: refit, rerankSeconds: rerank)
    }

    /// The lead's bench: seconds of one warm refit plus re-rank.
    public static func refitSeconds(items: Int, labels: Int) throws -> Double {
        let f = try run(items: items, labels: labels)
        return f.refitSeconds + f.rerankSeconds
    }
}
