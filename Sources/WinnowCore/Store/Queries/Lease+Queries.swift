import GRDB

/// The queue's tables: `lease` (who holds which item until when) and `serve_log` (why each item was
/// served), with the label counts serving needs.
enum LeaseQueries {
    /// One labeled item as serving sees it: how many people label it, and whether `annotator` does.
    struct LabeledItem {
        var id: Int64
        /// Empty unless keys were asked for.
        var key: String
        var people: Int
        var mine: Bool
    }

    /// Every item with a standing label by an annotator or a lead, in id order.
    static func labeledItems(_ db: Database, annotator: String, withKeys: Bool) throws -> [LabeledItem] {
        // Keys (for the overlap sample) only when asked: reading them is a page per labeled item.
        let key = withKeys ? "(SELECT key FROM item i WHERE i.id = c.item_id)" : "''"
        return try Row.fetchAll(db, sql: """
            SELECT c.item_id, \(key) AS key, count(DISTINCT c.annotator) AS people, max(c.annotator = ?) AS mine
            FROM (\(LabelLog.standingEvents)) c
            WHERE c.role IN ('annotator', 'gold') GROUP BY c.item_id ORDER BY c.item_id
            """, arguments: [annotator]).map { row in
            LabeledItem(id: row["item_id"], key: row["key"], people: row["people"], mine: row["mine"])
        }
    }

    /// The smallest and largest item id; nil without items.
    static func idRange(_ db: Database) throws -> ClosedRange<Int64>? {
        // Two subqueries: SQLite answers a lone min() or max() from the index, both in one query by a scan.
        try Row.fetchOne(db, sql: "SELECT (SELECT min(id) FROM item) AS lo, (SELECT max(id) FROM item) AS hi").flatMap { row in
            guard let lo = row["lo"] as Int64?, let hi = row["hi"] as Int64? else { return nil }
            return lo...hi
        }
    }

    /// The first item id at or after `probe`.
    static func itemId(_ db: Database, atOrAfter probe: Int64) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM item WHERE id >= ? ORDER BY id LIMIT 1"), arguments: [probe])
    }

    /// The key of item `id`.
    static func key(_ db: Database, item id: Int64) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT key FROM item WHERE id = ?"), arguments: [id])
    }

    /// The item `annotator` holds a live lease on and has not labeled yet, the latest first (an overlap
    /// item someone else has labeled is still theirs to resume; leasing it checks whether it is open).
    static func resumable(_ db: Database, annotator: String, now: Double) throws -> Int64? {
        try Int64.fetchOne(db, sql: """
            SELECT l.item_id FROM lease l
            WHERE l.annotator = ? AND l.expires_at > ?
              AND NOT EXISTS (SELECT 1 FROM current_label c WHERE c.item_id = l.item_id AND c.annotator = l.annotator
                              AND c.role IN ('annotator', 'gold'))
            ORDER BY l.expires_at DESC LIMIT 1
            """, arguments: [annotator, now])
    }

    /// Who has a current label by an annotator or a lead on item `id`.
    static func labelers(_ db: Database, item id: Int64) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: """
            SELECT DISTINCT annotator FROM current_label WHERE item_id = ? AND role IN ('annotator', 'gold')
            """), arguments: [id])
    }

    /// Items with a standing gold label that `annotator` has not labeled (as an annotator or as the lead
    /// who set the gold): the control items they may be served, in id order.
    static func controlCandidates(_ db: Database, annotator: String) throws -> [Int64] {
        try Int64.fetchAll(db, sql: """
            SELECT DISTINCT g.item_id FROM (\(LabelLog.standingEvents)) g WHERE g.role = 'gold'
              AND NOT EXISTS (SELECT 1 FROM label_event a
                              WHERE a.item_id = g.item_id AND a.annotator = ? AND a.role IN ('annotator', 'gold') AND a.action IN ('save', 'edit')
                                AND NOT EXISTS (SELECT 1 FROM label_event u WHERE u.undoes = a.id))
            ORDER BY g.item_id
            """, arguments: [annotator])
    }

    /// Who other than `annotator` holds a live lease on item `id`.
    static func holders(_ db: Database, item id: Int64, except annotator: String, now: Double) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: """
            SELECT annotator FROM lease WHERE item_id = ? AND annotator <> ? AND expires_at > ?
            """), arguments: [id, annotator, now])
    }

    /// Leases (or renews) item `id` for `annotator` until `expiresAt`.
    static func lease(_ db: Database, item id: Int64, annotator: String, expiresAt: Double) throws {
        try db.cachedStatement(sql: """
            INSERT INTO lease(item_id, annotator, expires_at) VALUES (?, ?, ?)
            ON CONFLICT(item_id, annotator) DO UPDATE SET expires_at = excluded.expires_at
            """).execute(arguments: [id, annotator, expiresAt])
    }

    static func release(_ db: Database, item id: Int64, annotator: String) throws {
        try db.cachedStatement(sql: "DELETE FROM lease WHERE item_id = ? AND annotator = ?").execute(arguments: [id, annotator])
    }

    /// Records why item `id` was served to `annotator`.
    static func logServe(_ db: Database, item id: Int64, annotator: String, reason: String, modelVersion: Int64?,
                         uncertainty: Double?, at: String) throws {
        try db.cachedStatement(sql: """
            INSERT INTO serve_log(item_id, annotator, reason, model_version, uncertainty, at) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [id, annotator, reason, modelVersion, uncertainty, at])
    }

    /// The items whose first serving was an exploration pick.
    static func exploredItems(_ db: Database) throws -> Set<Int64> {
        Set(try Int64.fetchAll(db, sql: """
            SELECT s.item_id FROM serve_log s
            WHERE s.id = (SELECT min(id) FROM serve_log f WHERE f.item_id = s.item_id) AND s.reason = 'explore'
            """))
    }
}
