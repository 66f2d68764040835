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
        var id: String?
        var image: String?
        var turns: [Turn]?
        let plain = object(&p) { key, p in
            switch key {
            case "id" where id == nil:
                guard let s = string(&p), !s.isEmpty, !s.utf8.contains(0) else { return false }
                id = s
            case "image" where image == nil:
                guard let s = string(&p), !s.utf8.contains(0) else { return false }
                image = s
            case "conversations" where turns == nil:
                turns = conversation(&p)
                return turns != nil
            default:
                return false
            }
            return true
        }
        guard plain, let id, let turns else { return nil }
        return DraftItem(baseKey: id, image: image, turns: turns, fields: JSONObject())
    }

    private static func conversation(_ p: inout JSONParser) -> [Turn]? {
        guard p.consume(UInt8(ascii: "[")) else { return nil }
        var turns: [Turn] = []
        repeat {
            var from: Speaker?
            var value: String?
            let plain = object(&p) { key, p in
                switch key {
                case "from" where from == nil:
                    guard let s = string(&p), let speaker = Speaker(rawValue: s) else { return false }
                    from = speaker
                case "value" where value == nil:
                    value = string(&p)
                    return value != nil
                default:
                    return false
                }
                return true
            }
            guard plain, let from, let value else { return nil }
            turns.append(Turn(from: from, value: strippingImageToken(value)))
        } while p.consume(UInt8(ascii: ","))
        guard p.consume(UInt8(ascii: "]")), !turns.isEmpty else { return nil }
        return turns
    }

    /// Reads an object, handing each key to `member` to read its value; false when the object is not well
    /// formed or `member` declines a key.
    private static func object(_ p: inout JSONParser, _ member: (String, inout JSONParser) -> Bool) -> Bool {
        guard p.consume(UInt8(ascii: "{")) else { return false }
        repeat {
            guard let key = string(&p), p.consume(UInt8(ascii: ":")), member(key, &p) else { return false }
        } while p.consume(UInt8(ascii: ","))
        return p.consume(UInt8(ascii: "}"))
    }

    /// A string value, or nil when the next value is not a (valid) string.
    private static func string(_ p: inout JSONParser) -> String? {
        p.skipWhitespace()
        guard p.peek == UInt8(ascii: "\"") else { return nil }
        return try? p.parseString()
    }
}
