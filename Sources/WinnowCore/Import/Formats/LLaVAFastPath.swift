/// The common LLaVA record parsed straight into its draft, without a JSON tree: at 158k records, building
/// the tree and reading it back was a third of an import's preparing thread.
///
/// It takes only the plain shape: an object with a non-empty string `id` and optionally a string `image`
/// (neither holding a NUL) and `conversations`, a non-empty list of objects that each have exactly a
/// `from` of "human" or "gpt" and a string `value`; each key once. Anything else (other fields, captions,
/// scores, candidate lists, nulls, numbers, a syntax error) is declined, and the general path
/// (`JSONParser` + `LLaVAFormat`) parses the record and gives the same draft or the error. The strings
/// are decoded by the same `JSONParser.parseString`, and a test checks both paths store the same rows.
enum LLaVAFastPath {
    /// The draft of the record at the parser's position, with the parser moved past it; nil (the parser
    /// where it was) when the record is not of the plain shape.
    static func draft(_ parser: inout JSONParser) -> DraftItem? {
        var attempt = parser
        guard let draft = parse(&attempt) else { return nil }
        parser = attempt
        return draft
    }

    private static func parse(_ p: inout JSONParser) -> DraftItem? {
        guard p.consume(UInt8(ascii: "{")) else { return nil }
        var id: String?
        var image: String?
        var turns: [Turn]?
        repeat {
            guard let key = string(&p), p.consume(UInt8(ascii: ":")) else { return nil }
            switch key {
            case "id" where id == nil:
                guard let s = string(&p), !s.isEmpty, !s.utf8.contains(0) else { return nil }
                id = s
            case "image" where image == nil:
                guard let s = string(&p), !s.utf8.contains(0) else { return nil }
                image = s
            case "conversations" where turns == nil:
                guard let list = conversation(&p) else { return nil }
                turns = list
            default:
                return nil
            }
        } while p.consume(UInt8(ascii: ","))
        guard p.consume(UInt8(ascii: "}")), let id, let turns else { return nil }
        return DraftItem(baseKey: id, image: image, turns: turns, fields: JSONObject())
    }

    private static func conversation(_ p: inout JSONParser) -> [Turn]? {
        guard p.consume(UInt8(ascii: "[")) else { return nil }
        var turns: [Turn] = []
        repeat {
            guard p.consume(UInt8(ascii: "{")) else { return nil }
            var from: String?
            var value: String?
            repeat {
                guard let key = string(&p), p.consume(UInt8(ascii: ":")) else { return nil }
                switch key {
                case "from" where from == nil:
                    guard let s = string(&p), s == "human" || s == "gpt" else { return nil }
                    from = s
                case "value" where value == nil:
                    guard let s = string(&p) else { return nil }
                    value = s
                default:
                    return nil
                }
            } while p.consume(UInt8(ascii: ","))
            guard p.consume(UInt8(ascii: "}")), let from, let value else { return nil }
            turns.append(Turn(from: from, value: strippingImageToken(value)))
        } while p.consume(UInt8(ascii: ","))
        guard p.consume(UInt8(ascii: "]")), !turns.isEmpty else { return nil }
        return turns
    }

    /// A string value, or nil when the next value is not a (valid) string.
    private static func string(_ p: inout JSONParser) -> String? {
        p.skipWhitespace()
        guard p.peek == UInt8(ascii: "\"") else { return nil }
        return try? p.parseString()
    }
}
