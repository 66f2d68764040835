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
    /// Keys of the items whose key contains `text`, those starting with it first, then in key order: at
    /// most `limit`, and whether there were more. (For `g` on the labeling screen: a prefix or a part of a
    /// key finds the item.)
    public func itemKeys(containing text: String, limit: Int) throws -> (keys: [String], more: Bool) {
        try pool.read { db in
            let keys = try String.fetchAll(db, sql: """
                SELECT key FROM item WHERE instr(key, ?) > 0
                ORDER BY substr(key, 1, length(?)) = ? DESC, key LIMIT ?
                """, arguments: [text, text, text, limit + 1])
            return (Array(keys.prefix(limit)), keys.count > limit)
        }
    }

    /// Items whose text (turns, captions, image path) contains `text`, ignoring case in ASCII letters, in
    /// key order: at most `limit` keys with the first matching turn or caption, and whether there were
    /// more. A scan of the pool (tens of milliseconds at 158k items); for `/` on the labeling screen.
    public func searchItems(_ text: String, limit: Int) throws -> (matches: [(key: String, excerpt: String)], more: Bool) {
        let needle = text.lowercased()
        return try pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT key, turns, captions FROM item
                WHERE instr(lower(turns), ?) > 0 OR instr(lower(captions), ?) > 0 OR instr(lower(coalesce(image, '')), ?) > 0
                ORDER BY key LIMIT ?
                """, arguments: [needle, needle, needle, limit + 1])
            var matches: [(key: String, excerpt: String)] = []
            for row in rows.prefix(limit) {
                let turns = (try? JSONParser.parse(row["turns"] as String).arrayValue) ?? []
                let captions = (try? JSONParser.parse(row["captions"] as String).arrayValue) ?? []
                let texts = turns.compactMap { $0.objectValue?["value"]?.stringValue } + captions.compactMap(\.stringValue)
                let hit = texts.first { $0.lowercased().contains(needle) } ?? texts.first ?? ""
                matches.append((row["key"], Self.excerpt(hit, around: needle)))
            }
            return (matches, rows.count > limit)
        }
    }

    /// About 60 characters of `text` around the first occurrence of `needle`, on one line.
    static func excerpt(_ text: String, around needle: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        let lower = flat.lowercased()
        guard let range = lower.range(of: needle) else { return String(flat.prefix(60)) }
        let offset = lower.distance(from: lower.startIndex, to: range.lowerBound)
        let chars = Array(flat)
        // Lowercasing can change how many characters a text has: the offset is clamped to the original.
        let start = min(chars.count, max(0, offset - 20))
        let slice = String(chars[start..<min(chars.count, start + 60)])
        return (start > 0 ? "…" : "") + slice + (start + 60 < chars.count ? "…" : "")
    }

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
        for (i, t) in item.turns.enumerated().dropLast() where t.from == .gpt {
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
    /// With `turnsOnlyWhereLLaVANeedsThem`, the turns of items a LLaVA export writes as their record's bytes
    /// (whole records of LLaVA files: no candidate turn, no part) are left empty, unread: an export of
    /// every item then never decodes (or holds) their text.
    static func allWithoutOriginals(_ db: Database, turnsOnlyWhereLLaVANeedsThem: Bool = false) throws -> [Item] {
        try Item.fetchAll(db, sql: """
            SELECT i.id, i.key, i.group_key, i.image, i.captions,
                   CASE WHEN ? = 0 OR i.turn_index IS NOT NULL OR i.part != '' OR coalesce(s.format, 'llava') != 'llava'
                        THEN i.turns ELSE '[]' END AS turns,
                   i.fields, i.source_name, i.record_index, i.part, i.source_file_id,
                   i.turn_index, i.candidate_index, X'' AS original, i.content_hash
            FROM item i LEFT JOIN source_file s ON s.id = i.source_file_id ORDER BY i.id
            """, arguments: [turnsOnlyWhereLLaVANeedsThem])
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

        init(_ db: Database) throws { statement = try db.makeStatement(sql: "SELECT \(Item.originalColumn) FROM item WHERE id = ?") }

        /// The bytes of item `id` (empty when it has none).
        func bytes(of id: Int64?) throws -> Data { try Data.fetchOne(statement, arguments: [id]) ?? Data() }
    }
}
