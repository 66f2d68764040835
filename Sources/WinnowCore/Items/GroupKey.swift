/// What an item's group is: the items that answer the same thing, so that selection can keep the best of
/// them and preference pairs can be made from two of them. A group key says its kind before a colon, so
/// that groups of different kinds never share a key, whatever the records' ids:
///
/// | key | kind | members |
/// |---|---|---|
/// | `record:000000000105` | `record` | one whole record (it is its own group) |
/// | `turn:000000000103/t1` | `turn` | the candidate answers of one gpt turn of one record |
/// | `questions:000000000105` | `questions` | the candidate question sets of one record (one image) |
/// | `answers:q12` | `answers` | the answers of several models to one MM-Instruct question |
///
/// Only `turn` and `answers` groups answer one prompt, so only they make preference pairs.
public struct GroupKey: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case record
        case turn
        case questions
        case answers

        /// Whether the members answer the same prompt (the same conversation up to the graded turn).
        public var sharesPrompt: Bool { self == .turn || self == .answers }
    }

    public var kind: Kind
    /// What is grouped: the record's key, `KEY/tT` for a turn, the question's id for answers.
    public var name: String

    public init(_ kind: Kind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    /// Parses a stored key; a key without a known kind (written before kinds existed) is a record's.
    public init(parsing text: String) {
        if let colon = text.firstIndex(of: ":"), let kind = Kind(rawValue: String(text[..<colon])) {
            self.init(kind, String(text[text.index(after: colon)...]))
        } else {
            self.init(.record, text)
        }
    }

    public var description: String { kind.rawValue + ":" + name }
}

extension Item {
    /// The item's group, parsed.
    public var groupKey: GroupKey { GroupKey(parsing: group) }
}
