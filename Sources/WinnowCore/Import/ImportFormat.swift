import Foundation

/// The kinds of record Winnow imports. The container (JSON list or JSONL) is read from the file; the
/// kind from the first record's fields, unless `--format` names it.
public enum ImportFormat: String, Sendable, CaseIterable {
    /// LLaVA records (`id`, `image`, `conversations`); a gpt turn whose value is a list of candidates
    /// (Align2LLaVA's answer files) gives one item per candidate.
    case llava
    /// Alpaca-style records (`instruction`, `input`, `output`).
    case alpaca
    /// Align2LLaVA question files: `questions` is a list of candidate question sets.
    case questionSets = "question-sets"
    /// MM-Instruct's question file (`question_id`, `image`, `text`, `caption`, `category`).
    case mmInstructQuestions = "mm-instruct-questions"
    /// MM-Instruct answer files (`question_id`, `prompt`, `text`, `model_id`), one item per answer.
    case mmInstructAnswers = "mm-instruct-answers"

    /// Guesses the kind from one record's fields.
    public static func detect(_ record: JSONObject) -> ImportFormat? {
        let keys = Set(record.keys)
        if keys.contains("conversations") { return .llava }
        if keys.contains("questions") { return .questionSets }
        if keys.contains("instruction") { return .alpaca }
        if keys.contains("question_id") {
            if keys.contains("model_id") || keys.contains("prompt") || keys.contains("answer_id") { return .mmInstructAnswers }
            return .mmInstructQuestions
        }
        return nil
    }
}

/// What a format makes of one record before keys are assigned: the record's base key (its id) and,
/// per item, a suffix that makes the key unique and the group the item belongs to.
struct DraftItem {
    /// The record's id as text, or nil when it has none (the key becomes `FILESTEM:INDEX`).
    var baseKey: String?
    /// Appended to the record's key: "" for a whole record, "/t0/c2" for a candidate, "/q1" for a question set.
    var keySuffix: String = ""
    /// The kind of group the item belongs to; with `groupSuffix` (appended to the record's key) or
    /// `groupOverride` it names the group (see `GroupKey`).
    var groupKind: GroupKey.Kind = .record
    /// Appended to the record's key to form the group's name: "" or "/t0".
    var groupSuffix: String = ""
    var part: String = ""
    var image: String?
    var captions: [String] = []
    var turns: [Turn]
    var fields: JSONObject
    var turnIndex: Int?
    var candidateIndex: Int?
    /// A score the file gives this item (Align2LLaVA's `score`), for `--scores-as`.
    var score: JSONValue?
    /// MM-Instruct: the group's name is the question, not the answer record.
    var groupOverride: String?
}

/// Typed access to a record's fields that names the field when it has the wrong type.
struct RecordFields {
    let object: JSONObject

    init(_ value: JSONValue) throws(RecordProblem) {
        guard let object = value.objectValue else { throw RecordProblem(nil, "expected a record (an object), found \(value.typeName)") }
        self.object = object
    }

