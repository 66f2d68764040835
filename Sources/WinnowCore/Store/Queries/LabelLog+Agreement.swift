import GRDB

/// The label log as the agreement statistics read it: their loaders live here, beside the log, and
/// `AgreementReport` is computed from the values they return.
extension LabelLog {
    /// The current labels of role `annotator` and `gold` given under `rubric` (by content hash: a label
    /// means what the rubric it was given under said), in item order, read through the rubric.
    public func agreementLabels(rubric: Rubric) throws -> [AgreementLabel] {
        try store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.id, i.key AS item_key, i.group_key, c.annotator, c.role, c.at, c.scores, c.mode FROM current_label c
                JOIN item i ON i.id = c.item_id
                WHERE c.role IN ('annotator', 'gold') AND c.rubric_hash = ?
                ORDER BY c.item_id, c.role, c.annotator
                """, arguments: [rubric.contentHash]).map { row in
                AgreementLabel(
                    item: row["item_key"], annotator: row["annotator"],
                    role: try LabelRole.decode(row["role"], table: "label_event", row: row["id"]),
                    at: row["at"], values: LabelLog.values(fromScores: row["scores"], rubric: rubric), group: row["group_key"],
                    mode: try LabelMode.decode(row["mode"], row: row["id"]))
            }
        }
    }

    /// The rubric of the most recently written current `annotator` label, from the `rubric` table; nil
    /// when there is no such label.
    public func latestAnnotatorRubric() throws -> Rubric? {
        let normalized = try store.pool.read { db in
            try String.fetchOne(db, sql: """
                SELECT r.normalized FROM current_label c JOIN rubric r ON r.hash = c.rubric_hash
                WHERE c.role = 'annotator' ORDER BY c.id DESC LIMIT 1
                """)
        }
        return try normalized.map { try Rubric(normalizedJSON: $0) }
    }
}
