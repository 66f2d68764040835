import Foundation
import WinnowCore

/// Synthetic items for the reward model's tests: inserted straight into `item` (the importer is tested
/// elsewhere), with text in which quality shows.
public struct SyntheticItem {
    public var key: String
    public var group: String
    public var image: String?
    public var captions: [String]
    public var instruction: String
    public var response: String

    public init(key: String, group: String, image: String?, captions: [String], instruction: String, response: String) {
        self.key = key
        self.group = group
        self.image = image
        self.captions = captions
        self.instruction = instruction
        self.response = response
    }
}

public enum Synthetic {
    public static let filler = ["table", "window", "street", "light", "color", "people", "corner", "morning", "large", "small",
                         "green", "wooden", "standing", "looking", "sitting", "open", "near", "road", "sign", "bright"]
    public static let good = ["accurate", "detailed", "precise", "careful", "grounded"]
    public static let bad = ["wrong", "blurry", "unsure", "invented", "vague"]

    /// An item of quality `q` (1…5): q good words and 5 − q bad words among seeded filler.
    public static func item(_ index: Int, quality q: Int, seed: UInt64 = 7, group: String? = nil) -> SyntheticItem {
        var g = SeededGenerator(seed: seed &+ UInt64(index) &* 7919)
        var words: [String] = []
        for _ in 0..<12 { words.append(filler[Int(g.next() % UInt64(filler.count))]) }
        for k in 0..<q { words.append(good[(index + k) % good.count]) }
        for k in 0..<(5 - q) { words.append(bad[(index + k) % bad.count]) }
        words.shuffle(using: &g)
        return SyntheticItem(
            key: "s\(index)", group: group ?? "g\(index % 7)", image: "img\(index % 11).jpg",
            captions: ["A street corner with a table near a window."],
            instruction: "Describe the scene in image \(index % 5).", response: words.joined(separator: " ") + ".")
    }

    /// Inserts the items; returns their ids in order.
    @discardableResult
    public static func insert(_ items: [SyntheticItem], into store: Store) throws -> [Int64] {
        try store.insertItems(items.map { item in
            ItemRow(key: item.key, group: item.group, image: item.image, captions: item.captions,
                    turns: [Turn(from: .human, value: item.instruction), Turn(from: .gpt, value: item.response)],
                    sourceName: "synthetic", contentHash: item.key)
        })
    }

    /// Saves a label per (id, quality): quality, and hallucination when quality ≤ 2.
    public static func label(_ pairs: [(Int64, Int)], store: Store, rubric: Rubric, annotator: String = "ann") throws {
        let log = LabelLog(store: store)
        let stored = StoredRubric(rubric)
        for (id, q) in pairs {
            try log.save(itemId: id, annotator: annotator, rubric: stored,
                         scores: #"{"quality":\#(q),"hallucination":\#(q <= 2 ? "true" : "false")}"#, activeSeconds: 1)
        }
    }
}
