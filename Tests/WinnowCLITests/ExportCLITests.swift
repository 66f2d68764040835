import Foundation
import XCTest
import WinnowCore

/// `winnow export` end to end: exact shapes of every format, round trips, selection, the manifest,
/// and loading with Hugging Face `datasets`.
final class ExportCLITests: XCTestCase {
    private var winnow: WinnowProcess!
    private let rubric = WinnowProcess.packageRoot.appendingPathComponent("rubrics/llava-quality.yaml").path
    private let sample = WinnowProcess.packageRoot.appendingPathComponent("data/sample").path

    override func setUpWithError() throws {
        winnow = try WinnowProcess()
        try XCTAssertEqual(winnow.run(["import", "\(sample)/conversation.json", "\(sample)/candidates.json", "--captions", "\(sample)/captions.json"]).status, 0)
    }

    override func tearDown() { winnow?.remove() }

    private func path(_ name: String) -> String { winnow.directory.appendingPathComponent(name).path }

    /// Labels every candidate of 000000000101's first turn and two conversation records.
    private func label() throws {
        func line(_ item: String, _ correctness: Int, _ help: Int, hallucination: Bool = false) -> String {
            #"{"item": "\#(item)", "annotator": "ana", "scores": {"image_relevance": 4, "instruction_clarity": 4, "answer_correctness": \#(correctness), "hallucination": \#(hallucination), "helpfulness": \#(help)}}"#
        }
        let lines = [
            line("000000000101/t0/c0", 5, 5), line("000000000101/t0/c1", 3, 2), line("000000000101/t0/c2", 1, 1, hallucination: true),
            line("000000000101", 5, 4), line("000000000105", 1, 2, hallucination: true),
        ]
        let file = try winnow.write("labels.jsonl", lines.joined(separator: "\n"))
        XCTAssertEqual(try winnow.run(["labels", "import", file, "--rubric", rubric]).status, 0)
    }

    private func exportFile(_ arguments: [String]) throws -> String {
        let outcome = try winnow.run(["export", "--rubric", rubric] + arguments)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let out = arguments[arguments.firstIndex(of: "--out")! + 1]
        return try String(contentsOfFile: out, encoding: .utf8)
    }

    private func lines(_ text: String) throws -> [JSONObject] {
        try text.split(separator: "\n").map { try XCTUnwrap(JSONParser.parse(String($0)).objectValue) }
    }

    func testLLaVAExportGivesWholeRecordsBackByteForByteAndRoundTrips() throws {
        let out = path("all.json")
        let text = try exportFile(["--format", "llava", "--out", out])
        let records = try XCTUnwrap(JSONParser.parse(text).arrayValue)
        // Every item without selection: 15 records and 15 candidates, but for the 3 candidates of
        // 000000000103's second turn, whose first turn has no scored candidate to stand as their context.
        XCTAssertEqual(records.count, 15 + 12)
        // The first record is the file's first record, bytes and all.
        let original = try String(contentsOfFile: "\(sample)/conversation.json", encoding: .utf8)
        let firstRecord = try XCTUnwrap(JSONParser.parse(original).arrayValue?.first)
        XCTAssertEqual(records[0], firstRecord)
        XCTAssertTrue(text.contains(original.split(separator: "\n")[2...8].joined(separator: "\n")), "the pretty-printed lines are kept")
        // A candidate becomes a record of its own, keyed by the item, never a list as value.
        let candidate = try XCTUnwrap(records.first { $0.objectValue?["id"]?.stringValue == "000000000101/t0/c1" }?.objectValue)
        XCTAssertEqual(candidate.keys, ["id", "image", "conversations"])
        let turns = try XCTUnwrap(candidate["conversations"]?.arrayValue)
        XCTAssertEqual(turns.first?.objectValue?["value"]?.stringValue?.hasPrefix("<image>\n"), true)
        XCTAssertEqual(turns.last?.objectValue?["value"]?.stringValue, "Some grass.")
        // Export, import into a fresh database, export again: identical.
        let second = try WinnowProcess()
        defer { second.remove() }
        XCTAssertEqual(try second.run(["import", out]).status, 0)
        let again = second.directory.appendingPathComponent("again.json").path
        XCTAssertEqual(try second.run(["export", "--rubric", rubric, "--format", "llava", "--out", again]).status, 0)
        XCTAssertEqual(try String(contentsOfFile: again, encoding: .utf8), text)
    }

