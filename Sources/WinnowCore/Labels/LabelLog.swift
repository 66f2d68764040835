import GRDB

/// The current label of an (item, annotator, role), derived from the log (view `current_label`).
public struct CurrentLabel: Sendable, Equatable {
    public var event: LabelEvent
    public var itemKey: String
}

/// Operations on the append-only label log. Each write is its own transaction, committed before it
/// returns, so a label the screen has saved survives a kill -9 that follows.
public struct LabelLog: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// Save and edit rows that no undo took back. An (item, annotator, role) has a current label exactly
    /// when it has one of these (its current label is the latest of them), so asking who has labeled what
    /// needs only this filter, not the `current_label` view, which finds each latest row with a correlated
    /// subquery (a few milliseconds per thousand labels, on the way to the first item).
    public static let standingEvents = """
        SELECT * FROM label_event e WHERE e.action IN ('save', 'edit') AND NOT EXISTS (SELECT 1 FROM label_event u WHERE u.undoes = e.id)
        """

    /// Scores as the log stores them: a JSON object in rubric order.
    public static func scoresJSON(_ values: [String: ScoreValue], rubric: Rubric) -> String {
        var object = JSONObject()
        for criterion in rubric.criteria {
            if let value = values[criterion.id] { object.members.append(.init(key: criterion.id, value: value.json)) }
        }
        return JSONValue.object(object).serialized()
    }

    /// Reads stored scores back as rubric values; values the rubric no longer has are left out.
    public static func values(fromScores scores: String?, rubric: Rubric) -> [String: ScoreValue] {
        guard let scores, let object = (try? JSONParser.parse(scores))?.objectValue else { return [:] }
        var result: [String: ScoreValue] = [:]
        for member in object.members {
            if let criterion = rubric.criterion(member.key), let value = criterion.value(from: member.value) {
                result[member.key] = value
            }
        }
        return result
    }

    /// Saves a label: a `save` row when the (item, annotator, role) has no current label, else an `edit`.
    @discardableResult
    public func save(
        itemId: Int64, annotator: String, role: LabelRole = .annotator, source: String? = nil, rubric: StoredRubric,
        scores: String, activeSeconds: Double, note: String? = nil, flag: Bool = false, at: String = Timestamp.now()
    ) throws -> LabelEvent {
        try store.pool.write { db in
            try Self.save(
                db, itemId: itemId, annotator: annotator, role: role, source: source, rubric: rubric, scores: scores,
                activeSeconds: activeSeconds, note: note, flag: flag, at: at)
        }
    }

    /// `save` inside the caller's write transaction (the labeling screen commits a save together with
    /// the lease of the next item).
    public static func save(
        _ db: Database, itemId: Int64, annotator: String, role: LabelRole = .annotator, source: String? = nil, rubric: StoredRubric,
        scores: String, activeSeconds: Double, note: String? = nil, flag: Bool = false, at: String = Timestamp.now()
    ) throws -> LabelEvent {
        try rubric.save(db)
        return try append(
            db, itemId: itemId, annotator: annotator, role: role, source: source, rubricHash: rubric.hash, scores: scores,
            activeSeconds: activeSeconds, note: note, flag: flag, at: at)
    }

    static func append(
        _ db: Database, itemId: Int64, annotator: String, role: LabelRole, source: String?, rubricHash: String, scores: String,
        activeSeconds: Double, note: String?, flag: Bool, at: String
    ) throws -> LabelEvent {
        let hasCurrent = try current(db, itemId: itemId, annotator: annotator, role: role) != nil
        return try LabelEvent(
            itemId: itemId, annotator: annotator, role: role, source: source, action: hasCurrent ? .edit : .save,
            rubricHash: rubricHash, scores: scores, at: at, activeSeconds: activeSeconds, note: note, flag: flag
        ).insert(db)
    }

    /// Takes back a save or edit; the label falls back to what it was before that row.
    @discardableResult
    public func undo(_ event: LabelEvent) throws -> LabelEvent {
        guard let id = event.id else { throw LabelError.notSaved }
        return try store.pool.write { db in
            try LabelEvent(
                itemId: event.itemId, annotator: event.annotator, role: event.role, source: event.source, action: .undo,
                undoes: id, rubricHash: event.rubricHash, scores: nil
            ).insert(db)
        }
    }

    public func current(itemId: Int64, annotator: String, role: LabelRole = .annotator) throws -> LabelEvent? {
        try store.pool.read { db in try Self.current(db, itemId: itemId, annotator: annotator, role: role) }
    }

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
}

public enum LabelError: Error, CustomStringConvertible, Equatable {
    case notSaved

    public var description: String {
        switch self {
        case .notSaved: return "the label was never saved"
        }
    }
}

extension StoredRubric {
    public init(_ rubric: Rubric) {
        self.init(hash: rubric.contentHash, name: rubric.name, version: rubric.version, normalized: rubric.normalizedJSON)
    }
}

extension ScoreValue {
    /// The number of a scale value; nil for choices and flags.
    public var numberValue: Double? {
        if case .number(let n) = self { return n }
        return nil
    }
}

extension LabelLog {
    /// The figures the labeling header shows.
    public struct Progress: Sendable, Equatable {
        public var items: Int
        /// Items with a current label by an annotator or a lead.
        public var labeled: Int
        /// This annotator's current labels and their active seconds, for their pace.
        public var mine: Int
        public var mySeconds: Double
    }

    public func progress(annotator: String) throws -> Progress {
        try store.pool.read { db in
            let items = try Int.fetchOne(db, sql: "SELECT count(*) FROM item") ?? 0
            let labeled = try Int.fetchOne(db, sql: "SELECT count(DISTINCT item_id) FROM (\(LabelLog.standingEvents)) WHERE role IN ('annotator', 'gold')") ?? 0
            let row = try Row.fetchOne(db, sql: """
                SELECT count(*) AS n, coalesce(sum(active_seconds), 0) AS s FROM current_label
                WHERE annotator = ? AND role = 'annotator'
                """, arguments: [annotator])
            return Progress(items: items, labeled: labeled, mine: row?["n"] ?? 0, mySeconds: row?["s"] ?? 0)
        }
    }

    public func event(id: Int64) throws -> LabelEvent? {
        try store.pool.read { db in try LabelEvent.fetchOne(db, sql: "SELECT * FROM label_event WHERE id = ?", arguments: [id]) }
    }
}

extension Store {
    public func item(id: Int64) throws -> Item? { try pool.read { db in try Item.fetch(db, id: id) } }
    public func item(key: String) throws -> Item? { try pool.read { db in try Item.fetch(db, key: key) } }

    /// For a candidate answer: the indices (into its `turns`) of the earlier turns that were candidate lists
    /// too, shown by their first candidate (context nobody checked); empty for other items.
    public func candidateContextTurns(of item: Item) throws -> Set<Int> {
        guard let turn = item.turnIndex, turn > 0 else { return [] }
        let earlier = try pool.read { db in
            try Set(Int.fetchAll(db, sql: """
                SELECT DISTINCT turn_index FROM item WHERE source_name = ? AND record_index = ? AND turn_index < ?
                """, arguments: [item.sourceName, item.recordIndex, turn]))
        }
        var result: Set<Int> = []
        var gptIndex = 0
        for (i, t) in item.turns.enumerated().dropLast() where t.from == "gpt" {
            if earlier.contains(gptIndex) { result.insert(i) }
            gptIndex += 1
        }
        return result
    }
}
