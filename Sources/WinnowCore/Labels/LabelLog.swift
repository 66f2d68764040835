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
        try store.write { db in
            try Self.save(
                db, itemId: itemId, annotator: annotator, role: role, source: source, rubric: rubric, scores: scores,
                activeSeconds: activeSeconds, note: note, flag: flag, at: at)
        }
    }

    /// `save` inside the caller's write transaction (the labeling screen commits a save together with
    /// the lease of the next item).
    public static func save(
        _ db: Database, itemId: Int64, annotator: String, role: LabelRole = .annotator, source: String? = nil, rubric: StoredRubric,
        scores: String, activeSeconds: Double, note: String? = nil, flag: Bool = false, at: String = Timestamp.now(),
        mode: LabelMode = .item
    ) throws -> LabelEvent {
        try rubric.save(db)
        // The annotator's unsaved values of the item are the label now.
        if role == .annotator { try Draft.delete(db, itemId: itemId, annotator: annotator) }
        return try append(
            db, itemId: itemId, annotator: annotator, role: role, source: source, rubricHash: rubric.hash, scores: scores,
            activeSeconds: activeSeconds, note: note, flag: flag, at: at, mode: mode)
    }

    static func append(
        _ db: Database, itemId: Int64, annotator: String, role: LabelRole, source: String?, rubricHash: String, scores: String,
        activeSeconds: Double, note: String?, flag: Bool, at: String, mode: LabelMode = .item
    ) throws -> LabelEvent {
        let hasCurrent = try current(db, itemId: itemId, annotator: annotator, role: role) != nil
        return try LabelEvent(
            itemId: itemId, annotator: annotator, role: role, source: source, action: hasCurrent ? .edit : .save,
            rubricHash: rubricHash, scores: scores, at: at, activeSeconds: activeSeconds, note: note, flag: flag, mode: mode
        ).insert(db)
    }

    /// One candidate's values on the group screen, as `saveGroup` writes them.
    public struct GroupMember: Sendable, Equatable {
        public var itemId: Int64
        public var scores: String
        public var note: String?
        public var flag: Bool
        public init(itemId: Int64, scores: String, note: String? = nil, flag: Bool = false) {
            self.itemId = itemId
            self.scores = scores
            self.note = note
            self.flag = flag
        }
    }

    /// Saves every candidate's label of a group (mode `group`) inside the caller's write transaction, so
    /// one Enter commits all of them or none. The group's active time is split evenly between them (the
    /// expert read them side by side; no share of it belongs to one more than another).
    public static func saveGroup(
        _ db: Database, members: [GroupMember], annotator: String, rubric: StoredRubric, activeSeconds: Double,
        at: String = Timestamp.now()
    ) throws -> [LabelEvent] {
        guard !members.isEmpty else { return [] }
        let share = (activeSeconds / Double(members.count) * 100).rounded() / 100
        return try members.map { member in
            try save(db, itemId: member.itemId, annotator: annotator, rubric: rubric, scores: member.scores, activeSeconds: share,
                     note: member.note, flag: member.flag, at: at, mode: .group)
        }
    }

    /// Takes back several saves or edits in one transaction (a group's labels, saved together).
    @discardableResult
    public func undo(_ events: [LabelEvent]) throws -> [LabelEvent] {
        guard events.allSatisfy({ $0.id != nil }) else { throw LabelError.notSaved }
        return try store.write { db in
            try events.map { event in
                try LabelEvent(
                    itemId: event.itemId, annotator: event.annotator, role: event.role, source: event.source, action: .undo,
                    undoes: event.id!, rubricHash: event.rubricHash, scores: nil, mode: event.mode
                ).insert(db)
            }
        }
    }

    /// Takes back a save or edit; the label falls back to what it was before that row.
    @discardableResult
    public func undo(_ event: LabelEvent) throws -> LabelEvent {
        guard let id = event.id else { throw LabelError.notSaved }
        return try store.write { db in
            try LabelEvent(
                itemId: event.itemId, annotator: event.annotator, role: event.role, source: event.source, action: .undo,
                undoes: id, rubricHash: event.rubricHash, scores: nil
            ).insert(db)
        }
    }

    public func current(itemId: Int64, annotator: String, role: LabelRole = .annotator) throws -> LabelEvent? {
        try store.read { db in try Self.current(db, itemId: itemId, annotator: annotator, role: role) }
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
        /// Items still open to this annotator: nobody has labeled them, or they are overlap items that
        /// fewer than `min_annotators` people have labeled and this annotator has not.
        public var leftForMe: Int
    }


}
