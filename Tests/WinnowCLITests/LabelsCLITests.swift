import Foundation
import XCTest
import WinnowCore

/// `winnow labels import` and `labels export` (the labels file), and `import --scores-as`.
final class LabelsCLITests: CLITestCase {
    private var rubric: String { bundled("rubrics/llava-quality.yaml") }

    private static let scores = #""image_relevance": 5, "instruction_clarity": 4, "answer_correctness": 5, "hallucination": false, "helpfulness": 4"#
    private static let lines = [
        #"{"item": "alp-1", "annotator": "ann", "scores": {\#(scores)}, "seconds": 30, "at": "2026-01-31T12:00:00Z", "note": "ok"}"#,
        #"{"item": "alp-3", "annotator": "ann", "scores": {"language_quality": 3, \#(scores)}, "seconds": 4.25, "at": "2026-01-31T12:01:00Z"}"#,
        #"{"item": "alp-1", "annotator": "lee", "role": "gold", "scores": {\#(scores)}, "at": "2026-02-01T08:00:00+02:00", "flag": true}"#,
        #"{"item": "alp-2", "annotator": "gpt", "role": "imported", "source": "gpt-run-1", "scores": {"helpfulness": 2}, "at": "2026-02-01T00:00:00Z"}"#,
    ]
    private static let canonicalScores = #""image_relevance":5,"instruction_clarity":4,"answer_correctness":5,"hallucination":false,"helpfulness":4"#
    private static let export = [
        #"{"item":"alp-1","annotator":"ann","role":"annotator","scores":{\#(canonicalScores)},"seconds":30,"at":"2026-01-31T12:00:00Z","note":"ok"}"#,
        #"{"item":"alp-1","annotator":"lee","role":"gold","scores":{\#(canonicalScores)},"seconds":0,"at":"2026-02-01T06:00:00Z","flag":true}"#,
        #"{"item":"alp-2","annotator":"gpt","role":"imported","source":"gpt-run-1","scores":{"helpfulness":2},"seconds":0,"at":"2026-02-01T00:00:00Z"}"#,
        #"{"item":"alp-3","annotator":"ann","role":"annotator","scores":{\#(canonicalScores),"language_quality":3},"seconds":4.25,"at":"2026-01-31T12:01:00Z"}"#,
    ]

