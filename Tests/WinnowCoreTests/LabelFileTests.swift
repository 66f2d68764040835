import Foundation
import GRDB
import XCTest
@testable import WinnowCore
import WinnowTestSupport

/// The labels file: `labels import` checks every line and writes all or nothing; `labels export` writes
/// what import reads.
final class LabelFileTests: CoreTestCase {
    private var rubric: Rubric!

    override func setUpWithError() throws {
        try super.setUpWithError()
        rubric = try TestRubric.rubric()
        try makeItems(["i1", "i2"])
    }

    private func importLabels(_ lines: [String], name: String = "labels.jsonl") throws -> LabelFile.ImportSummary {
        let path = try sandbox.write(name, lines.joined(separator: "\n") + "\n")
        return try LabelFile.importLabels(path: path, rubric: rubric, store: store)
    }

    private func exported() throws -> [String] {
        try LabelLog(store: store).currentLabels().map { LabelFile.line($0).serialized() }
    }

    private static let goodLines = [
        #"{"item": "i1", "annotator": "ann", "scores": {"quality": 4, "hallucination": false}, "seconds": 12.5, "at": "2026-01-31T12:00:00Z"}"#,
        #"{"item": "i1", "annotator": "lead", "role": "gold", "scores": {"tone": "rude", "hallucination": true, "quality": 2.0}, "at": "2026-01-31T13:00:00+01:00", "note": "see \"this\"", "flag": true}"#,
        #"{"item": "i2", "annotator": "gpt4", "role": "imported", "source": "gpt4-run", "scores": {"quality": 3}, "at": "2026-02-01T00:00:00Z", "flag": false, "note": null}"#,
    ]

    private static let expectedExport = [
        #"{"item":"i1","annotator":"ann","role":"annotator","scores":{"quality":4,"hallucination":false},"seconds":12.5,"at":"2026-01-31T12:00:00Z"}"#,
        #"{"item":"i1","annotator":"lead","role":"gold","scores":{"quality":2,"hallucination":true,"tone":"rude"},"seconds":0,"at":"2026-01-31T12:00:00Z","note":"see \"this\"","flag":true}"#,
        #"{"item":"i2","annotator":"gpt4","role":"imported","source":"gpt4-run","scores":{"quality":3},"seconds":0,"at":"2026-02-01T00:00:00Z"}"#,
    ]

