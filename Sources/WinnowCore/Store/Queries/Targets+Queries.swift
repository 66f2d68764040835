import Foundation
import GRDB

extension Targets {
    /// The current labels of the roles the model learns from, given under `rubric`, and the newest
    /// label event's id (what the snapshot held).
    public static func labels(_ db: Database, rubric: Rubric, useImported: Bool) throws -> (labels: [TargetLabel], lastEventId: Int64) {
        let roles = LabelRole.sqlList(useImported ? [.annotator, .gold, .imported] : [.annotator, .gold])
        // Labels mean what their rubric said: only those given under this rubric (its content hash) count.
        let rows = try Row.fetchAll(
            db, sql: "SELECT id, item_id, annotator, role, scores FROM current_label WHERE role IN \(roles) AND rubric_hash = ?",
            arguments: [rubric.contentHash])
        let labels = try rows.map { row in
            TargetLabel(
                itemId: row["item_id"], annotator: row["annotator"], role: try LabelRole.decode(row["role"], table: "label_event", row: row["id"]),
                values: LabelLog.values(fromScores: row["scores"], rubric: rubric))
        }
        let last = try LabelLog.lastEventId(db)
        return (labels, last)
    }
}