    func testLabelsImportThenExportRoundTripsAcrossDatabases() throws {
        try succeed(["import", bundled("data/sample/alpaca.jsonl")])
        let file = try winnow.write("labels.jsonl", Self.lines.joined(separator: "\n") + "\n")
        XCTAssertEqual(try succeed(["labels", "import", file, "--rubric", rubric]).stdout, "\(file): 4 lines, 4 labels added, 0 unchanged\n")
        let exported = try succeed(["labels", "export"]).stdout
        XCTAssertEqual(exported, Self.export.joined(separator: "\n") + "\n")
        XCTAssertEqual(try succeed(["status", "--json"]).stdout, #"{"items":4,"groups":4,"labeled":2,"unlabeled":2,"annotators":{"ann":2}}"# + "\n")

        // A second database with the same items.
        let other = winnow.directory.appendingPathComponent("other.sqlite").path
        try succeed(["import", "--db", other, bundled("data/sample/alpaca.jsonl")])
        let exportFile = try winnow.write("export.jsonl", exported)
        XCTAssertEqual(try succeed(["labels", "import", "--db", other, exportFile, "--rubric", rubric, "--json"]).stdout,
                       #"{"lines":4,"added":4,"unchanged":0}"# + "\n")
        XCTAssertEqual(try succeed(["labels", "export", "--db", other]).stdout, exported)

        // Importing the export again adds nothing.
        XCTAssertEqual(try succeed(["labels", "import", "--db", other, exportFile, "--rubric", rubric, "--json"]).stdout,
                       #"{"lines":4,"added":0,"unchanged":4}"# + "\n")
    }

    func testExportJSONIsOneListOfTheSameLines() throws {
        try succeed(["import", bundled("data/sample/alpaca.jsonl")])
        try succeed(["labels", "import", try winnow.write("labels.jsonl", Self.lines.joined(separator: "\n")), "--rubric", rubric])
        let list = try json(try succeed(["labels", "export", "--json"]).stdout)
        XCTAssertEqual(try XCTUnwrap(list.arrayValue).map { $0.serialized() }, Self.export)
    }

    func testExportFiltersByRubric() throws {
        try succeed(["import", bundled("data/sample/alpaca.jsonl")])
        try succeed(["labels", "import", try winnow.write("labels.jsonl", Self.lines.joined(separator: "\n")), "--rubric", rubric])
        XCTAssertEqual(try succeed(["labels", "export", "--rubric", rubric]).stdout.split(separator: "\n").count, 4)
        XCTAssertEqual(try succeed(["labels", "export", "--rubric", bundled("rubrics/helpsteer.yaml")]).stdout, "")
    }

    func testBadLabelLinesAreRefusedAndNothingIsWritten() throws {
        try succeed(["import", bundled("data/sample/alpaca.jsonl")])
        try succeed(["labels", "import", try winnow.write("first.jsonl", Self.lines[0]), "--rubric", rubric])
        let before = try winnow.dump()
        let cases: [(line: String, error: String)] = [
            (#"{"item": "nope", "annotator": "ann", "scores": {\#(Self.scores)}}"#, #"item: no item with key "nope" in the database"#),
            (#"{"item": "alp-2", "annotator": "ann", "scores": {"helpfulness": 9, "image_relevance": 5, "instruction_clarity": 4, "answer_correctness": 5, "hallucination": false}}"#,
             "scores.helpfulness: 9 is not one of 1, 2, 3, 4, 5"),
            (#"{"item": "alp-2", "annotator": "ann", "scores": {"helpfulness": 3}}"#, "scores.image_relevance: missing: the criterion is required"),
            (#"{"item": "alp-2", "annotator": "ann", "role": "admin", "scores": {\#(Self.scores)}}"#, #"role: expected one of annotator, gold, imported, found "admin""#),
        ]
        for (i, c) in cases.enumerated() {
            let file = try winnow.write("bad\(i).jsonl", Self.lines[1] + "\n" + c.line + "\n")
            let outcome = try winnow.run(["labels", "import", file, "--rubric", rubric])
            XCTAssertNotEqual(outcome.status, 0, c.line)
            XCTAssertEqual(outcome.stderr, "Error: \(file):2:1: record 1: \(c.error)\n")
            XCTAssertEqual(try winnow.dump(), before, c.line)
        }
    }

    func testScoresAsImportsCandidateScoresAsLabels() throws {
        let outcome = try succeed([
            "import", "--scores-as", "align2llava", "--scores-criterion", "helpfulness", "--rubric", rubric,
            bundled("data/sample/candidates.json"), "--json",
        ])
        let summary = try XCTUnwrap(json(outcome.stdout).objectValue)
        XCTAssertEqual(summary["items_added"], .number(15))
        XCTAssertEqual(summary["labels_added"], .number(15))
        // 4.5, 2.5 (record 101), 4.5 (103, second turn) and 1.5 (111) lie between scale values.
        XCTAssertEqual(summary["scores_rounded"], .number(4))

        let lines = try succeed(["labels", "export"]).stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        XCTAssertEqual(lines.count, 15)
        for line in lines {
            let object = try XCTUnwrap(line.objectValue)
            XCTAssertEqual(object.keys, ["item", "annotator", "role", "source", "scores", "seconds", "at"])
            XCTAssertEqual(object["annotator"], .string("align2llava"))
            XCTAssertEqual(object["role"], .string("imported"))
            XCTAssertEqual(object["source"], .string("align2llava"))
        }
        // Record 101's scores are [4.5, 2.5, 1.0]: rounded to the nearest value, ties upward.
        XCTAssertEqual(lines.prefix(3).map { $0.objectValue?["item"]?.stringValue ?? "" }, ["000000000101/t0/c0", "000000000101/t0/c1", "000000000101/t0/c2"])
        XCTAssertEqual(lines.prefix(3).map { $0.objectValue?["scores"]?.serialized() ?? "" }, [#"{"helpfulness":5}"#, #"{"helpfulness":3}"#, #"{"helpfulness":1}"#])
        XCTAssertEqual(try succeed(["status", "--json"]).stdout, #"{"items":15,"groups":5,"labeled":0,"unlabeled":15,"annotators":{}}"# + "\n",
                       "imported scores are not labels by annotators")
    }

    func testScoresAsNeedsCriterionAndRubric() throws {
        let outcome = try winnow.run(["import", "--scores-as", "x", bundled("data/sample/candidates.json")])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.hasPrefix("Error: --scores-as needs --scores-criterion and --rubric\n"), outcome.stderr)
        let unknown = try winnow.run(["import", "--scores-as", "x", "--scores-criterion", "speed", "--rubric", rubric, bundled("data/sample/candidates.json")])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertEqual(unknown.stderr, "Error: --scores-criterion: no criterion 'speed' in rubric llava-quality (criteria: image_relevance, instruction_clarity, answer_correctness, hallucination, helpfulness, language_quality)\n")
    }
}
