import Foundation

/// Who speaks a turn, as LLaVA files name them: the person asking (`human`) or the model (`gpt`).
public enum Speaker: String, Sendable, CaseIterable {
    case human, gpt
}

/// One turn of a conversation: who speaks and what is said.
public struct Turn: Sendable, Equatable {
    public var from: Speaker
    public var value: String

    public init(from: Speaker, value: String) {
        self.from = from
        self.value = value
    }
}

/// The unit an expert grades: one record (all its turns), or one candidate of a record that offers
/// several. Everything the screens, the model and export need about it, plus the record's original bytes
/// so an export can give it back with key order and number formatting intact.
public struct Item: Sendable, Equatable {
    public var id: Int64?
    public var key: String
    public var group: String
    /// The image path as the record gives it (relative to an images folder chosen when labeling).
    public var image: String?
    public var captions: [String]
    public var turns: [Turn]
    /// The record's other fields, in file order, plus fields stamped with `import --set`.
    public var fields: JSONObject
    /// Base name of the file the record came from; with `recordIndex` and `part` it identifies the
    /// record when the same file is imported again.
    public var sourceName: String
    public var recordIndex: Int
    public var part: String
    public var turnIndex: Int?
    public var candidateIndex: Int?
    public var original: Data

    public init(
        id: Int64? = nil, key: String, group: String, image: String?, captions: [String], turns: [Turn],
        fields: JSONObject, sourceName: String, recordIndex: Int, part: String = "", turnIndex: Int? = nil,
        candidateIndex: Int? = nil, original: Data
    ) {
        self.id = id
        self.key = key
        self.group = group
        self.image = image
        self.captions = captions
        self.turns = turns
        self.fields = fields
        self.sourceName = sourceName
        self.recordIndex = recordIndex
        self.part = part
        self.turnIndex = turnIndex
        self.candidateIndex = candidateIndex
        self.original = original
    }
}
