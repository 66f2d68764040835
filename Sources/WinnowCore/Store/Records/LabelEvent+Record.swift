import GRDB

/// `label_event` rows: the label log's record. Columns are named here once.
extension LabelEvent: FetchableRecord {
    enum Columns {
        static let id = "id", itemId = "item_id", annotator = "annotator", role = "role", source = "source"
        static let action = "action", undoes = "undoes", rubricHash = "rubric_hash", scores = "scores", at = "at"
        static let activeSeconds = "active_seconds", note = "note", flag = "flag", mode = "mode"
    }

    /// Decodes a `label_event` (or `current_label`) row; an unknown role or action is an error naming
    /// the row, never a silent default.
    public init(row: Row) throws {
        id = row[Columns.id]
        itemId = row[Columns.itemId]
        annotator = row[Columns.annotator]
        role = try LabelRole.decode(row[Columns.role], table: "label_event", row: id)
        source = row[Columns.source]
        let actionText: String = row[Columns.action]
        guard let action = LabelAction(rawValue: actionText) else {
            throw StoreError.unknownValue(table: "label_event", row: id, column: "action", value: actionText)
        }
        self.action = action
        undoes = row[Columns.undoes]
        rubricHash = row[Columns.rubricHash]
        scores = row[Columns.scores]
        at = row[Columns.at]
        activeSeconds = row[Columns.activeSeconds]
        note = row[Columns.note]
        flag = row[Columns.flag]
        mode = try LabelMode.decode(row[Columns.mode], row: id)
    }

    /// Appends the row; returns it with its id.
    @discardableResult
    public func insert(_ db: Database) throws -> LabelEvent {
        try db.cachedStatement(sql: """
            INSERT INTO label_event(item_id, annotator, role, source, action, undoes, rubric_hash, scores, at,
                                    active_seconds, note, flag, mode)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                itemId, annotator, role.rawValue, source, action.rawValue, undoes, rubricHash, scores, at, activeSeconds,
                note, flag, mode.rawValue,
            ])
        var saved = self
        saved.id = db.lastInsertedRowID
        return saved
    }
}

extension LabelMode {
    /// The mode a stored `mode` column names (absent: `item`); an unknown one is an error naming the row.
    static func decode(_ text: String?, row: Int64?) throws -> LabelMode {
        guard let text else { return .item }
        guard let mode = LabelMode(rawValue: text) else {
            throw StoreError.unknownValue(table: "label_event", row: row, column: "mode", value: text)
        }
        return mode
    }
}

extension LabelRole {
    /// The role a stored `role` column names; an unknown one is an error naming the table and row.
    static func decode(_ text: String, table: String, row: Int64?) throws -> LabelRole {
        guard let role = LabelRole(rawValue: text) else {
            throw StoreError.unknownValue(table: table, row: row, column: "role", value: text)
        }
        return role
    }

    /// `('annotator', 'gold')`-style SQL list of roles (the raw values are fixed identifiers, never input).
    static func sqlList(_ roles: [LabelRole]) -> String {
        "(" + roles.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
    }
}

extension StoredRubric {
    /// Records the rubric if this hash is new.
    public func save(_ db: Database) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO rubric(hash, name, version, normalized, added_at) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [hash, name, version, normalized, Timestamp.now()])
    }
}
