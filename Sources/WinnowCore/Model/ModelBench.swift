import Foundation
import GRDB

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

    /// Builds a pool of `items` synthetic LLaVA-like items in a temporary database under `directory`,
    /// caches features, labels `labels` of them, and times a refit and a re-rank.
    public static func run(items: Int, labels: Int, directory: String = NSTemporaryDirectory()) throws -> Figures {
        let folder = (directory as NSString).appendingPathComponent("winnow-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try Store(path: folder + "/bench.sqlite")
        let rubric = try Rubric.parse(yaml: """
            name: bench
            version: "1"
            criteria:
              - {id: correctness, title: Correctness, question: Correct?, kind: scale, values: [1, 2, 3, 4, 5], better: higher, weight: 2}
              - {id: helpfulness, title: Helpfulness, question: Helpful?, kind: scale, values: [1, 2, 3, 4, 5], better: higher}
              - {id: clarity, title: Clarity, question: Clear?, kind: scale, values: [1, 2, 3, 4, 5], better: higher}
              - {id: hallucination, title: Hallucination, question: Made up?, kind: flag, better: false, weight: 2}
            """, file: "bench.yaml")
        let qualities = try insertPool(store: store, count: items)

        var started = Date()
        try FeatureCache.update(store: store, batchSize: 4000)
        let featureSeconds = Date().timeIntervalSince(started)
        let bytes = try FeatureCache.averageBytes(store: store)

        try insertLabels(store: store, rubric: rubric, qualities: qualities, range: 0..<labels)
        let matrix = FeatureMatrix()
        started = Date()
        guard try RewardModel.refit(store: store, rubric: rubric, matrix: matrix) != nil else {
            throw ModelError.interrupted("the bench's model stayed cold")
        }
        let firstRefit = Date().timeIntervalSince(started)

        try insertLabels(store: store, rubric: rubric, qualities: qualities, range: labels..<min(items, labels + 10))
        started = Date()
        _ = try RewardModel.refit(store: store, rubric: rubric, matrix: matrix)
        let refit = Date().timeIntervalSince(started)
        started = Date()
        let order = try QueuePolicy.order(store: store)
        let rerank = Date().timeIntervalSince(started)
        precondition(order.count == items - min(items, labels + 10))
        return Figures(items: items, labels: labels, featureSeconds: featureSeconds, featureBytesPerItem: bytes,
                       firstRefitSeconds: firstRefit, refitSeconds: refit, rerankSeconds: rerank)
    }

    /// The lead's bench: seconds of one warm refit plus re-rank.
    public static func refitSeconds(items: Int, labels: Int) throws -> Double {
        let f = try run(items: items, labels: labels)
        return f.refitSeconds + f.rerankSeconds
    }

    static func insertPool(store: Store, count: Int) throws -> [Int] {
        var g = SeededGenerator(seed: 12345)
        let syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "de", "po", "gu", "ba", "fe", "zi", "ho", "ja"]
        let vocabulary: [String] = (0..<3000).map { i in
            var x = i &* 2654435761 % 65536
            var w = ""
            for _ in 0..<(2 + i % 3) {
                w += syllables[x % syllables.count]
                x /= syllables.count
            }
            return w
        }
        let objects = Array(Grounding.objectNouns.sorted().prefix(80))
        func sentence(_ n: Int, _ g: inout SeededGenerator) -> String {
            (0..<n).map { _ in
                g.next() % 6 == 0 ? objects[Int(g.next() % UInt64(objects.count))] : vocabulary[Int(g.next() % UInt64(vocabulary.count))]
            }.joined(separator: " ")
        }
        var qualities: [Int] = []
        var rows: [ItemRow] = []
        for i in 0..<count {
            let q = 1 + Int(g.next() % 5)
            qualities.append(q)
            let caption = sentence(10, &g)
            let response = (0..<5).map { _ in sentence(14, &g) }.joined(separator: ". ")
                + (q >= 4 ? " clearly accurate" : " maybe wrong")
            let turns = [Turn(from: "human", value: sentence(12, &g) + "?"), Turn(from: "gpt", value: response + ".")]
            rows.append(ItemRow(key: "b\(i)", group: "g\(i / 3)", image: "img\(i / 3).jpg", captions: [caption], turns: turns,
                                sourceName: "bench", contentHash: "h\(i)"))
        }
        try store.insertItems(rows)
        return qualities
    }

    static func insertLabels(store: Store, rubric: Rubric, qualities: [Int], range: Range<Int>) throws {
        let ids = try store.itemIds()
        let labels = range.map { i in
            let q = qualities[i]
            return (itemId: ids[i],
                    scores: #"{"correctness":\#(q),"helpfulness":\#(max(1, q - 1)),"clarity":\#(min(5, q + 1)),"hallucination":\#(q <= 2)}"#)
        }
        try LabelLog(store: store).saveAll(labels, annotator: "bench", rubric: StoredRubric(rubric), activeSeconds: 1)
    }
}
