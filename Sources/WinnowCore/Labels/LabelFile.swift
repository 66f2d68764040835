import Foundation
import GRDB

/// The labels file: JSONL, one current label a line,
/// `{"item", "annotator", "role", "source"?, "scores": {CRITERION: VALUE}, "seconds", "at", "note"?, "flag"?}`.
/// Export writes exactly what import reads, so export → import → export gives the same bytes.
public enum LabelFile {
    /// The longest time on task a label line may give: a day.
    static let maximumSeconds = 86_400.0
    /// The years a label line's `at` may name.
    static let years = 1970...2200

    public struct ImportSummary: Sendable, Equatable {
        public var lines = 0
        public var added = 0
        public var unchanged = 0
    }

    /// Reads every line, checks it against the rubric and the items, and appends the labels in one
    /// transaction (all or nothing). A line equal to the current label, given under the same rubric, adds nothing.
    public static func importLabels(path: String, rubric: Rubric, store: Store) throws -> ImportSummary {
        let reader = try RecordReader(path: path)
        guard reader.container == .lines else {
            throw ImportError(file: path, line: 1, column: 1, message: "a labels file is JSONL: one {\"item\", \"annotator\", \"scores\"} object per line")
        }
        let stored = StoredRubric(rubric)
        return try store.write { db in
            try stored.save(db)
            var summary = ImportSummary()
            try reader.forEach { record throws(ImportError) in
                summary.lines += 1
                do {
                    let label = try parse(record.value, rubric: rubric)
                    guard let itemId = try Item.id(db, key: label.item) else {
                        throw RecordProblem("item", "no item with key \"\(label.item)\" in the database")
                    }
                    let current = try LabelLog.current(db, itemId: itemId, annotator: label.annotator, role: label.role)
                    // The same label under another rubric is not the same: importing it carries it over.
                    if let current, current.scores == label.scores, current.note == label.note, current.flag == label.flag, current.mode == label.mode,
                       current.at == label.at, current.activeSeconds == label.seconds, current.rubricHash == stored.hash {
                        summary.unchanged += 1
                        return
                    }
                    _ = try LabelLog.append(
                        db, itemId: itemId, annotator: label.annotator, role: label.role, source: label.source,
                        rubricHash: stored.hash, scores: label.scores, activeSeconds: label.seconds, note: label.note,
                        flag: label.flag, at: label.at, mode: label.mode)
                    summary.added += 1
                } catch let problem as RecordProblem {
                    throw reader.error(at: record.range.lowerBound, record: record.index, field: problem.field, problem.message)
                } catch {
                    throw ImportError(file: path, record: record.index, message: "cannot write: \(Store.describe(error))")
                }
            }
            return summary
        }
    }

    struct Line {
        var item: String
        var annotator: String
        var role: LabelRole
        var source: String?
        var scores: String
        var seconds: Double
        var at: String
        var note: String?
        var flag: Bool
        var mode: LabelMode = .item
    }

    static let knownFields: Set<String> = ["item", "annotator", "role", "source", "scores", "seconds", "at", "note", "flag", "mode"]

