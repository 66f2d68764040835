import Foundation
import GRDB

extension QueuePolicy {
    /// The unlabeled items (no current label by an annotator or a lead), with group, image and simhash.
    public static func candidates(_ db: Database) throws -> [Candidate] {
        let labeled = Set(try Int64.fetchAll(db, sql: "SELECT DISTINCT item_id FROM current_label WHERE role IN ('annotator', 'gold')"))
        var result: [Candidate] = []
        let rows = try Row.fetchCursor(db, sql: """
            SELECT i.id, i.group_key, i.image, coalesce(f.simhash, 0) AS simhash FROM item i
            LEFT JOIN item_features f ON f.item_id = i.id ORDER BY i.id
            """)
        while let row = try rows.next() {
            let id: Int64 = row["id"]
            if labeled.contains(id) { continue }
            result.append(Candidate(id: id, group: row["group_key"], image: row["image"], simhash: UInt64(bitPattern: row["simhash"] as Int64)))
        }
        return result
    }
}
