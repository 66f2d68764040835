/// MM-Instruct's evaluation files: one question file (`question_id`, `image`, `text`, `caption`,
/// `category`) and answer files (`question_id`, `prompt`, `text`, `model_id`), one item per answer:
/// key `q{question_id}/{answer file stem}`, group `answers:q{question_id}`, the question's caption attached.
/// `model_id` is kept as a field as it is, though real files mislabel it.
enum MMInstructFormat {
    struct Question {
        var text: String
        var image: String?
        var caption: String?
        var category: String?
    }

    static func question(_ value: JSONValue) throws(RecordProblem) -> (id: String, question: Question) {
        let record = try RecordFields(value)
        guard let id = try record.optionalID("question_id") else { throw RecordProblem("question_id", "missing") }
        return (id, Question(
            text: try record.string("text"), image: try record.optionalImage(),
            caption: try record.optionalString("caption"), category: try record.optionalString("category")))
    }

    static func items(_ value: JSONValue, stem: String, questions: [String: Question]) throws(RecordProblem) -> [DraftItem] {
        let record = try RecordFields(value)
        guard let id = try record.optionalID("question_id") else { throw RecordProblem("question_id", "missing") }
        guard let question = questions[id] else {
            throw RecordProblem("question_id", "no question \(id) in the question file of this import")
        }
        let answer = try record.string("text")
        var fields = record.extra(except: ["question_id", "text"])
        if let category = question.category, fields["category"] == nil { fields["category"] = .string(category) }
        return [DraftItem(
            baseKey: "q\(id)", keySuffix: "/\(stem)", groupKind: .answers, part: "", image: question.image,
            captions: question.caption.map { [$0] } ?? [],
            turns: [Turn(from: .human, value: question.text), Turn(from: .gpt, value: answer)],
            fields: fields, groupOverride: "q\(id)")]
    }
}
