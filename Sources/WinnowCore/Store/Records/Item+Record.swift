import Foundation
import GRDB

/// `item` rows as `Item` values.
extension Item: FetchableRecord {
    /// The `item` columns, named here once.
    enum Columns {
        static let id = "id", key = "key", group = "group_key", image = "image", captions = "captions", turns = "turns"
        static let fields = "fields", sourceName = "source_name", recordIndex = "record_index", part = "part"
        static let turnIndex = "turn_index", candidateIndex = "candidate_index", original = "original"
        /// What `Item(row:)` reads, in this order.
        static let read = [id, key, group, image, captions, turns, fields, sourceName, recordIndex, part, turnIndex, candidateIndex]
    }

    public init(row: Row) throws {
        id = row[Columns.id]
        key = row[Columns.key]
        group = row[Columns.group]
        image = row[Columns.image]
        captions = (try? JSONParser.parse(row[Columns.captions] as String))?.arrayValue?.compactMap(\.stringValue) ?? []
        turns = try Turn.stored(row[Columns.turns], item: row[Columns.id])
        fields = (try? JSONParser.parse(row[Columns.fields] as String))?.objectValue ?? JSONObject()
        sourceName = row[Columns.sourceName]
        recordIndex = row[Columns.recordIndex]
        part = row[Columns.part]
        turnIndex = row[Columns.turnIndex]
        candidateIndex = row[Columns.candidateIndex]
        original = row[Columns.original]
    }
}

extension Turn {
    /// An `item` row's `turns` column read back; a turn that is not `{"from": human|gpt, "value": text}` is
    /// an error naming the row, never left out or guessed.
    static func stored(_ json: String?, item: Int64?) throws -> [Turn] {
        guard let json, let list = (try? JSONParser.parse(json))?.arrayValue else {
            throw StoreError.unknownValue(table: "item", row: item, column: "turns", value: String((json ?? "NULL").prefix(80)))
        }
        return try list.map { value in
            guard let o = value.objectValue, let text = o["value"]?.stringValue else {
                throw StoreError.unknownValue(table: "item", row: item, column: "turns", value: String(value.serialized().prefix(80)))
            }
            let from = o["from"]?.stringValue ?? ""
            guard let speaker = Speaker(rawValue: from) else {
                throw StoreError.unknownValue(table: "item", row: item, column: "turns.from", value: from)
            }
            return Turn(from: speaker, value: text)
        }
    }
}

extension Item {
    /// An `item` row's original record bytes: its own, or (for an item of a record that gives several)
    /// the record's, kept once in `record_original`.
    static let originalColumn = "coalesce((SELECT r.bytes FROM record_original r WHERE r.id = item.record_original_id), item.original)"

    /// The columns `Item(row:)` reads, selected from `item`.
    static let columns = Columns.read.joined(separator: ", ") + ", \(originalColumn) AS \(Columns.original)"

    /// Looks an item up by key.
    public static func fetch(_ db: Database, key: String) throws -> Item? {
        try Item.fetchOne(db, sql: "SELECT \(columns) FROM item WHERE key = ?", arguments: [key])
    }

    public static func fetch(_ db: Database, id: Int64) throws -> Item? {
        try Item.fetchOne(db, sql: "SELECT \(columns) FROM item WHERE id = ?", arguments: [id])
    }
}
