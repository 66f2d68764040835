import Foundation
import GRDB

/// `item` rows as `Item` values.
extension Item: FetchableRecord {
    public init(row: Row) throws {
        id = row["id"]
        key = row["key"]
        group = row["group_key"]
        image = row["image"]
        captions = (try? JSONParser.parse(row["captions"] as String))?.arrayValue?.compactMap(\.stringValue) ?? []
        turns = ((try? JSONParser.parse(row["turns"] as String))?.arrayValue ?? []).compactMap { value in
            guard let o = value.objectValue, let from = o["from"]?.stringValue, let text = o["value"]?.stringValue else { return nil }
            return Turn(from: from, value: text)
        }
        fields = (try? JSONParser.parse(row["fields"] as String))?.objectValue ?? JSONObject()
        sourceName = row["source_name"]
        recordIndex = row["record_index"]
        part = row["part"]
        turnIndex = row["turn_index"]
        candidateIndex = row["candidate_index"]
        original = row["original"]
    }
}

extension Item {
    /// Looks an item up by key.
    public static func fetch(_ db: Database, key: String) throws -> Item? {
        try Item.fetchOne(db, sql: "SELECT * FROM item WHERE key = ?", arguments: [key])
    }

    public static func fetch(_ db: Database, id: Int64) throws -> Item? {
        try Item.fetchOne(db, sql: "SELECT * FROM item WHERE id = ?", arguments: [id])
    }
}
