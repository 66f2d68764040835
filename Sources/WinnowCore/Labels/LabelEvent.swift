/// Who gave a label: an annotator, a lead settling it (`gold`), or scores brought in from a file or
/// another tool (`imported`, with the source's name).
public enum LabelRole: String, Sendable, CaseIterable {
    case annotator, gold, imported
}

/// What a row of the label log does: a first save, a change of a saved label, or taking back an
/// earlier save or edit.
public enum LabelAction: String, Sendable {
    case save, edit, undo
}

/// Which screen gave a label: one item at a time, or a whole group of candidates at once.
public enum LabelMode: String, Sendable, CaseIterable {
    case item, group
}

/// One row of the append-only label log. Rows are only ever inserted; the schema's triggers refuse
/// updates and deletes, so the history of every label can be read back.
public struct LabelEvent: Sendable, Equatable {
    public var id: Int64?
    public var itemId: Int64
    public var annotator: String
    public var role: LabelRole
    public var source: String?
    public var action: LabelAction
    /// For an undo: the save or edit it takes back.
    public var undoes: Int64?
    public var rubricHash: String?
    /// Criterion id → value, as a JSON object in rubric order; nil for an undo.
    public var scores: String?
    /// RFC 3339 UTC.
    public var at: String
    public var activeSeconds: Double
    public var note: String?
    public var flag: Bool
    public var mode: LabelMode

    public init(
        id: Int64? = nil, itemId: Int64, annotator: String, role: LabelRole, source: String? = nil, action: LabelAction,
        undoes: Int64? = nil, rubricHash: String?, scores: String?, at: String = Timestamp.now(), activeSeconds: Double = 0,
        note: String? = nil, flag: Bool = false, mode: LabelMode = .item
    ) {
        self.mode = mode
        self.id = id
        self.itemId = itemId
        self.annotator = annotator
        self.role = role
        self.source = source
        self.action = action
        self.undoes = undoes
        self.rubricHash = rubricHash
        self.scores = scores
        self.at = at
        self.activeSeconds = activeSeconds
        self.note = note
        self.flag = flag
    }
}

/// A rubric as the store keeps it: once per content hash, so every label can name the exact rubric
/// it was given under.
public struct StoredRubric: Sendable, Equatable {
    public var hash: String
    public var name: String
    public var version: String
    public var normalized: String

    public init(hash: String, name: String, version: String, normalized: String) {
        self.hash = hash
        self.name = name
        self.version = version
        self.normalized = normalized
    }

}

/// Why a value is not one the rubric allows.
public struct RubricValueProblem: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