    func testWithCaptionsAddsACaptionsList() throws {
        let out = path("captions.json")
        let records = try XCTUnwrap(JSONParser.parse(try exportFile(["--format", "llava", "--out", out, "--with-captions"])).arrayValue)
        let first = try XCTUnwrap(records.first?.objectValue)
        XCTAssertEqual(first.keys.last, "captions")
        XCTAssertEqual(first["captions"]?.arrayValue?.first?.stringValue, "A red ball on green grass under a blue sky.")
    }

    func testBestPerGroupAssemblesTheCandidateRecordAndWhereFilters() throws {
        try label()
        let out = path("best.json")
        let text = try exportFile(["--format", "llava", "--out", out, "--best-per-group", "--where", "hallucination == false"])
        let records = try XCTUnwrap(JSONParser.parse(text).arrayValue)
        XCTAssertEqual(records.compactMap { $0.objectValue?["id"]?.stringValue }, ["000000000101", "000000000101"])
        // The candidate record, assembled: its candidate list replaced by the best candidate, scores gone.
        let assembled = try XCTUnwrap(records.last?.objectValue)
        let gpt = try XCTUnwrap(assembled["conversations"]?.arrayValue?[1].objectValue)
        XCTAssertEqual(gpt["value"]?.stringValue, "A red ball lying on green grass.")
        XCTAssertNil(gpt["score"])
    }

    func testJSONLLinesCarryTheWinnowObject() throws {
        try label()
        let out = path("out.jsonl")
        let rows = try lines(try exportFile(["--format", "jsonl", "--out", out, "--source", "human"]))
        XCTAssertEqual(rows.count, 5)
        let row = try XCTUnwrap(rows.first { $0["winnow"]?.objectValue?["key"]?.stringValue == "000000000105" })
        let winnow = try XCTUnwrap(row["winnow"]?.objectValue)
        XCTAssertEqual(winnow.keys, ["key", "scores", "overall", "source", "annotators"])
        XCTAssertEqual(winnow["scores"]?.objectValue?["answer_correctness"], .number("1"))
        XCTAssertEqual(winnow["scores"]?.objectValue?["hallucination"], .bool(true))
        XCTAssertEqual(winnow["source"], .string("consensus"))
        XCTAssertEqual(winnow["annotators"], .array([.string("ana")]))
    }