    static func parse(_ value: JSONValue, rubric: Rubric) throws(RecordProblem) -> Line {
        let fields = try RecordFields(value)
        if let unknown = fields.object.keys.first(where: { !knownFields.contains($0) }) {
            throw RecordProblem(unknown, "unknown field (a label line has: \(knownFields.sorted().joined(separator: ", ")))")
        }
        let item = try fields.string("item")
        let annotator = try fields.string("annotator")
        guard !annotator.isEmpty else { throw RecordProblem("annotator", "is empty") }
        try RecordFields.refuseNUL(annotator, "annotator", "a name")
        if let bad = annotator.unicodeScalars.first(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            throw RecordProblem("annotator", "contains a control character (U+\(String(format: "%04X", bad.value))); a name is plain text")
        }
        if annotator.count > 200 { throw RecordProblem("annotator", "is \(annotator.count) characters long; a name is at most 200") }
        var role = LabelRole.annotator
        if let text = try fields.optionalString("role") {
            guard let parsed = LabelRole(rawValue: text) else {
                throw RecordProblem("role", "expected one of \(LabelRole.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(text)\"")
            }
            role = parsed
        }
        let source = try fields.optionalString("source")
        if let source { try RecordFields.refuseNUL(source, "source", "a name") }
        let note = try fields.optionalString("note")
        if let note { try RecordFields.refuseNUL(note, "note", "a note") }
        if source != nil && role == .annotator {
            throw RecordProblem("source", "only labels with role \"imported\" (where the scores came from) or \"gold\" (how it was settled) have a source")
        }
        guard let scoresValue = fields.object["scores"] else { throw RecordProblem("scores", "missing") }
        guard let scoresObject = scoresValue.objectValue else { throw RecordProblem("scores", "expected an object, found \(scoresValue.typeName)") }
        var values: [String: ScoreValue] = [:]
        for member in scoresObject.members {
            guard let criterion = rubric.criterion(member.key) else {
                throw RecordProblem("scores.\(member.key)", "no such criterion in rubric \(rubric.name) (criteria: \(rubric.criteria.map(\.id).joined(separator: ", ")))")
            }
            guard let v = criterion.value(from: member.value) else {
                throw RecordProblem("scores.\(member.key)", "\(member.value.serialized()) is not one of \(criterion.values.map { $0.json.serialized() }.joined(separator: ", "))")
            }
            values[member.key] = v
        }
        var mode = LabelMode.item
        if let text = try fields.optionalString("mode") {
            guard let parsed = LabelMode(rawValue: text) else {
                throw RecordProblem("mode", "expected item or group (the screen the label was given on), found \"\(text)\"")
            }
            mode = parsed
        }
        // A ranking is given across a group: a label from item mode cannot have one.
        if role != .imported, let missing = rubric.criteria.first(where: { $0.required && values[$0.id] == nil && ($0.kind != .rank || mode == .group) }) {
            throw RecordProblem("scores.\(missing.id)", "missing: the criterion is required")
        }
        if values.isEmpty { throw RecordProblem("scores", "no scores") }
        var seconds = 0.0
        if let s = fields.object["seconds"], !s.isNull {
            guard let d = s.doubleValue, d.isFinite, d >= 0, d <= LabelFile.maximumSeconds else {
                throw RecordProblem("seconds", "expected a number of seconds from 0 to \(Int(LabelFile.maximumSeconds)) (a day), found \(s.serialized())")
            }
            seconds = d
        }
        var at = Timestamp.now()
        if let text = try fields.optionalString("at") {
            guard let date = Timestamp.parse(text) else { throw RecordProblem("at", "expected an RFC 3339 time such as 2026-01-31T12:00:00Z, found \"\(text)\"") }
            // The log keeps whole seconds (its times sort as text): a fraction would be lost, so it is refused.
            if text.utf8.count > 19, text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: 19)] == UInt8(ascii: ".") {
                throw RecordProblem("at", "has fractional seconds (\"\(text)\"); the log keeps whole seconds, give the time without them")
            }
            let year = Int(text.prefix(4)) ?? 0  // as written: Foundation reads year 0000 as 1
            guard LabelFile.years.contains(year) else {
                throw RecordProblem("at", "the year \(year) is outside \(LabelFile.years.lowerBound)–\(LabelFile.years.upperBound) (found \"\(text)\")")
            }
            at = Timestamp.string(date)
        }
        var flag = false
        if let f = fields.object["flag"], !f.isNull {
            guard let b = f.boolValue else { throw RecordProblem("flag", "expected true or false, found \(f.serialized())") }
            flag = b
        }
        return Line(
            item: item, annotator: annotator, role: role, source: role == .imported ? (source ?? annotator) : (role == .gold ? source : nil),
            scores: LabelLog.scoresJSON(values, rubric: rubric), seconds: seconds, at: at, note: note,
            flag: flag, mode: mode)
    }

    /// One export line for a current label.
    public static func line(_ label: CurrentLabel) -> JSONValue {
        let event = label.event
        var object = JSONObject([
            "item": .string(label.itemKey), "annotator": .string(event.annotator), "role": .string(event.role.rawValue),
        ])
        if event.role != .annotator, let source = event.source { object["source"] = .string(source) }
        object["scores"] = (try? JSONParser.parse(event.scores ?? "{}")) ?? .object(JSONObject())
        object["seconds"] = .number(event.activeSeconds)
        object["at"] = .string(event.at)
        if let note = event.note { object["note"] = .string(note) }
        if event.flag { object["flag"] = .bool(true) }
        if event.mode != .item { object["mode"] = .string(event.mode.rawValue) }
        return .object(object)
    }
}
