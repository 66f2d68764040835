import Foundation
import GRDB

/// An item written straight into the store, without an import: the synthetic pools of the benches and
/// tests. Its `original` bytes are its turns' JSON.
public struct ItemRow: Sendable, Equatable {
    public var key: String
    public var group: String
    public var image: String?
    public var captions: [String]
    public var turns: [Turn]
    public var sourceName: String
    public var contentHash: String

    public init(key: String, group: String, image: String?, captions: [String], turns: [Turn], sourceName: String, contentHash: String) {
        self.key = key
        self.group = group
        self.image = image
        self.captions = captions
        self.turns = turns
        self.sourceName = sourceName
        self.contentHash = contentHash
    }
}

extension Store {
    /// Inserts `rows` in one transaction, numbering their records after the store's last; returns their ids.
    @discardableResult
    public func insertItems(_ rows: [ItemRow]) throws -> [Int64] {
        try pool.write { db in
            let statement = try db.makeStatement(sql: """
                INSERT INTO item(key, group_key, image, captions, turns, source_name, record_index, original, content_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            var next = try Int.fetchOne(db, sql: "SELECT coalesce(max(record_index), -1) + 1 FROM item") ?? 0
            return try rows.map { row in
                let turns = PreparedRow.json(row.turns)
                let captions = JSONValue.array(row.captions.map(JSONValue.string)).serialized()
                try statement.execute(arguments: [
                    row.key, row.group, row.image, captions, turns, row.sourceName, next, Data(turns.utf8), row.contentHash,
                ])
                next += 1
                return db.lastInsertedRowID
            }
        }
    }

    /// Every item id, in order.
    public func itemIds() throws -> [Int64] { try pool.read { db in try Item.allIds(db) } }
}

extension LabelLog {
    /// Items nobody has a current label on, in id order.
    public func unlabeledItemIds() throws -> [Int64] {
        try store.pool.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT id FROM item i WHERE NOT EXISTS (SELECT 1 FROM current_label c WHERE c.item_id = i.id) ORDER BY id
                """)
        }
    }

    /// Saves one label per (item, scores) by `annotator` in one transaction (a save, or an edit of their
    /// current label); returns how many were saved.
    @discardableResult
    public func saveAll(_ labels: [(itemId: Int64, scores: String)], annotator: String, rubric: StoredRubric, activeSeconds: Double) throws -> Int {
        try store.pool.write { db in
            try rubric.save(db)
            for label in labels {
                _ = try LabelLog.append(
                    db, itemId: label.itemId, annotator: annotator, role: .annotator, source: nil, rubricHash: rubric.hash,
                    scores: label.scores, activeSeconds: activeSeconds, note: nil, flag: false, at: Timestamp.now())
            }
            return labels.count
        }
    }
}