    func testDPOPairsFollowTheMarginRuleInTRLsFormat() throws {
        try label()
        let out = path("dpo.jsonl")
        let rows = try lines(try exportFile(["--format", "dpo", "--out", out, "--pair-criteria", "answer_correctness,helpfulness", "--image-root", "/data/coco"]))
        XCTAssertEqual(rows.count, 1, "one candidate group is labeled")
        let pair = try XCTUnwrap(rows.first)
        XCTAssertEqual(pair.keys, ["images", "prompt", "chosen", "rejected"])
        XCTAssertEqual(pair["images"], .array([.string("/data/coco/COCO_train2014_000000000101.png")]))
        XCTAssertEqual(pair["prompt"]?.serialized(), #"[{"role":"user","content":[{"type":"image"},{"type":"text","text":"What is in the lower half of the picture?"}]}]"#)
        XCTAssertEqual(pair["chosen"]?.serialized(), #"[{"role":"assistant","content":[{"type":"text","text":"A red ball lying on green grass."}]}]"#)
        XCTAssertEqual(pair["rejected"]?.serialized(), #"[{"role":"assistant","content":[{"type":"text","text":"A brown dog chasing a red ball across the grass."}]}]"#)
        // TRL's columns stay its own; the sidecar beside the file traces each pair, line by line.
        let trace = try lines(try String(contentsOfFile: out + ".pairs.jsonl", encoding: .utf8))
        XCTAssertEqual(trace.map { $0.keys }, [["line", "group", "chosen", "rejected", "chosen_score", "rejected_score", "margin", "score", "source"]])
        XCTAssertEqual(trace.first?["chosen"], .string("000000000101/t0/c0"))
        XCTAssertEqual(trace.first?["rejected"], .string("000000000101/t0/c2"))
        // With a margin above the difference (10 - 2 = 8), the pair is skipped: no pairs at all is an error
        // that says why, unless --allow-empty.
        let arguments = ["export", "--rubric", rubric, "--format", "dpo", "--out", path("none.jsonl")]
        // image_relevance is 4 for every candidate: the one group differs by 0, under a margin of 1.
        let refused = try winnow.run(arguments + ["--pair-criteria", "image_relevance", "--margin", "1"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("nothing to write: 0 pairs"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("pairs by image_relevance, margin 1: 1 group of one prompt with two or more scored answers, 1 under the margin"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("none.jsonl")))
        let allowed = try winnow.run(arguments + ["--pair-criteria", "image_relevance", "--margin", "1", "--allow-empty"])
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        XCTAssertTrue(allowed.stderr.contains("warning: wrote 0 pairs (--allow-empty)"), allowed.stderr)
        XCTAssertEqual(try String(contentsOfFile: path("none.jsonl"), encoding: .utf8), "")
        // A margin beyond the score's whole range (2 to 10) can never be met: an error.
        let beyond = try winnow.run(arguments + ["--pair-criteria", "answer_correctness,helpfulness", "--margin", "9"])
        XCTAssertNotEqual(beyond.status, 0)
        XCTAssertTrue(beyond.stderr.contains("--margin 9 cannot be met: the pair score (answer_correctness + helpfulness) runs from 2 to 10"), beyond.stderr)
    }

    func testDPOLLaVAPairs() throws {
        try label()
        let rows = try lines(try exportFile(["--format", "dpo-llava", "--out", path("p.jsonl"), "--pair-criteria", "answer_correctness,helpfulness"]))
        let pair = try XCTUnwrap(rows.first)
        XCTAssertEqual(pair.keys, ["id", "image", "conversations", "chosen", "rejected", "margin", "winnow"])
        XCTAssertEqual(pair["id"], .string("000000000101/t0"))
        XCTAssertEqual(pair["conversations"]?.serialized(), #"[{"from":"human","value":"<image>\nWhat is in the lower half of the picture?"}]"#)
        XCTAssertEqual(pair["chosen"]?.serialized(), #"{"from":"gpt","value":"A red ball lying on green grass."}"#)
        XCTAssertEqual(pair["margin"], .number("8"))
        // Traceable: both items, both scores, the margin and where the scores came from.
        XCTAssertEqual(pair["winnow"]?.serialized(), #"{"group":"000000000101/t0","chosen":"000000000101/t0/c0","rejected":"000000000101/t0/c2","chosen_score":10,"rejected_score":2,"margin":8,"score":"answer_correctness + helpfulness","source":"consensus"}"#)
    }

    func testAPairCriterionMissingFromTheRubricIsAnError() throws {
        let outcome = try winnow.run(["export", "--rubric", rubric, "--format", "dpo", "--out", path("x.jsonl"), "--pair-criteria", "correctness"])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.contains("--pair-criteria: 'correctness' is not a criterion of the rubric"), outcome.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x.jsonl")))
    }

    func testSteerLMRecordsMapValuesOntoZeroToFour() throws {
        try label()
        let rows = try lines(try exportFile(["--format", "steerlm", "--out", path("s.jsonl"), "--source", "human", "--where", "overall < 0.5"]))
        let row = try XCTUnwrap(rows.first)
        XCTAssertEqual(row.keys, ["system", "mask", "type", "conversations"])
        XCTAssertEqual(row["mask"], .string("User"))
        XCTAssertEqual(row["type"], .string("VALUE_TO_TEXT"))
        let turns = try XCTUnwrap(row["conversations"]?.arrayValue?.compactMap(\.objectValue))
        XCTAssertEqual(turns[0]["from"], .string("User"))
        XCTAssertEqual(turns[0]["label"], .null)
        // 1–5 scales: 4 → 3, 1 → 0, 2 → 1; the flag true → 4.
        XCTAssertEqual(turns[1]["label"], .string("image_relevance:3,instruction_clarity:3,answer_correctness:0,hallucination:4,helpfulness:1"))
    }

    func testDryRunCountsAndWritesNothing() throws {
        try label()
        let outcome = try winnow.run(["export", "--rubric", rubric, "--format", "llava", "--dry-run", "--source", "human", "--limit", "2"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("before: 5 items"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("after: 2 items"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("by source: consensus 2"), outcome.stdout)
    }

    func testABadWhereExpressionPointsAtTheColumn() throws {
        let outcome = try winnow.run(["export", "--rubric", rubric, "--format", "llava", "--out", path("x.json"), "--where", "overall >= and x"])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.contains("--where: column 12: expected a number, a quoted string, true or false after >="), outcome.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x.json")))
    }

    func testTheManifestSaysHowTheSubsetWasChosen() throws {
        try label()
        let out = path("m.json")
        _ = try exportFile(["--format", "llava", "--out", out, "--source", "human", "--where", "overall >= 0.5", "--limit", "1"])
        let manifest = try XCTUnwrap(JSONParser.parse(try String(contentsOfFile: out + ".manifest.json", encoding: .utf8)).objectValue)
        XCTAssertEqual(Array(manifest.keys.prefix(11)), ["tool", "command", "created_at", "format", "output", "inputs", "rubric", "source", "stages", "counts", "model"])
        XCTAssertEqual(manifest["stages"], .array([.string("where overall >= 0.5"), .string("limit 1")]))
        XCTAssertEqual(manifest["output"]?.objectValue?["records"], .number("1"))
        XCTAssertEqual(manifest["inputs"]?.arrayValue?.count, 2)
        XCTAssertEqual(manifest["inputs"]?.arrayValue?.first?.objectValue?["sha256"]?.stringValue?.count, 64)
        XCTAssertEqual(manifest["counts"]?.objectValue?["before"]?.objectValue?["total"], .number("5"))
        XCTAssertEqual(manifest["annotators"]?.objectValue?["ana (annotator)"], .number("5"))
        // One annotator: agreement is undefined, and says so with nulls.
        let agreement = try XCTUnwrap(manifest["agreement"]?.objectValue?["answer_correctness"]?.objectValue)
        XCTAssertEqual(agreement["items"], .number("5"))
        XCTAssertEqual(agreement["pairable_items"], .number("0"))
        XCTAssertEqual(agreement["percent_agreement"], .null)
    }

    func testEveryFormatLoadsWithHuggingFaceDatasets() throws {
        try label()
        var files: [String] = []
        for (format, name) in [("llava", "a.json"), ("jsonl", "b.jsonl"), ("dpo", "c.jsonl"), ("dpo-llava", "d.jsonl"), ("steerlm", "e.jsonl")] {
            let out = path(name)
            _ = try exportFile(["--format", format, "--out", out, "--pair-criteria", "answer_correctness,helpfulness"])
            files.append(out)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", WinnowProcess.packageRoot.appendingPathComponent("Tests/reference/load_with_datasets.py").path] + files
        process.environment = ProcessInfo.processInfo.environment.merging(["HF_DATASETS_OFFLINE": "1", "HF_HOME": winnow.directory.appendingPathComponent("hf").path]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 3 {
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("the Python package datasets is missing in CI (scripts/install-python-deps)") }
            throw XCTSkip("the Python package datasets is not installed (scripts/install-python-deps installs it)")
        }
        XCTAssertEqual(process.terminationStatus, 0)
        let loaded = try XCTUnwrap(JSONParser.parse(Data(data)).objectValue)
        XCTAssertEqual(loaded[files[0]]?.objectValue?["rows"], .number("27"))
        XCTAssertEqual(loaded[files[1]]?.objectValue?["columns"]?.arrayValue?.contains(.string("winnow")), true)
        XCTAssertEqual(loaded[files[2]]?.objectValue?["columns"], .array(["chosen", "images", "prompt", "rejected"].map(JSONValue.string)))
        XCTAssertEqual(loaded[files[3]]?.objectValue?["rows"], .number("1"))
        XCTAssertEqual(loaded[files[4]]?.objectValue?["columns"], .array(["conversations", "mask", "system", "type"].map(JSONValue.string)))
    }
}
