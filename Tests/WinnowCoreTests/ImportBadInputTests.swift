import Foundation
import GRDB
import XCTest
@testable import WinnowCore
import WinnowTestSupport

/// Bad files: the error names file:line:col, the record, the field and the problem, and nothing of the
/// command is written.
final class ImportBadInputTests: CoreTestCase {
    private static let good = #"{"id": "a", "conversations": [{"from": "human", "value": "hi"}]}"#

    override func setUpWithError() throws {
        try super.setUpWithError()
        // A non-empty database, so "unchanged" means something.
        try makeItems(["existing-1", "existing-2"])
        let stored = StoredRubric(try TestRubric.rubric())
        try LabelLog(store: store).save(itemId: try XCTUnwrap(item("existing-1")?.id), annotator: "ann", rubric: stored,
                                        scores: #"{"quality":2}"#, activeSeconds: 1)
    }

    /// Imports `files`, expecting exactly `expected` as the error, and checks no row changed.
    private func assertRefused(_ files: [String], _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let before = try dumpRows()
        let countsBefore = [try count("item"), try count("label_event"), try count("source_file")]
        XCTAssertEqual(try importError(files, file: file, line: line)?.description, expected, file: file, line: line)
        XCTAssertEqual([try count("item"), try count("label_event"), try count("source_file")], countsBefore, file: file, line: line)
        XCTAssertEqual(try dumpRows(), before, "the database is unchanged", file: file, line: line)
    }

    // MARK: truncated

    func testListTruncatedInsideTheSecondRecord() throws {
        let path = try sandbox.write("t.json", "[\n  \(Self.good),\n  {\"id\": \"b\", \"conv")
        try assertRefused([path], "\(path):3:15: record 1: unterminated string")
    }

    func testListTruncatedAfterAComma() throws {
        let path = try sandbox.write("t.json", "[\n  \(Self.good),\n")
        try assertRefused([path], "\(path):3:1: record 1: unexpected end of file")
    }

    func testListNotClosed() throws {
        let path = try sandbox.write("t.json", "[\n  \(Self.good)\n")
        try assertRefused([path], "\(path):3:1: unexpected end of file: the list is not closed with ']' (is the file truncated?)")
    }

    func testListTruncatedInsideTheFirstRecord() throws {
        let path = try sandbox.write("t.json", #"[{"id": "a", "conv"#)
        try assertRefused([path], "\(path):1:14: record 0: unterminated string")
    }

    func testJSONLinesTruncatedInTheLastLine() throws {
        let path = try sandbox.write("t.jsonl", Self.good + "\n" + #"{"id": "b", "conversations": [{"from": "hu"#)
        try assertRefused([path], "\(path):2:40: record 1: conversations[0].from: unterminated string")
    }

    // MARK: structure between records

    func testMissingCommaBetweenRecords() throws {
        let path = try sandbox.write("c.json", "[\(Self.good) \(Self.good)]")
        let offset = 1 + Self.good.utf8.count + 1
        try assertRefused([path], "\(path):1:\(offset + 1): expected ',' or ']' after record 0")
    }

    func testTextAfterTheList() throws {
        let path = try sandbox.write("c.json", "[\(Self.good)]\nmore")
        try assertRefused([path], "\(path):2:1: unexpected text after the end of the list")
    }

    func testTwoRecordsOnOneJSONLine() throws {
        let path = try sandbox.write("c.jsonl", "\(Self.good) \(Self.good)\n")
        try assertRefused([path], "\(path):1:\(Self.good.count + 2): record 0: unexpected text after the record (JSONL has one record per line)")
    }

    // MARK: fields

    func testWrongFieldType() throws {
        let path = try sandbox.write("w.jsonl", Self.good + "\n" + #"{"id": "b", "conversations": "oops"}"# + "\n")
        try assertRefused([path], "\(path):2:1: record 1: conversations: expected a list of turns, found a string")
    }

    func testWrongTypesOfOtherFields() throws {
        let cases: [(record: String, expected: String)] = [
            (#"{"id": "b", "image": 5, "conversations": []}"#, "image: expected a string, found a number"),
            (#"{"id": true, "conversations": []}"#, "id: expected a string or a number, found a boolean"),
            (#"{"id": "", "conversations": []}"#, "id: the id is empty"),
            (#"{"id": "b", "conversations": []}"#, "conversations: the list of turns is empty"),
            (#"{"id": "b", "conversations": [{"from": "human", "value": "q"}], "captions": ["ok", 3]}"#, "captions[1]: expected a string, found a number"),
            (#"{"id": "b", "conversations": ["q"]}"#, "conversations[0]: expected a turn object, found a string"),
            (#"{"id": "b", "conversations": [{"value": "q"}]}"#, "conversations[0].from: missing"),
            (#"{"id": "b", "conversations": [{"from": "human"}]}"#, "conversations[0].value: missing"),
            (#"{"id": "b", "conversations": [{"from": "gpt", "value": 3}]}"#, "conversations[0].value: expected a string or a list of candidate strings, found a number"),
            (#"{"id": "b", "image": "x", "questions": "no"}"#, "questions: expected a non-empty list of question sets, found a string"),
            (#"{"id": "b", "questions": [["q", 1]]}"#, "questions[0][1]: expected a turn object or a string, found a number"),
            (#"{"id": "b", "questions": [[{"from": "bot", "value": "q"}]]}"#, "questions[0][0].from: expected \"human\" or \"gpt\", found \"bot\""),
            (#"{"instruction": 1, "output": "o"}"#, "instruction: expected a string, found a number"),
        ]
        for (i, c) in cases.enumerated() {
            let path = try sandbox.write("f\(i).jsonl", c.record + "\n")
            try assertRefused([path], "\(path):1:1: record 0: \(c.expected)")
        }
    }

    func testBadFromNamesTheTurn() throws {
        let bad = #"{"id": "c", "conversations": [{"from": "human", "value": "q"}, {"from": "robot", "value": "x"}]}"#
        let path = try sandbox.write("b.json", "[\n  \(Self.good),\n  \(bad)\n]\n")
        try assertRefused([path], "\(path):3:3: record 1: conversations[1].from: expected \"human\" or \"gpt\", found \"robot\"")
        let numeric = #"{"id": "c", "conversations": [{"from": 1, "value": "q"}]}"#
        let path2 = try sandbox.write("b2.jsonl", numeric)
        try assertRefused([path2], "\(path2):1:1: record 0: conversations[0].from: expected \"human\" or \"gpt\", found 1")
    }

    // MARK: encoding and containers

    func testInvalidUTF8() throws {
        let line2 = Array(#"{"id":"b","conversations":[{"from":"human","value":"D"#.utf8) + [0xFF] + Array(#"x"}]}"#.utf8)
        let path = try sandbox.write("u.jsonl", bytes: Array((Self.good + "\n").utf8) + line2 + [0x0A])
        try assertRefused([path], "\(path):2:54: record 1: conversations[0].value: invalid UTF-8 in a string")
    }

    func testLatin1TextIsInvalidUTF8() throws {
        // "Décris" in Latin-1, in a string without escapes.
        let record = Array(#"{"id":"b","conversations":[{"from":"human","value":"D"#.utf8) + [0xE9] + Array(#"cris"}]}"#.utf8)
        let path = try sandbox.write("l.jsonl", bytes: record)
        try assertRefused([path], "\(path):1:54: record 0: conversations[0].value: invalid UTF-8 in a string")
    }

    func testEmptyFile() throws {
        let path = try sandbox.write("e.json", "")
        try assertRefused([path], "\(path): the file is empty")
        let blank = try sandbox.write("blank.jsonl", " \n\t\n")
        try assertRefused([blank], "\(blank): the file is empty")
    }

    func testNotJSON() throws {
        let path = try sandbox.write("n.txt", "id,image\n1,a.jpg\n")
        try assertRefused([path], "\(path):1:1: not JSON or JSONL: expected '[' (a list of records) or '{' (one record per line)")
    }

    func testByteOrderMark() throws {
        let path = try sandbox.write("bom.json", bytes: [0xEF, 0xBB, 0xBF] + Array("[\(Self.good)]".utf8))
        try assertRefused([path], "\(path):1:1: the file starts with a byte-order mark; save it as UTF-8 without BOM")
    }

    func testARecordThatIsNotAnObject() throws {
        let path = try sandbox.write("r.jsonl", Self.good + "\n" + "[1, 2]\n")
        // JSONL: the first non-blank byte '{' makes it a JSONL file; a list on a later line is a record that is not an object.
        try assertRefused([path], "\(path):2:1: record 1: expected a record (an object), found a list")
        let list = try sandbox.write("r.json", "[\n  \(Self.good),\n  42\n]")
        try assertRefused([list], "\(list):3:3: record 1: expected a record (an object), found a number")
    }

    func testAFirstRecordThatIsNotAnObjectIsReportedWhereItIs() throws {
        let list = try sandbox.write("first.json", "[\n  \"just text\",\n  \(Self.good)\n]")
        let error = try XCTUnwrap(importError([list]))
        XCTAssertEqual(error.record, 0)
        XCTAssertEqual(error.message, "expected a record (an object), found a string")
        if error.line != 2 || error.column != 3 {
            return XCTFail("Importer.run reports a first record that is not an object at offset 0 (\(error.line ?? 0):\(error.column ?? 0)) instead of where the record starts (2:3): `reader.error(at: 0, ...)`")
        }
        XCTAssertEqual(error.description, "\(list):2:3: record 0: expected a record (an object), found a string")
    }

    // MARK: all or nothing

    func testTheFirstProblemInFileOrderIsReportedWhetherItIsOfParsingOrOfTheRecord() throws {
        // Parsing and drafting run on different threads; the error is still the first bad record's.
        let bad = #"{"id": "x", "conversations": "not a list"}"#
        var lines = (0..<500).map { #"{"id": "r\#($0)", "conversations": [{"from": "human", "value": "hi"}]}"# }
        lines[300] = bad
        lines[400] = #"{"id": "broken", "conversations": [{"from": "human", "value": "hi"}"#
        let draftFirst = try sandbox.write("draft-first.jsonl", lines.joined(separator: "\n"))
        try assertRefused([draftFirst], "\(draftFirst):301:1: record 300: conversations: expected a list of turns, found a string")
        lines[300] = lines[299]
        lines[450] = bad
        let syntaxFirst = try sandbox.write("syntax-first.jsonl", lines.joined(separator: "\n"))
        try assertRefused([syntaxFirst], "\(syntaxFirst):401:68: record 400: conversations: unexpected end of file, expected ',' or ']' in a list")
    }

    func testABadRecordAfterGoodOnesWritesNothingOfTheCommand() throws {
        let good1 = try sandbox.write("good1.jsonl", [1, 2].map { #"{"id": "g1-\#($0)", "conversations": [{"from": "human", "value": "q"}]}"# }.joined(separator: "\n"))
        let good2 = try sandbox.write("good2.json", "[" + [1, 2, 3].map { #"{"id": "g2-\#($0)", "conversations": [{"from": "human", "value": "q"}]}"# }.joined(separator: ",") + "]")
        let bad = try sandbox.write("bad.jsonl", [
            #"{"id": "b1", "conversations": [{"from": "human", "value": "q"}]}"#,
            #"{"id": "b2", "conversations": [{"from": "human", "value": "q"}]}"#,
            #"{"id": "b3", "conversations": [{"from": "gpt", "value": {"not": "text"}}]}"#,
        ].joined(separator: "\n"))
        try assertRefused([good1, good2, bad], "\(bad):3:1: record 2: conversations[0].value: expected a string or a list of candidate strings, found an object")
        // The same good files on their own import fine.
        XCTAssertEqual(try runImport([good1, good2]).itemsAdded, 5)
    }

    func testAScoreLabelProblemWritesNothingOfTheCommand() throws {
        let rubric = StoredRubric(try TestRubric.rubric())
        let labels = Importer.ScoreLabels(source: "src", criterion: "quality", rubric: rubric) { value in
            value == .number("9") ? .failure(RubricValueProblem("allowed: 1, 2, 3, 4, 5")) : .success((value, false))
        }
        let path = try sandbox.write("s.jsonl", [
            #"{"id": "s1", "conversations": [{"from": "human", "value": "q"}], "score": 2}"#,
            #"{"id": "s2", "conversations": [{"from": "human", "value": "q"}], "score": 9}"#,
        ].joined(separator: "\n"))
        let before = try dumpRows()
        XCTAssertThrowsError(try runImport([path], scoreLabels: labels)) { error in
            XCTAssertEqual("\(error)", "\(path):2:1: record 1: score: 9 is not a value of criterion 'quality': allowed: 1, 2, 3, 4, 5")
        }
        XCTAssertEqual(try dumpRows(), before, "neither items, labels nor the rubric are written")
    }

    // MARK: hostile text

    func testHostileTextIsStoredExactly() throws {
        let escaped = #"\u001b[31mred\u001b[0m \u001b]0;title\u0007 \u009b2J nul:\u0000: bidi:\u202eevil\u202c del:\u007f ls:\u2028 \ud83d\ude00"#
        let decoded = "\u{1B}[31mred\u{1B}[0m \u{1B}]0;title\u{7} \u{9B}2J nul:\u{0}: bidi:\u{202E}evil\u{202C} del:\u{7F} ls:\u{2028} 😀"
        let record = #"{"id": "hostile\u001bid\u202e", "image": "a\u202eb.jpg", "conversations": [{"from": "human", "value": "\#(escaped)"}, {"from": "gpt", "value": "raw \#u{202E}bidi\#u{200F} and \\u0000 text"}], "field": "\#(escaped)"}"#
        let path = try sandbox.write("hostile.jsonl", record + "\n")
        XCTAssertEqual(try runImport([path]).itemsAdded, 1)
        let key = "hostile\u{1B}id\u{202E}"
        let stored = try XCTUnwrap(item(key), "the item is found by its key with escape and bidi characters")
        XCTAssertEqual(stored.key, key)
        XCTAssertEqual(stored.image, "a\u{202E}b.jpg")
        XCTAssertEqual(stored.turns, [Turn(from: .human, value: decoded), Turn(from: .gpt, value: "raw \u{202E}bidi\u{200F} and \\u0000 text")])
        XCTAssertEqual(stored.fields["field"], .string(decoded))
        XCTAssertEqual(stored.original, Data(record.utf8))
        // The stored JSON text escapes the control characters rather than holding them raw.
        let turnsText = try store.pool.read { db in try String.fetchOne(db, sql: "SELECT turns FROM item WHERE id = ?", arguments: [stored.id]) }
        XCTAssertEqual(turnsText?.contains("\\u001b[31m"), true)
        XCTAssertEqual(turnsText?.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, false)
    }

    func testANULInAnIdOrImageIsRefusedNamingTheField() throws {
        // SQL text ends at a NUL, so a key or path holding one could not be stored exactly: refused.
        let id = try sandbox.write("nul-id.jsonl", #"{"id": "nul\u0000id", "conversations": [{"from": "human", "value": "q"}]}"#)
        try assertRefused([id], "\(id):1:1: record 0: id: contains a NUL character (\\u0000), which an id cannot hold")
        let image = try sandbox.write("nul-image.jsonl", #"{"id": "ok", "image": "a\u0000b.jpg", "conversations": [{"from": "human", "value": "q"}]}"#)
        try assertRefused([image], "\(image):1:1: record 0: image: contains a NUL character (\\u0000), which an image path cannot hold")
    }

    func testAOneMegabyteFieldIsStoredExactly() throws {
        let big = String(repeating: "abcdefghi\u{E9}", count: 100_000)  // 1,000,000 characters, 1,100,000 bytes
        XCTAssertEqual(big.count, 1_000_000)
        let record = JSONValue.object(JSONObject([
            "id": .string("big"),
            "conversations": .array([
                .object(JSONObject(["from": .string("human"), "value": .string("q")])),
                .object(JSONObject(["from": .string("gpt"), "value": .string(big)])),
            ]),
            "blob": .string(big),
        ])).serialized()
        let path = try sandbox.write("big.json", "[" + record + "]")
        XCTAssertEqual(try runImport([path]).itemsAdded, 1)
        let stored = try XCTUnwrap(item("big"))
        XCTAssertEqual(stored.turns.last?.value, big)
        XCTAssertEqual(stored.fields["blob"], .string(big))
        XCTAssertEqual(stored.original.count, record.utf8.count)
    }
}
