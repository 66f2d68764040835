import Foundation

/// Align2LLaVA question files: `{"id", "image", "questions": [[...], ...], "score": [...]}`, one item per
/// candidate question set, key `ID/qK` (K from 0) and group `questions:ID`. A set is a list of turns
/// (`{"from", "value"}`) or a list of strings, in one of two shapes, told apart per record:
///
/// - questions only (Align2LLaVA's released files): every string is a human question. A record is read so
///   when one of its sets of strings has an odd number of strings (no set of question–answer pairs does)
///   or when every string ends with a question mark;
/// - otherwise strings alternate human and gpt, starting with human.
enum QuestionSetFormat {
    static let consumed: Set<String> = ["id", "image", "questions", "score", "caption", "captions"]

    static func items(_ value: JSONValue) throws(RecordProblem) -> [DraftItem] {
        let record = try RecordFields(value)
        let id = try record.optionalID("id")
        let image = try record.optionalImage()
        let captions = try record.ownCaptions()
        guard let setsValue = record.object["questions"] else { throw RecordProblem("questions", "missing") }
        guard let sets = setsValue.arrayValue, !sets.isEmpty else {
            throw RecordProblem("questions", "expected a non-empty list of question sets, found \(setsValue.typeName)")
        }
        var scores: [JSONValue]?
        if let scoreValue = record.object["score"], !scoreValue.isNull {
            guard let list = scoreValue.arrayValue else { throw RecordProblem("score", "expected a list of scores, found \(scoreValue.typeName)") }
            guard list.count == sets.count else { throw RecordProblem("score", "has \(list.count) scores for \(sets.count) question sets") }
            scores = list
        }
        let fields = record.extra(except: consumed)
        let questionsOnly = Self.isQuestionsOnly(sets)
        var drafts: [DraftItem] = []
        for (k, setValue) in sets.enumerated() {
            let field = "questions[\(k)]"
            guard let entries = setValue.arrayValue, !entries.isEmpty else {
                throw RecordProblem(field, "expected a non-empty list of turns, found \(setValue.typeName)")
            }
            var turns: [Turn] = []
            for (j, entry) in entries.enumerated() {
                switch entry {
                case .string(let s):
                    turns.append(Turn(from: questionsOnly || j % 2 == 0 ? .human : .gpt, value: strippingImageToken(s)))
                case .object(let turn):
                    guard let from = turn["from"]?.stringValue.flatMap(Speaker.init(rawValue:)) else {
                        throw RecordProblem(field + "[\(j)].from", "expected \"human\" or \"gpt\", found \(turn["from"]?.serialized() ?? "nothing")")
                    }
                    guard let text = turn["value"]?.stringValue else {
                        throw RecordProblem(field + "[\(j)].value", "expected a string, found \(turn["value"]?.typeName ?? "nothing")")
                    }
                    turns.append(Turn(from: from, value: strippingImageToken(text)))
                default:
                    throw RecordProblem(field + "[\(j)]", "expected a turn object or a string, found \(entry.typeName)")
                }
            }
            var itemFields = fields
            if let scores { itemFields["score"] = scores[k] }
            drafts.append(DraftItem(
                baseKey: id, keySuffix: "/q\(k)", groupKind: .questions, part: "q\(k)", image: image, captions: captions, turns: turns,
                fields: itemFields, candidateIndex: k, score: scores?[k]))
        }
        return drafts
    }

    /// Whether a record's sets of strings are questions only (see the type's comment).
    static func isQuestionsOnly(_ sets: [JSONValue]) -> Bool {
        let stringSets = sets.compactMap { set -> [String]? in
            guard let entries = set.arrayValue else { return nil }
            let strings = entries.compactMap(\.stringValue)
            return strings.count == entries.count ? strings : nil
        }
        guard !stringSets.isEmpty else { return false }
        if stringSets.contains(where: { $0.count % 2 == 1 }) { return true }
        return stringSets.allSatisfy { set in
            set.allSatisfy { strippingImageToken($0).trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("?") }
        }
    }
}
