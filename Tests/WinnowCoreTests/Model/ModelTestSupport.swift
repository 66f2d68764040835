import Foundation
import GRDB
import XCTest
@testable import WinnowCore

/// Synthetic items for the reward model's tests: inserted straight into `item` (the importer is tested
/// elsewhere), with text in which quality shows.
struct SyntheticItem {
    var key: String
    var group: String
    var image: String?
    var captions: [String]
    var instruction: String
    var response: String
}

enum Synthetic {
    static let filler = ["table", "window", "street", "light", "color", "people", "corner", "morning", "large", "small",
                         "green", "wooden", "standing", "looking", "sitting", "open", "near", "road", "sign", "bright"]
    static let good = ["accurate", "detailed", "precise", "careful", "grounded"]
    static let bad = ["wrong", "blurry", "unsure", "invented", "vague"]

    /// An item of quality `q` (1…5): q good words and 5 − q bad words among seeded filler.
    static func item(_ index: Int, quality q: Int, seed: UInt64 = 7, group: String? = nil) -> SyntheticItem {
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
    static func insert(_ items: [SyntheticItem], into store: Store) throws -> [Int64] {
        try store.pool.write { db in
            try items.map { item in
                let turns = JSONValue.array([
                    .object(JSONObject(["from": .string("human"), "value": .string(item.instruction)])),
                    .object(JSONObject(["from": .string("gpt"), "value": .string(item.response)])),
                ]).serialized()
                let captions = JSONValue.array(item.captions.map(JSONValue.string)).serialized()
                let start = try Int.fetchOne(db, sql: "SELECT coalesce(max(record_index), -1) + 1 FROM item") ?? 0
                try db.execute(sql: """
                    INSERT INTO item(key, group_key, image, captions, turns, source_name, record_index, original, content_hash)
                    VALUES (?, ?, ?, ?, ?, 'synthetic', ?, ?, ?)
                    """, arguments: [item.key, item.group, item.image, captions, turns, start, Data(turns.utf8), item.key])
                return db.lastInsertedRowID
            }
        }
    }

    /// Saves a label per (id, quality): quality, and hallucination when quality ≤ 2.
    static func label(_ pairs: [(Int64, Int)], store: Store, rubric: Rubric, annotator: String = "ann") throws {
        let log = LabelLog(store: store)
        let stored = StoredRubric(rubric)
        for (id, q) in pairs {
            try log.save(itemId: id, annotator: annotator, rubric: stored,
                         scores: #"{"quality":\#(q),"hallucination":\#(q <= 2 ? "true" : "false")}"#, activeSeconds: 1)
        }
    }
}
