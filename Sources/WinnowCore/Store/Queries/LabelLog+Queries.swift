import GRDB

/// The label log's queries: current labels, progress and single events.
extension LabelLog {
    /// Save and edit rows that no undo took back. An (item, annotator, role) has a current label exactly
    /// when it has one of these (its current label is the latest of them), so asking who has labeled what
    /// needs only this filter, not the `current_label` view, which finds each latest row with a correlated
    /// subquery (a few milliseconds per thousand labels, on the way to the first item).
    public static let standingEvents = """
        SELECT * FROM label_event e WHERE e.action IN ('save', 'edit') AND NOT EXISTS (SELECT 1 FROM label_event u WHERE u.undoes = e.id)
        """

    static func current(_ db: Database, itemId: Int64, annotator: String, role: LabelRole) throws -> LabelEvent? {
        try LabelEvent.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM current_label WHERE item_id = ? AND annotator = ? AND role = ?"),
            arguments: [itemId, annotator, role.rawValue])
    }

    /// Every current label, in item then annotator order; only those given under `rubricHash` if set.
    public func currentLabels(rubricHash: String? = nil) throws -> [CurrentLabel] {
        try store.pool.read { db in
            var sql = "SELECT c.*, i.key AS item_key FROM current_label c JOIN item i ON i.id = c.item_id"
            var arguments: StatementArguments = []
            if let rubricHash {
                sql += " WHERE c.rubric_hash = ?"
                arguments = [rubricHash]
            }
            sql += " ORDER BY i.id, c.role, c.annotator"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                CurrentLabel(event: try LabelEvent(row: $0), itemKey: $0["item_key"])
            }
        }
    }

    public func progress(annotator: String) throws -> Progress {
        let config = Config(store: store)
        let overlap = try config.double(.overlap), minAnnotators = try config.integer(.minAnnotators)
        let seed = UInt64(try config.integer(.seed))
        return try store.pool.read { db in
            let items = try Int.fetchOne(db, sql: "SELECT count(*) FROM item") ?? 0
            let labeledItems = try LeaseQueries.labeledItems(db, annotator: annotator, withKeys: overlap > 0)
            let row = try Row.fetchOne(db, sql: """
                SELECT count(*) AS n, coalesce(sum(active_seconds), 0) AS s FROM current_label
                WHERE annotator = ? AND role = 'annotator'
                """, arguments: [annotator])
            // Open to me: never labeled, or an overlap item that still needs people and not yet me.
            let stillOpen = labeledItems.filter {
                !$0.mine && $0.people < minAnnotators && ItemServer.isInOverlapSample(key: $0.key, overlap: overlap, seed: seed)
            }.count
            return Progress(items: items, labeled: labeledItems.count, mine: row?["n"] ?? 0, mySeconds: row?["s"] ?? 0,
                            leftForMe: items - labeledItems.count + stillOpen)
        }
    }

    /// The annotator's current labels (role annotator), oldest first: (item, its latest save or edit).
    public func history(annotator: String) throws -> [(item: Int64, event: Int64)] {
        try store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT item_id, max(id) AS id FROM (\(LabelLog.standingEvents)) WHERE annotator = ? AND role = 'annotator'
                GROUP BY item_id ORDER BY id
                """, arguments: [annotator]).map { (item: $0["item_id"], event: $0["id"]) }
        }
    }

    public func event(id: Int64) throws -> LabelEvent? {
        try store.pool.read { db in try LabelEvent.fetchOne(db, sql: "SELECT * FROM label_event WHERE id = ?", arguments: [id]) }
    }

    /// Every row of the log, oldest first.
    public func events() throws -> [LabelEvent] {
        try store.pool.read { db in try LabelEvent.fetchAll(db, sql: "SELECT * FROM label_event ORDER BY id") }
    }
}

extension Store {
    /// Every row of the label log, oldest first (what a test or an audit reads back).
    public func labelEvents() throws -> [LabelEvent] { try LabelLog(store: self).events() }
}

extension LabelLog {
    /// The newest label event's id; 0 for an empty log.
    static func lastEventId(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM label_event") ?? 0
    }

    public func lastEventId() throws -> Int64 { try store.pool.read { db in try Self.lastEventId(db) } }

    /// Label events of `roles` after event `id`.
    public func eventCount(after id: Int64, roles: [LabelRole]) throws -> Int {
        try store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM label_event WHERE id > ? AND role IN \(LabelRole.sqlList(roles))",
                             arguments: [id]) ?? 0
        }
    }

    /// The scores of the current `imported` label of `source` on item `itemId`.
    static func currentImportedScores(_ db: Database, itemId: Int64, source: String) throws -> String? {
        try String.fetchOne(
            db, sql: "SELECT scores FROM current_label WHERE item_id = ? AND annotator = ? AND role = 'imported'",
            arguments: [itemId, source])
    }

    /// How many current labels each (annotator, role) gave under `rubricHash`, in annotator then role order.
    static func labelCounts(_ db: Database, rubricHash: String) throws -> [(annotator: String, role: String, count: Int)] {
        try Row.fetchAll(db, sql: """
            SELECT annotator, role, count(*) AS n FROM current_label WHERE rubric_hash = ? GROUP BY annotator, role ORDER BY annotator, role
            """, arguments: [rubricHash]).map { ($0["annotator"], $0["role"], $0["n"]) }
    }
}
