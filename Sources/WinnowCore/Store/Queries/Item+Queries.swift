import Foundation
import GRDB

extension Item {
    /// The id of the item with `key`, if any.
    static func id(_ db: Database, key: String) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM item WHERE key = ?"), arguments: [key])
    }

    /// Items in the store.
    static func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM item") ?? 0
    }

    /// Every item id with its key.
    static func idsByKey(_ db: Database) throws -> [String: Int64] {
        var keys: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, key FROM item") { keys[row["key"]] = row["id"] }
        return keys
    }

    /// Every item id, in order.
    static func allIds(_ db: Database) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT id FROM item ORDER BY id")
    }
}

extension Store {
    public func item(id: Int64) throws -> Item? { try pool.read { db in try Item.fetch(db, id: id) } }
    public func item(key: String) throws -> Item? { try pool.read { db in try Item.fetch(db, key: key) } }

    /// For a candidate answer: the indices (into its `turns`) of the earlier turns that were candidate lists
    /// too, shown by their first candidate (context nobody checked); empty for other items.
    public func candidateContextTurns(of item: Item) throws -> Set<Int> {
        guard let turn = item.turnIndex, turn > 0 else { return [] }
        let earlier = try pool.read { db in
            try Set(Int.fetchAll(db, sql: """
                SELECT DISTINCT turn_index FROM item WHERE source_name = ? AND record_index = ? AND turn_index < ?
                """, arguments: [item.sourceName, item.recordIndex, turn]))
        }
        var result: Set<Int> = []
        var gptIndex = 0
        for (i, t) in item.turns.enumerated().dropLast() where t.from == "gpt" {
            if earlier.contains(gptIndex) { result.insert(i) }
            gptIndex += 1
        }
        return result
    }
}

extension Item {
    /// The names of the fields some item has.
    static func fieldNames(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT DISTINCT j.key FROM item, json_each(item.fields) j")
    }

    /// Every item in id order, with empty `original` bytes (read them with `OriginalReader`).
    static func allWithoutOriginals(_ db: Database) throws -> [Item] {
        try Item.fetchAll(db, sql: """
            SELECT id, key, group_key, image, captions, turns, fields, source_name, record_index, part, source_file_id,
                   turn_index, candidate_index, X'' AS original, content_hash
            FROM item ORDER BY id
            """)
    }

    /// The format of each item's source file (nil when it has none), by item id.
    static func sourceFormats(_ db: Database) throws -> [Int64: String?] {
        var formats: [Int64: String?] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT i.id, s.format FROM item i LEFT JOIN source_file s ON s.id = i.source_file_id") {
            formats[row["id"]] = .some(row["format"])
        }
        return formats
    }

    /// Reads items' original record bytes one at a time, with one prepared statement.
    struct OriginalReader {
        private let statement: Statement

        init(_ db: Database) throws { statement = try db.makeStatement(sql: "SELECT original FROM item WHERE id = ?") }

        /// The bytes of item `id` (empty when it has none).
        func bytes(of id: Int64?) throws -> Data { try Data.fetchOne(statement, arguments: [id]) ?? Data() }
    }
}
