/// Alpaca-style records: `{"instruction", "input"?, "output", "id"?, "image"?, "caption"?, "type"?}`,
/// one single-turn item each: the human turn is the instruction, then the input on a new line.
enum AlpacaFormat {
    static let consumed: Set<String> = ["id", "image", "instruction", "input", "output", "caption", "captions"]

    static func items(_ value: JSONValue) throws(RecordProblem) -> [DraftItem] {
        let record = try RecordFields(value)
        let instruction = try record.string("instruction")
        let input = try record.optionalString("input") ?? ""
        let output = try record.string("output")
        let human = input.isEmpty ? instruction : instruction + "\n" + input
        return [DraftItem(
            baseKey: try record.optionalID("id"), image: try record.optionalImage(),
            captions: try record.ownCaptions(),
            turns: [Turn(from: .human, value: strippingImageToken(human)), Turn(from: .gpt, value: output)],
            fields: record.extra(except: consumed))]
    }
}
