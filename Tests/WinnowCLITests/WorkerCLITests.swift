import Foundation
import XCTest
import WinnowCore

/// `winnow worker --once` and `winnow embeddings import`, end to end.
final class WorkerCLITests: CLITestCase {
    private var rubric: String { bundled("rubrics/llava-quality.yaml") }

    /// 30 LLaVA records whose answers get better with their number, and labels for the first `labeled`.
    private func setUpData(labeled: Int) throws {
        let good = ["accurate", "detailed", "clear", "grounded"], bad = ["wrong", "vague", "invented", "blurry"]
        let records = (0..<30).map { i -> String in
            let q = 1 + i % 5
            let words = (0..<q).map { good[($0 + i) % 4] } + (0..<(5 - q)).map { bad[($0 + i) % 4] }
            return JSONValue.object(JSONObject([
                "id": .string("r\(i)"), "image": .string("img\(i % 6).jpg"),
                "conversations": .array([
                    .object(JSONObject(["from": .string("human"), "value": .string("<image>\nDescribe picture \(i).")])),
                    .object(JSONObject(["from": .string("gpt"), "value": .string("A street scene, " + words.joined(separator: " ") + ".")])),
                ]),
            ])).serialized()
        }
        try succeed(["import", try winnow.write("records.jsonl", records.joined(separator: "\n") + "\n")])
        let labels = (0..<labeled).map { i -> String in
            let q = 1 + i % 5
            return #"{"item": "r\#(i)", "annotator": "ann", "at": "2026-01-31T12:00:00Z", "scores": {"image_relevance": \#(q), "instruction_clarity": 4, "answer_correctness": \#(q), "hallucination": \#(q <= 2), "helpfulness": \#(q)}}"#
        }
        if labeled == 0 { return }
        try succeed(["labels", "import", try winnow.write("labels.jsonl", labels.joined(separator: "\n") + "\n"), "--rubric", rubric])
    }

    func testWorkerOnceRefitsThenHasNothingToDo() throws {
        try setUpData(labeled: 24)
        let first = try succeed(["worker", "--once", "--rubric", rubric]).stdout
        XCTAssertTrue(first.hasPrefix("model 1: 24 labels used, 30 items scored, "), first)
        XCTAssertEqual(try winnow.sqlite("SELECT count(*) FROM item_features"), "30\n")
        XCTAssertEqual(try winnow.sqlite("SELECT model_version_id FROM current_model"), "1\n")
        XCTAssertEqual(try winnow.sqlite("SELECT labels_used, path FROM model_version"), "24|test.sqlite.model-1.bin\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: winnow.database.path + ".model-1.bin"))
        XCTAssertEqual(try winnow.sqlite("SELECT count(*) FROM worker_lock"), "0\n", "the lock is released")

        XCTAssertEqual(try succeed(["worker", "--once", "--rubric", rubric]).stdout,
                       "no new labels since the current model; nothing to do (--force refits anyway)\n")
        let forced = try succeed(["worker", "--once", "--force", "--rubric", rubric, "--json"]).stdout
        let object = try XCTUnwrap(json(forced).objectValue)
        XCTAssertEqual(object["model"]?.doubleValue, 2)
        XCTAssertEqual(object["labels_used"]?.doubleValue, 24)
        XCTAssertEqual(object["metrics"]?.objectValue?["targets"]?.objectValue?["answer_correctness"]?.objectValue?["kind"]?.stringValue, "ridge")
    }

    func testWorkerOnceIsColdBelowTwentyLabels() throws {
        try setUpData(labeled: 10)
        XCTAssertEqual(try succeed(["worker", "--once", "--rubric", rubric]).stdout,
                       "cold start: too few labels for a model (20 labeled items and two distinct values needed); nothing fitted\n")
        XCTAssertEqual(try winnow.sqlite("SELECT count(*) FROM model_version"), "0\n")
        XCTAssertEqual(try winnow.sqlite("SELECT count(*) FROM item_features"), "30\n", "features are cached anyway")
    }

    func testEmbeddingsImport() throws {
        try setUpData(labeled: 0)
        let lines = (0..<30).map { #"{"item": "r\#($0)", "vector": [\#($0), 0.5, -1]}"# }
        let file = try winnow.write("emb.jsonl", lines.joined(separator: "\n") + "\n")
        XCTAssertEqual(try succeed(["embeddings", "import", file]).stdout,
                       "\(file): 30 vectors of dimension 3; 30 of 30 items have one (the model uses them)\n")
        let bad = try winnow.write("bad.jsonl", #"{"item": "nope", "vector": [1, 2, 3]}"# + "\n")
        let outcome = try winnow.run(["embeddings", "import", bad])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.contains("\(bad):1: item: no item has the key 'nope'"), outcome.stderr)
    }
}
