/// LLaVA records: `{"id", "image", "conversations": [{"from": "human"|"gpt", "value"}]}`.
///
/// A record is one item, graded as a whole. When a gpt turn's value is a list (Align2LLaVA's candidate
/// answer files), each candidate is an item of its own, key `ID/tT/cK` and group `turn:ID/tT`, where T counts
/// the record's gpt turns from 0 and K the candidates from 0; its context is the conversation up to that
/// turn, with earlier candidate turns shown by their first candidate.
enum LLaVAFormat {
    static let consumed: Set<String> = ["id", "image", "conversations"]

    static func items(_ value: JSONValue) throws(RecordProblem) -> [DraftItem] {
        let record = try RecordFields(value)
        let id = try record.optionalID("id")
        let image = try record.optionalImage()
        let captions = try record.ownCaptions()
        guard let list = record.object["conversations"] else { throw RecordProblem("conversations", "missing (a list of turns is required)") }
        guard let turnValues = list.arrayValue else { throw RecordProblem("conversations", "expected a list of turns, found \(list.typeName)") }
        guard !turnValues.isEmpty else { throw RecordProblem("conversations", "the list of turns is empty") }

        enum Said {
            case text(String)
            case candidates([String])
        }
        var said: [(from: Speaker, what: Said)] = []
        for (i, turnValue) in turnValues.enumerated() {
            let field = "conversations[\(i)]"
            guard let turn = turnValue.objectValue else { throw RecordProblem(field, "expected a turn object, found \(turnValue.typeName)") }
            guard let fromValue = turn["from"] else { throw RecordProblem(field + ".from", "missing") }
            guard let from = fromValue.stringValue.flatMap(Speaker.init(rawValue:)) else {
                throw RecordProblem(field + ".from", "expected \"human\" or \"gpt\", found \(fromValue.serialized())")
            }
            guard let v = turn["value"] else { throw RecordProblem(field + ".value", "missing") }
            switch v {
            case .string(let s): said.append((from, .text(strippingImageToken(s))))
            case .array(let options) where from == .gpt:
                guard !options.isEmpty else { throw RecordProblem(field + ".value", "the list of candidate answers is empty") }
                var texts: [String] = []
                for (k, option) in options.enumerated() {
                    guard let s = option.stringValue else { throw RecordProblem(field + ".value[\(k)]", "expected a string, found \(option.typeName)") }
                    texts.append(s)
                }
                said.append((from, .candidates(texts)))
            default:
                throw RecordProblem(field + ".value", from == .gpt
                    ? "expected a string or a list of candidate strings, found \(v.typeName)"
                    : "expected a string, found \(v.typeName)")
            }
        }
        let hasCandidates = said.contains { if case .candidates = $0.what { return true } else { return false } }
        if !hasCandidates {
            let turns = said.map { turn -> Turn in
                if case .text(let s) = turn.what { return Turn(from: turn.from, value: s) }
                return Turn(from: turn.from, value: "")
            }
            // A whole-record score (a number, flag or choice) can be imported as a label too.
            var score = record.object["score"]
            if let s = score, s.arrayValue != nil || s.objectValue != nil || s.isNull { score = nil }
            return [DraftItem(baseKey: id, image: image, captions: captions, turns: turns, fields: record.extra(except: consumed), score: score)]
        }

        // Scores for candidates: on the turn (`score` beside `value`) or on the record (a list for a
        // record with one candidate turn, a list of lists otherwise).
        let recordScore = record.object["score"]
        let candidateTurnCount = said.filter { if case .candidates = $0.what { return true } else { return false } }.count
        var fields = record.extra(except: consumed.union(["score"]))
        fields["score"] = nil
        var drafts: [DraftItem] = []
        var context: [Turn] = []
        var gptIndex = 0
        var candidateTurnIndex = 0
        for (i, turn) in said.enumerated() {
            switch turn.what {
            case .text(let s):
                context.append(Turn(from: turn.from, value: s))
            case .candidates(let options):
                let scores = try scoreList(
                    turn: turnValues[i].objectValue?["score"], record: recordScore, turnField: "conversations[\(i)].score",
                    candidateTurn: candidateTurnIndex, candidateTurns: candidateTurnCount, count: options.count)
                for (k, option) in options.enumerated() {
                    var itemFields = fields
                    if let scores { itemFields["score"] = scores[k] }
                    drafts.append(DraftItem(
                        baseKey: id, keySuffix: "/t\(gptIndex)/c\(k)", groupKind: .turn, groupSuffix: "/t\(gptIndex)", part: "t\(gptIndex)/c\(k)",
                        image: image, captions: captions, turns: context + [Turn(from: .gpt, value: option)],
                        fields: itemFields, turnIndex: gptIndex, candidateIndex: k, score: scores?[k]))
                }
                context.append(Turn(from: .gpt, value: options[0]))
                candidateTurnIndex += 1
            }
            if turn.from == .gpt { gptIndex += 1 }
        }
        return drafts
    }

    private static func scoreList(
        turn: JSONValue?, record: JSONValue?, turnField: String, candidateTurn: Int, candidateTurns: Int, count: Int
    ) throws(RecordProblem) -> [JSONValue]? {
        var list: JSONValue?
        var field = turnField
        if let turn, !turn.isNull {
            list = turn
        } else if let record, !record.isNull {
            if candidateTurns == 1, let items = record.arrayValue, items.allSatisfy({ $0.arrayValue == nil }) {
                list = record
                field = "score"
            } else {
                guard let outer = record.arrayValue, candidateTurn < outer.count else {
                    throw RecordProblem("score", "expected a list with one list of scores per candidate turn")
                }
                list = outer[candidateTurn]
                field = "score[\(candidateTurn)]"
            }
        }
        guard let list else { return nil }
        guard let scores = list.arrayValue else { throw RecordProblem(field, "expected a list of scores, found \(list.typeName)") }
        guard scores.count == count else {
            throw RecordProblem(field, "has \(scores.count) scores for \(count) candidates")
        }
        return scores
    }
}
