import GRDB

/// `draft` rows: one per (item, annotator), replaced as the values change.
extension Draft {
    enum Columns {
        static let itemId = "item_id", annotator = "annotator", rubricHash = "rubric_hash", scores = "scores", note = "note"
        static let flag = "flag", updatedAt = "updated_at"
    }

    init(row: Row) {
        itemId = row[Columns.itemId]
        annotator = row[Columns.annotator]
        rubricHash = row[Columns.rubricHash]
        scores = row[Columns.scores]
        note = row[Columns.note]
        flag = row[Columns.flag]
        updatedAt = row[Columns.updatedAt]
    }

    /// Writes (or replaces) the draft, committed before it returns.
    public func save(store: Store) throws {
        try store.write { db in
            try db.cachedStatement(sql: """
                INSERT INTO draft(item_id, annotator, rubric_hash, scores, note, flag, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(item_id, annotator) DO UPDATE SET rubric_hash = excluded.rubric_hash, scores = excluded.scores,
                    note = excluded.note, flag = excluded.flag, updated_at = excluded.updated_at
                """).execute(arguments: [itemId, annotator, rubricHash, scores, note, flag, updatedAt])
        }
    }

    /// The annotator's draft of an item, if any.
    public static func load(store: Store, itemId: Int64, annotator: String) throws -> Draft? {
        try store.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM draft WHERE item_id = ? AND annotator = ?"),
                             arguments: [itemId, annotator]).map(Draft.init(row:))
        }
    }

    public static func delete(store: Store, itemId: Int64, annotator: String) throws {
        try store.write { db in try delete(db, itemId: itemId, annotator: annotator) }
    }

    static func delete(_ db: Database, itemId: Int64, annotator: String) throws {
        try db.cachedStatement(sql: "DELETE FROM draft WHERE item_id = ? AND annotator = ?").execute(arguments: [itemId, annotator])
    }

    /// Every draft, by item then annotator (for `status` and tests).
    public static func all(store: Store) throws -> [Draft] {
        try store.read { db in try Row.fetchAll(db, sql: "SELECT * FROM draft ORDER BY item_id, annotator").map(Draft.init(row:)) }
    }
}