    func testAGoodFileBecomesLabels() throws {
        let summary = try importLabels(Self.goodLines)
        XCTAssertEqual(summary, .init(lines: 3, added: 3, unchanged: 0))
        let log = LabelLog(store: try store)
        let i1 = try XCTUnwrap(item("i1")?.id)
        let ann = try XCTUnwrap(log.current(itemId: i1, annotator: "ann"))
        XCTAssertEqual(ann.scores, #"{"quality":4,"hallucination":false}"#)
        XCTAssertEqual(ann.activeSeconds, 12.5)
        XCTAssertEqual(ann.rubricHash, rubric.contentHash)
        XCTAssertEqual(ann.action, .save)
        let lead = try XCTUnwrap(log.current(itemId: i1, annotator: "lead", role: .gold))
        XCTAssertEqual(lead.scores, #"{"quality":2,"hallucination":true,"tone":"rude"}"#, "scores in rubric order")
        XCTAssertEqual(lead.at, "2026-01-31T12:00:00Z", "times are stored in UTC")
        XCTAssertEqual(lead.note, "see \"this\"")
        XCTAssertTrue(lead.flag)
        let imported = try XCTUnwrap(log.current(itemId: try XCTUnwrap(item("i2")?.id), annotator: "gpt4", role: .imported))
        XCTAssertEqual(imported.source, "gpt4-run")
        XCTAssertNil(imported.note)
        XCTAssertFalse(imported.flag)
    }

    func testExportLinesHaveTheDocumentedKeysInOrder() throws {
        try importLabels(Self.goodLines)
        XCTAssertEqual(try exported(), Self.expectedExport)
    }

    func testImportingTheExportAddsNothing() throws {
        try importLabels(Self.goodLines)
        let before = try dumpRows()
        let summary = try importLabels(try exported(), name: "export.jsonl")
        XCTAssertEqual(summary, .init(lines: 3, added: 0, unchanged: 3))
        XCTAssertEqual(try dumpRows(), before)
    }

    func testAChangedLineIsAnEdit() throws {
        try importLabels([Self.goodLines[0]])
        let summary = try importLabels([Self.goodLines[0].replacingOccurrences(of: #""quality": 4"#, with: #""quality": 5"#)], name: "second.jsonl")
        XCTAssertEqual(summary, .init(lines: 1, added: 1, unchanged: 0))
        let actions = try store.labelEvents().map(\.action.rawValue)
        XCTAssertEqual(actions, ["save", "edit"])
    }

    func testDefaultsForRoleSecondsAndTime() throws {
        try importLabels([#"{"item": "i2", "annotator": "bob", "scores": {"quality": 1, "hallucination": true}}"#])
        let label = try XCTUnwrap(LabelLog(store: store).currentLabels().first?.event)
        XCTAssertEqual(label.role, .annotator)
        XCTAssertEqual(label.activeSeconds, 0)
        XCTAssertNil(label.source)
        XCTAssertNotNil(Timestamp.parse(label.at))
        XCTAssertEqual(Timestamp.string(Timestamp.parse(label.at)!), label.at, "the default time is RFC 3339 UTC")
    }

    private func assertRefused(_ badLine: String, field: String, message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let before = try dumpRows()
        let path = try sandbox.write("bad.jsonl", ([Self.goodLines[0], Self.goodLines[2], badLine]).joined(separator: "\n") + "\n")
        XCTAssertThrowsError(try LabelFile.importLabels(path: path, rubric: rubric, store: store), file: file, line: line) { error in
            XCTAssertEqual("\(error)", "\(path):3:1: record 2: \(field): \(message)", file: file, line: line)
        }
        XCTAssertEqual(try dumpRows(), before, "nothing is written, not even the good lines or the rubric", file: file, line: line)
    }

    func testBadLinesAreRefusedNamingTheLineAndFieldAndNothingIsWritten() throws {
        let ok = #""scores": {"quality": 1, "hallucination": false}"#
        try assertRefused(#"{"item": "nope", "annotator": "a", \#(ok)}"#, field: "item", message: #"no item with key "nope" in the database"#)
        try assertRefused(#"{"item": "i1", "annotator": "a", "scores": {"quality": 1, "hallucination": false, "speed": 3}}"#,
                          field: "scores.speed", message: "no such criterion in rubric test-rubric (criteria: quality, hallucination, tone)")
        try assertRefused(#"{"item": "i1", "annotator": "a", "scores": {"quality": 7, "hallucination": false}}"#,
                          field: "scores.quality", message: "7 is not one of 1, 2, 3, 4, 5")
        try assertRefused(#"{"item": "i1", "annotator": "a", "scores": {"quality": "3", "hallucination": false}}"#,
                          field: "scores.quality", message: #""3" is not one of 1, 2, 3, 4, 5"#)
        try assertRefused(#"{"item": "i1", "annotator": "a", "scores": {"quality": 1, "hallucination": 0}}"#,
                          field: "scores.hallucination", message: "0 is not one of false, true")
        try assertRefused(#"{"item": "i1", "annotator": "a", "scores": {"quality": 1, "hallucination": false, "tone": "angry"}}"#,
                          field: "scores.tone", message: #""angry" is not one of "friendly", "neutral", "rude""#)
        try assertRefused(#"{"item": "i1", "annotator": "a", "scores": {"quality": 1}}"#,
                          field: "scores.hallucination", message: "missing: the criterion is required")
        try assertRefused(#"{"item": "i1", "annotator": "a", "role": "boss", \#(ok)}"#,
                          field: "role", message: #"expected one of annotator, gold, imported, found "boss""#)
        try assertRefused(#"{"item": "i1", "annotator": "a", "at": "yesterday", \#(ok)}"#,
                          field: "at", message: #"expected an RFC 3339 time such as 2026-01-31T12:00:00Z, found "yesterday""#)
        try assertRefused(#"{"item": "i1", "annotator": "a", "who": "x", \#(ok)}"#,
                          field: "who", message: "unknown field (a label line has: annotator, at, flag, item, mode, note, role, scores, seconds, source)")
        try assertRefused(#"{"item": "i1", "annotator": "a", "source": "s", \#(ok)}"#,
                          field: "source", message: #"only labels with role "imported" (where the scores came from) or "gold" (how it was settled) have a source"#)
        try assertRefused(#"{"item": "i1", "annotator": "a", "seconds": -1, \#(ok)}"#,
                          field: "seconds", message: "expected a number of seconds from 0 to 86400 (a day), found -1")
        try assertRefused(#"{"item": "i1", "annotator": "a", "flag": "yes", \#(ok)}"#,
                          field: "flag", message: #"expected true or false, found "yes""#)
        try assertRefused(#"{"item": "i1", "annotator": "", \#(ok)}"#, field: "annotator", message: "is empty")
        try assertRefused(#"{"annotator": "a", \#(ok)}"#, field: "item", message: "missing (a string is required)")
        try assertRefused(#"{"item": "i1", "annotator": "a"}"#, field: "scores", message: "missing")
        try assertRefused(#"{"item": "i1", "annotator": "a", "role": "imported", "scores": {}}"#, field: "scores", message: "no scores")
        try assertRefused(#"{"item": "i1", "annotator": "a", "scores": [1]}"#, field: "scores", message: "expected an object, found a list")
    }

    func testImpossibleTimesAreRefused() throws {
        for text in ["2026-02-30T12:00:00Z", "2026-01-31T25:00:00Z"] {
            if let date = Timestamp.parse(text) {
                return XCTFail("Timestamp.parse accepts the impossible time \"\(text)\" as \(Timestamp.string(date)) (Foundation's ISO8601FormatStyle rolls it over), so `labels import` stores a label line with \"at\": \"\(text)\" instead of refusing it with \"at: expected an RFC 3339 time ...\"")
            }
        }
        let ok = #""scores": {"quality": 1, "hallucination": false}"#
        try assertRefused(#"{"item": "i1", "annotator": "a", "at": "2026-02-30T12:00:00Z", \#(ok)}"#,
                          field: "at", message: #"expected an RFC 3339 time such as 2026-01-31T12:00:00Z, found "2026-02-30T12:00:00Z""#)
    }

    func testOutOfRangeYearsHugeSecondsControlCharactersInNamesAndFractionsAreRefused() throws {
        let ok = #""scores": {"quality": 1, "hallucination": false}"#
        try assertRefused(#"{"item": "i1", "annotator": "a", "at": "0000-01-01T00:00:00Z", \#(ok)}"#,
                          field: "at", message: #"the year 0 is outside 1970–2200 (found "0000-01-01T00:00:00Z")"#)
        try assertRefused(#"{"item": "i1", "annotator": "a", "at": "9999-12-31T23:59:59Z", \#(ok)}"#,
                          field: "at", message: #"the year 9999 is outside 1970–2200 (found "9999-12-31T23:59:59Z")"#)
        try assertRefused(#"{"item": "i1", "annotator": "a", "seconds": 1e308, \#(ok)}"#,
                          field: "seconds", message: "expected a number of seconds from 0 to 86400 (a day), found 1e308")
        try assertRefused(#"{"item": "i1", "annotator": "a\u001b[31m", \#(ok)}"#,
                          field: "annotator", message: "contains a control character (U+001B); a name is plain text")
        try assertRefused(#"{"item": "i1", "annotator": "a", "at": "2026-01-31T12:00:00.250Z", \#(ok)}"#,
                          field: "at", message: #"has fractional seconds ("2026-01-31T12:00:00.250Z"); the log keeps whole seconds, give the time without them"#)
    }

    func testARepeatedKeyInALineIsAnErrorNamingIt() throws {
        let path = try sandbox.write("dup.jsonl", #"{"item": "i1", "annotator": "a", "annotator": "b", "scores": {"quality": 1, "hallucination": false}}"# + "\n")
        XCTAssertThrowsError(try LabelFile.importLabels(path: path, rubric: rubric, store: store)) { error in
            XCTAssertTrue("\(error)".contains(#"the key "annotator" appears twice in this object"#), "\(error)")
        }
    }

    func testTimestampsParseRFC3339WithOffsetsAndFractions() throws {
        XCTAssertEqual(Timestamp.parse("2026-01-31T13:00:00+01:00").map(Timestamp.string), "2026-01-31T12:00:00Z")
        XCTAssertEqual(Timestamp.parse("2026-01-31T12:00:00.250Z").map(Timestamp.string), "2026-01-31T12:00:00Z")
        XCTAssertNil(Timestamp.parse("2026-01-31"))
        XCTAssertNil(Timestamp.parse("2026-13-01T00:00:00Z"))
        XCTAssertNil(Timestamp.parse("31/01/2026 12:00"))
    }

    func testImportedLabelsNeedNotHaveEveryRequiredCriterion() throws {
        let summary = try importLabels([#"{"item": "i1", "annotator": "x", "role": "imported", "scores": {"quality": 5}}"#])
        XCTAssertEqual(summary.added, 1)
        XCTAssertEqual(try exported().first?.contains(#""source":"x""#), true, "an imported label without a source is its annotator's")
    }

    func testALabelsFileMustBeJSONLines() throws {
        let path = try sandbox.write("list.json", "[" + Self.goodLines[0] + "]")
        XCTAssertThrowsError(try LabelFile.importLabels(path: path, rubric: rubric, store: store)) { error in
            XCTAssertEqual("\(error)", "\(path):1:1: a labels file is JSONL: one {\"item\", \"annotator\", \"scores\"} object per line")
        }
        XCTAssertEqual(try count("label_event"), 0)
    }

    func testASyntaxErrorInALabelsFileNamesTheLine() throws {
        let path = try sandbox.write("syntax.jsonl", Self.goodLines[0] + "\n" + #"{"item": "i1", "annotator": }"# + "\n")
        XCTAssertThrowsError(try LabelFile.importLabels(path: path, rubric: rubric, store: store)) { error in
            XCTAssertEqual("\(error)", "\(path):2:29: record 1: annotator: unexpected '}', expected a JSON value")
        }
        XCTAssertEqual(try count("label_event"), 0)
    }
}
