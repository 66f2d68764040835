import Foundation
import XCTest

/// Each file in data/sample/bad fails with a positioned message and leaves the database as it was.
final class BadSampleCLITests: CLITestCase {
    private func assertRefused(_ arguments: [String], stderr expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
        try succeed(["import", bundled("data/sample/alpaca.jsonl")], file: file, line: line)
        let before = try winnow.dump()
        XCTAssertTrue(before.contains("INSERT INTO item"), "the database is not empty", file: file, line: line)
        let outcome = try winnow.run(["import"] + arguments)
        XCTAssertNotEqual(outcome.status, 0, file: file, line: line)
        XCTAssertEqual(outcome.stderr, expected, file: file, line: line)
        XCTAssertEqual(outcome.stdout, "", file: file, line: line)
        XCTAssertEqual(try winnow.dump(), before, "sqlite3 .dump is unchanged", file: file, line: line)
    }

    func testBadFromNamesFileLineColumnRecordAndField() throws {
        let path = bundled("data/sample/bad/bad-from.json")
        // Record 1 (000000000102) starts on line 32, column 3; its fourth turn says "robot".
        try assertRefused([path], stderr: "Error: \(path):32:3: record 1: conversations[3].from: expected \"human\" or \"gpt\", found \"robot\"\n")
    }

    func testWrongFieldNamesFileLineColumnRecordAndField() throws {
        let path = bundled("data/sample/bad/wrong-field.jsonl")
        try assertRefused([path], stderr: "Error: \(path):3:1: record 2: conversations: expected a list of turns, found a string\n")
    }

    func testTruncatedNamesFileLineColumnAndRecord() throws {
        let path = bundled("data/sample/bad/truncated.json")
        // The file ends on line 42 inside the string that opens at column 18.
        try assertRefused([path], stderr: "Error: \(path):42:18: record 1: conversations[1].value: unterminated string\n")
    }

    func testNotUTF8NamesFileLineAndRecord() throws {
        let path = bundled("data/sample/bad/not-utf8.jsonl")
        let outcome = try winnow.run(["import", path])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.hasPrefix("Error: \(path):2:"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.hasSuffix(": record 1: conversations[0].value: invalid UTF-8 in a string\n"), outcome.stderr)
        try assertRefused([path], stderr: outcome.stderr)
    }

    func testNotUTF8NamesTheColumnOfTheBadByte() throws {
        let path = bundled("data/sample/bad/not-utf8.jsonl")
        let outcome = try winnow.run(["import", path])
        // Line 2: the 0xE9 of "D\xE9cris" is the 116th character; the string holding it opens at column 105.
        let expected = "Error: \(path):2:116: record 1: conversations[0].value: invalid UTF-8 in a string\n"
        if outcome.stderr != expected {
            return XCTFail("not-utf8.jsonl is reported as \(outcome.stderr.debugDescription), expected \(expected.debugDescription): after an escape (\\n) JSONParser reports invalid UTF-8 at the string's start")
        }
    }

    func testSyntaxErrorsInsideARecordNameTheField() throws {
        // The import help promises file, line, column, record and field; a syntax error names no field.
        let path = bundled("data/sample/bad/truncated.json")
        let outcome = try winnow.run(["import", path])
        if !outcome.stderr.contains("conversations[1].value") {
            return XCTFail("syntax errors inside a record name no field: truncated.json gives \(outcome.stderr.debugDescription) (no conversations[1].value); not-utf8.jsonl likewise names no conversations[0].value")
        }
    }

    func testABadFileAfterGoodOnesInOneCommandWritesNothing() throws {
        let bad = bundled("data/sample/bad/wrong-field.jsonl")
        try assertRefused([bundled("data/sample/conversation.json"), bundled("data/sample/questions.json"), bad],
                          stderr: "Error: \(bad):3:1: record 2: conversations: expected a list of turns, found a string\n")
    }

    func testUnknownFormatOptionIsRefused() throws {
        let outcome = try winnow.run(["import", "--format", "csv", bundled("data/sample/alpaca.jsonl")])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.hasPrefix("Error: unknown --format 'csv'; expected one of: llava, alpaca, question-sets, mm-instruct-questions, mm-instruct-answers\n"), outcome.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: winnow.database.path), "nothing was opened")
    }

    func testFormatOptionOverridesDetection() throws {
        let path = try winnow.write("both.jsonl", #"{"id": "x", "instruction": "Do", "output": "done", "conversations": [{"from": "human", "value": "hi"}]}"# + "\n")
        try succeed(["import", "--format", "alpaca", path])
        XCTAssertEqual(try winnow.sqlite("SELECT turns FROM item"), #"[{"from":"human","value":"Do"},{"from":"gpt","value":"done"}]"# + "\n")
    }
}
