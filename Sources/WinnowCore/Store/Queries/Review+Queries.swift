import GRDB

/// The label log as the lead's review reads and writes it.
extension LabelLog {
    /// The current labels of role `annotator` and `gold` given under `rubric`, in item then annotator
    /// order, with their notes, flags and times.
    public func reviewLabels(rubric: Rubric) throws -> [ReviewLabel] {
        try store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.*, i.key AS item_key FROM current_label c JOIN item i ON i.id = c.item_id
                WHERE c.role IN ('annotator', 'gold') AND c.rubric_hash = ?
                ORDER BY c.item_id, c.role, c.annotator
                """, arguments: [rubric.contentHash]).map { row in
                let event = try LabelEvent(row: row)
                return ReviewLabel(
                    eventId: event.id!, itemId: event.itemId, itemKey: row["item_key"], annotator: event.annotator, role: event.role,
                    source: event.source, values: LabelLog.values(fromScores: event.scores, rubric: rubric), note: event.note,
                    flag: event.flag, seconds: event.activeSeconds, at: event.at)
            }
        }
    }

    /// Current annotator labels with a flag, under any rubric, in item then annotator order.
    public func flaggedLabels() throws -> [CurrentLabel] {
        try store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.*, i.key AS item_key FROM current_label c JOIN item i ON i.id = c.item_id
                WHERE c.role = 'annotator' AND c.flag = 1 ORDER BY i.id, c.annotator
                """).map { CurrentLabel(event: try LabelEvent(row: $0), itemKey: $0["item_key"]) }
        }
    }

    /// The item's current gold labels other than `except`'s, taken back (undo rows) inside `db`'s transaction.
    static func replaceGold(_ db: Database, itemId: Int64, except annotator: String) throws -> [LabelEvent] {
        let others = try LabelEvent.fetchAll(
            db, sql: "SELECT * FROM current_label WHERE item_id = ? AND role = 'gold' AND annotator != ?", arguments: [itemId, annotator])
        for other in others {
            try LabelEvent(itemId: other.itemId, annotator: other.annotator, role: .gold, source: other.source, action: .undo,
                           undoes: other.id, rubricHash: other.rubricHash, scores: nil).insert(db)
        }
        return others
    }

    /// Saves a lead's gold label for an item in one transaction: the item's other gold labels (another
    /// lead's, or automatic acceptance) are taken back, so an item has one gold label.
    @discardableResult
    public func saveGold(itemId: Int64, lead: String, rubric: StoredRubric, scores: String, activeSeconds: Double,
                         note: String? = nil) throws -> (event: LabelEvent, replaced: [LabelEvent]) {
        try store.write { db in
            let replaced = try Self.replaceGold(db, itemId: itemId, except: lead)
            let event = try Self.save(db, itemId: itemId, annotator: lead, role: .gold, rubric: rubric, scores: scores,
                                      activeSeconds: activeSeconds, note: note)
            return (event, replaced)
        }
    }

    /// Accepts items as gold automatically (annotator `auto`, source `unanimous`), in one transaction;
    /// an item that has gold by the time this runs is left alone. Returns how many were accepted.
    @discardableResult
    public func acceptUnanimous(_ items: [(itemId: Int64, values: [String: ScoreValue])], rubric: Rubric) throws -> Int {
        guard !items.isEmpty else { return 0 }
        let stored = StoredRubric(rubric)
        return try store.write { db in
            try stored.save(db)
            var accepted = 0
            for item in items {
                let hasGold = try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM current_label WHERE item_id = ? AND role = 'gold')", arguments: [item.itemId]) ?? false
                if hasGold { continue }
                _ = try Self.append(
                    db, itemId: item.itemId, annotator: Adjudication.automaticAnnotator, role: .gold, source: Adjudication.unanimousSource,
                    rubricHash: stored.hash, scores: Self.scoresJSON(item.values, rubric: rubric), activeSeconds: 0, note: nil, flag: false,
                    at: Timestamp.now())
                accepted += 1
            }
            return accepted
        }
    }
}
