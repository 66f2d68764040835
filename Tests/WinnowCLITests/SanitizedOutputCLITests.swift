import Foundation
import XCTest
import WinnowCore

/// Text from data files, rubrics and the command line never reaches the terminal raw: every
/// human-readable output and every error goes through the screen's sanitising; JSON stays escaped.
final class SanitizedOutputCLITests: CLITestCase {
    /// ESC (with a colour sequence), BEL and a C1 control (CSI).
    private static let hostile = "\u{1B}[31mRED\u{07}\u{9B}2J"

    private func assertClean(_ text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let bad = text.unicodeScalars.filter { $0.value == 0x1B || $0.value == 0x07 || (0x80...0x9F).contains($0.value) }
        XCTAssertTrue(bad.isEmpty, "\(what) prints control characters: \(text.debugDescription)", file: file, line: line)
    }

    /// The same characters as YAML escapes (raw control characters are not valid YAML).
    private static let hostileYAML = #"\e[31mRED\a\x9B2J"#

    private var rubricWithHostileTitle: String {
        """
        name: "evil\(Self.hostileYAML)"
        version: "1"
        criteria:
          - id: quality
            title: "Quality \(Self.hostileYAML)"
            question: "Good?"
            kind: scale
            values: [1, 2, 3]
            required: true
            better: higher
        """
    }

    func testRubricCheckOutputAndErrorsAreSanitised() throws {
        let good = try winnow.write("evil.yaml", rubricWithHostileTitle)
        let outcome = try succeed(["rubric", "check", good])
        assertClean(outcome.stdout, "rubric check")
        XCTAssertTrue(outcome.stdout.contains("␛[31mRED"), outcome.stdout)
        let json = try succeed(["rubric", "check", good, "--json"]).stdout
        XCTAssertTrue(json.contains(#"\u001b[31mRED"#), "JSON keeps the text, escaped: \(json)")
        let bad = try winnow.write("bad.yaml", rubricWithHostileTitle.replacingOccurrences(of: "kind: scale", with: "kind: \"sc\(Self.hostileYAML)\""))
        let failed = try winnow.run(["rubric", "check", bad])
        XCTAssertNotEqual(failed.status, 0)
        assertClean(failed.stderr, "rubric check's error")
    }

    func testImportErrorsQuotingAKeyAndFileNamesAreSanitised() throws {
        let record = #"{"id": "k\u001b[2Jx", "conversations": [{"from": "alien", "value": "hi"}]}"#
        let file = try winnow.write("data\u{1B}]0;title\u{07}.jsonl", record + "\n")
        let outcome = try winnow.run(["import", file])
        XCTAssertNotEqual(outcome.status, 0)
        assertClean(outcome.stderr, "import error")
        XCTAssertTrue(outcome.stderr.contains("data␛]0;title"), outcome.stderr)
    }

    func testAnnotatorNamesInStatusAndStatsAreSanitised() throws {
        try succeed(["import", bundled("data/sample/alpaca.jsonl")])
        let scores = #""image_relevance": 5, "instruction_clarity": 4, "answer_correctness": 5, "hallucination": false, "helpfulness": 4"#
        let name = #"ann\u001b[31m\u0007"#
        let lines = ["alp-1", "alp-2", "alp-3"].map { #"{"item": "\#($0)", "annotator": "\#(name)", "scores": {\#(scores)}, "at": "2026-01-31T12:00:00Z"}"# }
        let labels = try winnow.write("labels.jsonl", lines.joined(separator: "\n") + "\n")
        let rubric = bundled("rubrics/llava-quality.yaml")
        let imported = try winnow.run(["labels", "import", labels, "--rubric", rubric])
        assertClean(imported.stdout + imported.stderr, "labels import")
        guard imported.status == 0 else { return }  // refusing such a name is fine too; printing it raw is not
        assertClean(try succeed(["status"]).stdout, "status")
        assertClean(try succeed(["stats", "--rubric", rubric, "--by", "annotator"]).stdout, "stats --by annotator")
    }

    func testTheWhereExpressionAndConfigKeysInErrorsAreSanitised() throws {
        try succeed(["import", bundled("data/sample/alpaca.jsonl")])
        let export = try winnow.run(["export", "--rubric", bundled("rubrics/llava-quality.yaml"), "--format", "jsonl",
                                     "--output", winnow.directory.appendingPathComponent("out.jsonl").path, "--where", "no\(Self.hostile) >= 3"])
        XCTAssertNotEqual(export.status, 0)
        assertClean(export.stderr, "export --where error")
        let config = try winnow.run(["config", "set", "key\(Self.hostile)", "1"])
        XCTAssertNotEqual(config.status, 0)
        assertClean(config.stderr, "config error")
        XCTAssertTrue(config.stderr.contains("key␛[31mRED"), config.stderr)
    }
}
