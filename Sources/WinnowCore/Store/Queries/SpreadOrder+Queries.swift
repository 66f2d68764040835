import Foundation
import GRDB

extension SpreadOrder {
    /// The spread order of every item in the store.
    public static func order(_ db: Database, seed: UInt64) throws -> [Int64] {
        let entries = try Row.fetchAll(db, sql: """
            SELECT id, group_key, coalesce(CAST(json_extract(fields, '$.type') AS TEXT), '') AS type FROM item ORDER BY id
            """).map { Entry(id: $0["id"], group: $0["group_key"], type: $0["type"]) }
        return order(entries, seed: seed)
    }
}
