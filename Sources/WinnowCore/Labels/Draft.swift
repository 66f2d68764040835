/// Values set on an item but not saved: kept in the database as the expert types, so quitting, a crash
/// or kill -9 loses none of them; they come back, marked unsaved, when the item is shown to the same
/// annotator again. A draft is never a label (it is not in the label log and counts nowhere); saving a
/// label of the item deletes the annotator's draft in the same transaction.
public struct Draft: Sendable, Equatable {
    public var itemId: Int64
    public var annotator: String
    /// The rubric the values were set under: a draft is restored only under the same rubric.
    public var rubricHash: String
    /// Criterion id → value, as the label log writes them.
    public var scores: String
    public var note: String?
    public var flag: Bool
    public var updatedAt: String

    public init(itemId: Int64, annotator: String, rubricHash: String, scores: String, note: String? = nil, flag: Bool = false,
                updatedAt: String = Timestamp.now()) {
        self.itemId = itemId
        self.annotator = annotator
        self.rubricHash = rubricHash
        self.scores = scores
        self.note = note
        self.flag = flag
        self.updatedAt = updatedAt
    }
}
