import Foundation
import XCTest
import WinnowCore

/// `winnow model report` and `winnow simulate`, end to end.
final class ModelReportCLITests: CLITestCase {
    private var rubric: String { bundled("rubrics/llava-quality.yaml") }

    /// 80 LLaVA records in 40 groups of two (answers get better with their number), 60 of them labeled.
    private func setUpData() throws {
        let good = ["accurate", "detailed", "clear", "grounded"], bad = ["wrong", "vague", "invented", "blurry"]
        let records = (0..<40).map { r -> String in
            let answers = (0..<2).map { c -> JSONValue in
                let q = 1 + (r + 2 * c) % 5
                let words = (0..<q).map { good[($0 + r) % 4] } + (0..<(5 - q)).map { bad[($0 + r) % 4] }
                return .string("A street scene, " + words.joined(separator: " ") + ".")
            }
            return JSONValue.object(JSONObject([
                "id": .string("r\(r)"), "image": .string("img\(r).jpg"),
                "conversations": .array([
                    .object(JSONObject(["from": .string("human"), "value": .string("<image>\nDescribe picture \(r).")])),
                    .object(JSONObject(["from": .string("gpt"), "value": .array(answers)])),
                ]),
            ])).serialized()
        }
        try succeed(["import", try winnow.write("records.jsonl", records.joined(separator: "\n") + "\n")])
        var labels: [String] = []
        for r in 0..<30 {
            for c in 0..<2 {
                let q = 1 + (r + 2 * c) % 5
                labels.append(#"{"item": "r\#(r)/t0/c\#(c)", "annotator": "ann", "at": "2026-01-31T12:00:00Z", "scores": {"image_relevance": \#(q), "instruction_clarity": 4, "answer_correctness": \#(q), "hallucination": \#(q <= 2), "helpfulness": \#(q)}}"#)
            }
        }
        try succeed(["labels", "import", try winnow.write("labels.jsonl", labels.joined(separator: "\n") + "\n"), "--rubric", rubric])
    }

    func testReportWithoutAModelFailsOrSaysNullInJSON() throws {
        try setUpData()
        let outcome = try winnow.run(["model", "report"])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.contains("no reward model yet"), outcome.stderr)
        let json = try json(try succeed(["model", "report", "--json"]).stdout)
        XCTAssertEqual(json.objectValue?["model_version"], .null)
    }

    func testReportOnTheCurrentModel() throws {
        try setUpData()
        try succeed(["worker", "--once", "--rubric", rubric])
        // Items 0…19 were first served at random.
        _ = try winnow.sqlite("""
            INSERT INTO serve_log(item_id, annotator, reason, at) SELECT id, 'ann', CASE WHEN id <= 20 THEN 'explore' ELSE 'uncertainty' END,
            '2026-01-31T12:00:00Z' FROM item WHERE id <= 60
            """)
        let object = try XCTUnwrap(json(try succeed(["model", "report", "--json", "--folds", "3"]).stdout).objectValue)
        XCTAssertEqual(object["model_version"]?.doubleValue, 1)
        XCTAssertEqual(object["labels"]?.doubleValue, 60)
        let cv = try XCTUnwrap(object["cv"]?.objectValue)
        XCTAssertEqual(cv["spearman"]?.objectValue?.keys, ["overall", "image_relevance", "instruction_clarity", "answer_correctness",
                                                            "hallucination", "helpfulness", "language_quality"])
        XCTAssertNotNil(cv["spearman"]?.objectValue?["overall"]?.doubleValue)
        XCTAssertEqual(cv["spearman"]?.objectValue?["instruction_clarity"], .null, "one value only: undefined")
        XCTAssertNotNil(cv["pairwise_accuracy"]?.doubleValue)
        XCTAssertNotNil(cv["coverage"]?.doubleValue)
        XCTAssertEqual(cv["nominal_coverage"]?.doubleValue, 0.95)
        XCTAssertEqual(object["explored"]?.objectValue?["count"]?.doubleValue, 20)
        XCTAssertEqual(object["learning_curve"]?.arrayValue?.count, 4)
        XCTAssertEqual(object["learning_curve"]?.arrayValue?.last?.objectValue?["labels"]?.doubleValue, 60)
        XCTAssertEqual(object["top_features"]?.arrayValue?.count, 10)
        XCTAssertNotNil(object["top_features"]?.arrayValue?.first?.objectValue?["feature"]?.stringValue)

        let text = try succeed(["model", "report", "--folds", "3"]).stdout
        XCTAssertTrue(text.hasPrefix("model 1 (rubric llava-quality): 60 labeled items, 3-fold cross-validation"), text)
        XCTAssertTrue(text.contains("strongest features"), text)
    }

    func testSimulateSynthetic() throws {
        let outcome = try succeed(["simulate", "--synthetic", "--items", "200", "--budget", "60", "--seeds", "2", "--json"])
        let object = try XCTUnwrap(json(outcome.stdout).objectValue)
        let strategies = try XCTUnwrap(object["strategies"]?.objectValue)
        XCTAssertEqual(strategies.keys, ["uncertainty", "random", "greedy"])
        let curve = try XCTUnwrap(strategies["random"]?.objectValue?["curve"]?.arrayValue)
        XCTAssertEqual(curve.count, 11)
        XCTAssertEqual(curve.last?.objectValue?["labels"]?.doubleValue, 60)
        XCTAssertGreaterThan(try XCTUnwrap(curve.last?.objectValue?["spearman"]?.doubleValue), 0.3)
        XCTAssertNotNil(object["label_share_to_match_random"])
        XCTAssertEqual(object["pool"]?.objectValue?["confounds"], .array(["group", "length", "hidden"].map(JSONValue.string)), "all by default")

        let easy = try succeed(["simulate", "--synthetic", "--items", "120", "--budget", "20", "--seeds", "1", "--confounds", "none",
                                "--strategy", "random"]).stdout
        XCTAssertTrue(easy.hasPrefix("synthetic pool: 120 items, confounds: none\n"), easy)
        let wrong = try winnow.run(["simulate", "--synthetic", "--confounds", "group,lenght"])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("--confounds takes all, none, or a comma-separated list of group, length, hidden; got 'group,lenght'"), wrong.stderr)
        // Options of the synthetic pool cannot apply to an oracle's pool: an error, not ignored.
        for option in [["--confounds", "none"], ["--items", "200"]] {
            let mixed = try winnow.run(["simulate", "--oracle", "labels.jsonl", "--rubric", "r.yaml"] + option)
            XCTAssertNotEqual(mixed.status, 0, option.joined(separator: " "))
            XCTAssertTrue(mixed.stderr.contains("--items and --confounds describe the synthetic pool; with --oracle the pool is the items of --db"), mixed.stderr)
        }

        let table = try succeed(["simulate", "--synthetic", "--items", "200", "--budget", "60", "--seeds", "1",
                                 "--strategy", "uncertainty", "--strategy", "random"]).stdout
        XCTAssertTrue(table.contains("uncertainty") && table.contains("random's final held-out Spearman"), table)
        XCTAssertEqual(try winnow.run(["simulate"]).status == 0, false, "--synthetic or --oracle is required")
    }
}
