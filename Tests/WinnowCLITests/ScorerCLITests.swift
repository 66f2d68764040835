import Foundation
import XCTest
import WinnowCore

/// `winnow worker --scorer CMD`: an external reward model through the winnow-scorer/1 protocol.
final class ScorerCLITests: CLITestCase {
    private var rubric: String { bundled("rubrics/human-preference.yaml") }

    /// A scorer in Python: the overall score (and the preference) is the answer's length share of the
    /// longest; `MODE` breaks the protocol in one way.
    private func scorer(_ mode: String = "ok") throws -> String {
        let script = """
            import json, sys
            mode = "\(mode)"
            header = json.loads(sys.stdin.readline())
            assert header["protocol"] == "winnow-scorer/1", header
            items = [json.loads(l) for l in sys.stdin]
            if mode == "hang":
                import time
                time.sleep(600)
            if mode == "fail":
                print("model weights not found", file=sys.stderr)
                sys.exit(3)
            lengths = {i["item"]: len(i["turns"][-1]["value"]) for i in items}
            top = max(lengths.values())
            for n, (key, length) in enumerate(sorted(lengths.items())):
                if mode == "missing" and n == 1:
                    continue
                m = length / top
                scores = {"overall": {"mean": m, "std": 0.1}, "preference": {"mean": m, "std": 0.1}}
                if mode == "bad-mean" and n == 2:
                    scores["overall"]["mean"] = 7
                print(json.dumps({"item": key, "scores": scores}))
                if mode == "garbage" and n == 0:
                    print("not json")
            """
        return "python3 " + (try winnow.write("scorer-\(mode).py", script))
    }

    private func setUpData() throws {
        let records = (0..<4).map { r -> String in
            let answers = (0..<3).map { c in JSONValue.string(String(repeating: "word ", count: 1 + c + r)) }
            return JSONValue.object(JSONObject([
                "id": .string("r\(r)"), "image": .string("img\(r).jpg"),
                "conversations": .array([
                    .object(JSONObject(["from": .string("human"), "value": .string("<image>\nDescribe picture \(r).")])),
                    .object(JSONObject(["from": .string("gpt"), "value": .array(answers)])),
                ]),
            ])).serialized()
        }
        try succeed(["import", try winnow.write("records.jsonl", records.joined(separator: "\n") + "\n")])
    }

    func testAScorersMeansAndStdsBecomeTheCurrentModelVersion() throws {
        try setUpData()
        let out = try succeed(["worker", "--once", "--rubric", rubric, "--scorer", try scorer(), "--json"]).stdout
        let object = try XCTUnwrap(json(out).objectValue)
        XCTAssertEqual(object["model"]?.doubleValue, 1)
        XCTAssertEqual(object["metrics"]?.objectValue?["kind"]?.stringValue, "external scorer")
        XCTAssertEqual(try winnow.sqlite("SELECT model_version_id FROM current_model"), "1\n")
        XCTAssertEqual(try winnow.sqlite("SELECT items_scored FROM model_version"), "12\n")
        // The export's model source reads the scorer's predictions: the longest answer of r3 is the best.
        let export = try succeed(["export", "--format", "jsonl", "--out", winnow.directory.appendingPathComponent("out.jsonl").path,
                                  "--rubric", rubric, "--source", "model", "--limit", "1"])
        XCTAssertEqual(export.status, 0)
        let written = try String(contentsOf: winnow.directory.appendingPathComponent("out.jsonl"), encoding: .utf8)
        XCTAssertTrue(written.contains("\"key\":\"r3/t0/c2\"") || written.contains("\"key\": \"r3/t0/c2\""), written)
    }

    func testABrokenScorerIsAnErrorNamingTheLineFieldOrItemAndWritesNoVersion() throws {
        try setUpData()
        let cases: [(String, String)] = [
            ("fail", "the scorer exited with status 3"),
            ("garbage", "scorer output line 2"),
            ("bad-mean", "scores.overall.mean: 7.0 is outside 0.0…1.0"),
            ("missing", "the scorer gave no scores for 1 of 12 items (first: \"r0/t0/c1\")"),
        ]
        for (mode, expected) in cases {
            let outcome = try winnow.run(["worker", "--once", "--rubric", rubric, "--scorer", try scorer(mode)])
            XCTAssertNotEqual(outcome.status, 0, mode)
            XCTAssertTrue(outcome.stderr.contains(expected), "\(mode): \(outcome.stderr)")
            XCTAssertEqual(try winnow.sqlite("SELECT count(*) FROM model_version"), "0\n", mode)
        }
        let failed = try winnow.run(["worker", "--once", "--rubric", rubric, "--scorer", try scorer("fail")])
        XCTAssertTrue(failed.stderr.contains("model weights not found"), "its stderr is quoted: \(failed.stderr)")
        let hung = try winnow.run(["worker", "--once", "--rubric", rubric, "--scorer", try scorer("hang"), "--scorer-timeout", "2"])
        XCTAssertNotEqual(hung.status, 0)
        XCTAssertTrue(hung.stderr.contains("did not finish within 2 s"), hung.stderr)
    }
}
