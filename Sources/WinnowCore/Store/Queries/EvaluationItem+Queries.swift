import Foundation
import GRDB

extension EvaluationItem {
    /// Every item of the database, by id.
    public static func all(_ db: Database) throws -> [Int64: EvaluationItem] {
        var result: [Int64: EvaluationItem] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, group_key, image FROM item") {
            let item = EvaluationItem(id: row["id"], group: row["group_key"], image: row["image"])
            result[item.id] = item
        }
        return result
    }
}