    func optionalString(_ key: String) throws(RecordProblem) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let s = value.stringValue else { throw RecordProblem(key, "expected a string, found \(value.typeName)") }
        return s
    }

    func string(_ key: String) throws(RecordProblem) -> String {
        guard let s = try optionalString(key) else { throw RecordProblem(key, "missing (a string is required)") }
        return s
    }

    /// An id given as a string or a number, as text.
    func optionalID(_ key: String) throws(RecordProblem) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        switch value {
        case .string(let s):
            if s.isEmpty { throw RecordProblem(key, "the id is empty") }
            try RecordFields.refuseNUL(s, key, "an id")
            return s
        case .number(let text): return text
        default: throw RecordProblem(key, "expected a string or a number, found \(value.typeName)")
        }
    }

    /// An image path; a NUL in it could not name a file (and SQLite would cut the text there).
    func optionalImage(_ key: String = "image") throws(RecordProblem) -> String? {
        let path = try optionalString(key)
        if let path { try RecordFields.refuseNUL(path, key, "an image path") }
        return path
    }

    /// Keys and paths are stored as SQL text, which ends at a NUL; refusing it keeps them exact.
    static func refuseNUL(_ text: String, _ field: String, _ what: String) throws(RecordProblem) {
        if text.utf8.contains(0) { throw RecordProblem(field, "contains a NUL character (\\u0000), which \(what) cannot hold") }
    }

    /// `caption` (a string) and/or `captions` (a list of strings).
    func ownCaptions() throws(RecordProblem) -> [String] {
        var result: [String] = []
        if let caption = try optionalString("caption") { result.append(caption) }
        if let value = object["captions"], !value.isNull {
            guard let list = value.arrayValue else { throw RecordProblem("captions", "expected a list of strings, found \(value.typeName)") }
            for (i, item) in list.enumerated() {
                guard let s = item.stringValue else { throw RecordProblem("captions[\(i)]", "expected a string, found \(item.typeName)") }
                result.append(s)
            }
        }
        return result
    }

    /// The record's fields other than `consumed`, in file order.
    func extra(except consumed: Set<String>) -> JSONObject {
        JSONObject(object.members.filter { !consumed.contains($0.key) })
    }
}

/// LLaVA marks where the image goes with `<image>` before or after the text; the screen and the model
/// want the text alone (export gives the original record back, marker and all).
func strippingImageToken(_ text: String) -> String {
    // Text without the token's bytes cannot contain it (no other character is canonically equivalent to
    // these ASCII letters). Pure ASCII text without CR (where bytes, scalars and characters coincide) is
    // done on bytes: the same as removing every "<image>\n", then every "\n<image>", then every "<image>"
    // left to right, then trimming. Anything else takes Foundation's path, as before.
    var text = text
    let found = text.withUTF8 { utf8 -> Bool in
        guard let base = utf8.baseAddress else { return false }
        var offset = 0
        while offset + 7 <= utf8.count, let hit = memchr(base + offset, 0x3C, utf8.count - offset) {
            let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if at + 7 <= utf8.count, memcmp(base + at, "<image>", 7) == 0 { return true }
            offset = at + 1
        }
        return false
    }
    guard found else { return text }
    var utf8 = Array(text.utf8)
    let token = Array("<image>".utf8)
    if utf8.contains(where: { $0 >= 0x80 || $0 == 0x0D }) {
        guard text.contains("<image>") else { return text }
        return text.replacingOccurrences(of: "<image>\n", with: "")
            .replacingOccurrences(of: "\n<image>", with: "")
            .replacingOccurrences(of: "<image>", with: "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    utf8 = removingBytes(utf8, Array("<image>\n".utf8))
    utf8 = removingBytes(utf8, Array("\n<image>".utf8))
    utf8 = removingBytes(utf8, token)
    return trimmingWhitespace(String(decoding: utf8, as: UTF8.self))
}

/// `text.trimmingCharacters(in: .whitespacesAndNewlines)`, without Foundation's (slow) path when neither
/// end is whitespace, which is nearly always: a caption file has hundreds of thousands of captions.
func trimmingWhitespace(_ text: String) -> String {
    guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return text }
    let space = CharacterSet.whitespacesAndNewlines
    if !space.contains(first) && !space.contains(last) { return text }
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// `bytes` without any non-overlapping occurrence of `needle`, found left to right.
private func removingBytes(_ bytes: [UInt8], _ needle: [UInt8]) -> [UInt8] {
    guard bytes.count >= needle.count else { return bytes }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var i = 0
    while i < bytes.count {
        if i + needle.count <= bytes.count, bytes[i] == needle[0] {
            var j = 1
            while j < needle.count && bytes[i + j] == needle[j] { j += 1 }
            if j == needle.count {
                i += needle.count
                continue
            }
        }
        out.append(bytes[i])
        i += 1
    }
    return out
}
