import Foundation
import XCTest
import WinnowCore

/// Issue "Training data you can trust": each case that gave wrong training data or an empty file with
/// exit 0, end to end.
final class ExportTrustCLITests: CLITestCase {
    private var quality: String { bundled("rubrics/llava-quality.yaml") }
    private var decimal: String { bundled("rubrics/align2llava.yaml") }

    private func labelLine(_ item: String, correctness: Int, help: Int, hallucination: Bool = false) -> String {
        #"{"item": "\#(item)", "annotator": "ana", "scores": {"image_relevance": 4, "instruction_clarity": 4, "answer_correctness": \#(correctness), "hallucination": \#(hallucination), "helpfulness": \#(help)}}"#
    }

    private func importLabels(_ lines: [String], rubric: String? = nil) throws {
        let file = try winnow.write("labels-\(UUID().uuidString).jsonl", lines.joined(separator: "\n"))
        try succeed(["labels", "import", file, "--rubric", rubric ?? quality])
    }

    private func out(_ name: String) -> String { winnow.directory.appendingPathComponent(name).path }

    func testAPlainRecordAndAnotherFilesQuestionSetsOfTheSameIdAreDifferentGroups() throws {
        try succeed(["import", bundled("data/sample/conversation.json"), bundled("data/sample/questions.json")])
        XCTAssertEqual(try winnow.sqlite("SELECT key, group_key FROM item WHERE key LIKE '000000000105%' ORDER BY id"), """
            000000000105|record:000000000105
            000000000105#2|record:000000000105#2
            000000000105/q0|questions:000000000105
            000000000105/q1|questions:000000000105
            000000000105/q2|questions:000000000105

            """)
        try importLabels([
            labelLine("000000000105", correctness: 2, help: 2), labelLine("000000000105/q0", correctness: 5, help: 5),
            labelLine("000000000105/q1", correctness: 1, help: 1),
        ])
        let outcome = try succeed(["export", "--rubric", quality, "--format", "jsonl", "--out", out("best.jsonl"), "--best-per-group"])
        let keys = try String(contentsOfFile: out("best.jsonl"), encoding: .utf8).split(separator: "\n").map {
            try XCTUnwrap(JSONParser.parse(String($0)).objectValue?["winnow"]?.objectValue?["key"]?.stringValue)
        }
        XCTAssertEqual(keys, ["000000000105", "000000000105/q0"], outcome.stdout)
        // Question sets of one image ask different questions: they never make a preference pair.
        let pairs = try winnow.run(["export", "--rubric", quality, "--format", "dpo", "--out", out("p.jsonl"), "--pair-criteria", "helpfulness"])
        XCTAssertNotEqual(pairs.status, 0)
        XCTAssertTrue(pairs.stderr.contains("1 group of question sets or records, which never pair"), pairs.stderr)
        // --best-per-group leaves one answer per group: no pair can follow it.
        let best = try winnow.run(["export", "--rubric", quality, "--format", "dpo", "--out", out("p.jsonl"), "--best-per-group"])
        XCTAssertNotEqual(best.status, 0)
        XCTAssertTrue(best.stderr.contains("--best-per-group keeps one answer of each group, and a preference pair needs two"), best.stderr)
    }

    func testDecimalScoresMeetTheirMarginExactlyAndImportedScoresCanDecide() throws {
        let file = try winnow.write("answers.json", #"""
            [{"id": "a1", "image": "x.jpg", "conversations": [{"from": "human", "value": "<image>\nHow many apples?"},
              {"from": "gpt", "value": ["Three.", "Two.", "Many."], "score": [0.7, 0.6, 0.6]}]}]
            """#)
        try succeed(["import", file, "--scores-as", "released", "--scores-criterion", "preference", "--rubric", decimal])
        // The default source (best) does not include imported scores: nothing to pair, and it says so.
        let none = try winnow.run(["export", "--rubric", decimal, "--format", "dpo-llava", "--out", out("none.jsonl")])
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.stderr.contains("scored by source best: 3 → 0"), none.stderr)
        for source in ["imported", "imported:released"] {
            let outcome = try succeed(["export", "--rubric", decimal, "--format", "dpo-llava", "--out", out("p.jsonl"), "--source", source, "--margin", "0.1"])
            XCTAssertTrue(outcome.stdout.contains("pair score: the rubric's overall score") || outcome.stdout.contains("note: pair score"), outcome.stdout)
            let pair = try XCTUnwrap(JSONParser.parse(try String(contentsOfFile: out("p.jsonl"), encoding: .utf8).trimmingCharacters(in: .newlines)).objectValue)
            XCTAssertEqual(pair["margin"], .number("0.1"), "0.7 - 0.6 meets a margin of 0.1 and prints as 0.1")
            XCTAssertEqual(pair["winnow"]?.objectValue?["source"], .string("imported"))
            XCTAssertEqual(pair["winnow"]?.objectValue?["rejected"], .string("a1/t0/c2"), "ties break by key: the last key is rejected")
        }
        let unknown = try winnow.run(["export", "--rubric", decimal, "--format", "llava", "--out", out("u.json"), "--source", "imported:nobody"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("scored by source imported:nobody: 3 → 0"), unknown.stderr)
        // A margin larger than the score's whole range (overall runs 0 to 1) is an error.
        let wide = try winnow.run(["export", "--rubric", decimal, "--format", "dpo", "--out", out("w.jsonl"), "--source", "imported", "--margin", "2"])
        XCTAssertNotEqual(wide.status, 0)
        XCTAssertTrue(wide.stderr.contains("--margin 2 cannot be met"), wide.stderr)
    }

    func testAnExportedCandidatesEarlierTurnIsTheChosenCandidateNeverAnUncheckedOne() throws {
        try succeed(["import", bundled("data/sample/candidates.json")])
        try importLabels([
            labelLine("000000000103/t0/c0", correctness: 1, help: 1, hallucination: true),
            labelLine("000000000103/t0/c1", correctness: 5, help: 5),
            labelLine("000000000103/t1/c0", correctness: 5, help: 4),
        ])
        let outcome = try succeed(["export", "--rubric", quality, "--format", "jsonl", "--out", out("c.jsonl"), "--where", "hallucination == false"])
        let rows = try String(contentsOfFile: out("c.jsonl"), encoding: .utf8).split(separator: "\n").map { try XCTUnwrap(JSONParser.parse(String($0)).objectValue) }
        let row = try XCTUnwrap(rows.first { $0["id"]?.stringValue == "000000000103/t1/c0" }, outcome.stdout)
        let turns = try XCTUnwrap(row["conversations"]?.arrayValue?.compactMap { $0.objectValue?["value"]?.stringValue })
        XCTAssertEqual(turns[1], "There are two cats, an orange one on the left and a grey one on the right.")
        XCTAssertFalse(turns.contains("There are three cats: two orange and one black."))
    }

    func testQuestionsOnlySetsAndScoresAsRoundingTiesUpward() throws {
        try succeed(["import", bundled("data/sample/questions-only.json"), "--scores-as", "align2llava", "--scores-criterion", "preference", "--rubric", decimal])
        XCTAssertEqual(try winnow.sqlite("SELECT count(*) FROM item"), "7\n")
        XCTAssertEqual(try winnow.sqlite("SELECT count(*) FROM item, json_each(item.turns) t WHERE json_extract(t.value, '$.from') <> 'human'"), "0\n",
                       "every string of a questions-only set is a human question")
        XCTAssertEqual(try winnow.sqlite("SELECT json_array_length(turns) FROM item WHERE key = '000000000103/q0'"), "3\n")
        // 0.95 → 1, 0.15 → 0.2, 0.85 → 0.9, 0.55 → 0.6: halfway goes up.
        XCTAssertEqual(try winnow.sqlite("""
            SELECT i.key, json_extract(c.scores, '$.preference') FROM current_label c JOIN item i ON i.id = c.item_id
            WHERE i.key LIKE '000000000103/%' ORDER BY i.key
            """), "000000000103/q0|1\n000000000103/q1|0.2\n000000000103/q2|0.9\n000000000103/q3|0.6\n")
        // The released recipe on the released scores: the best set per image.
        let outcome = try succeed(["export", "--rubric", decimal, "--format", "llava", "--out", out("q.json"), "--source", "imported", "--best-per-group"])
        XCTAssertTrue(outcome.stdout.hasPrefix("wrote 2 records"), outcome.stdout)
    }

    func testWhereNamesAndTypesAreCheckedAndEmptySelectionsFailLoudly() throws {
        try succeed(["import", bundled("data/sample/conversation.json")])
        try importLabels([labelLine("000000000101", correctness: 5, help: 5)])
        let typo = try winnow.run(["export", "--rubric", quality, "--format", "llava", "--out", out("x.json"), "--where", "overal >= 0.7"])
        XCTAssertNotEqual(typo.status, 0)
        XCTAssertTrue(typo.stderr.contains("'overal' is neither a criterion of the rubric, overall, nor a field of any item (names: answer_correctness, "), typo.stderr)
        let type = try winnow.run(["export", "--rubric", quality, "--format", "llava", "--out", out("x.json"), "--where", "hallucination == 1"])
        XCTAssertNotEqual(type.status, 0)
        XCTAssertTrue(type.stderr.contains("hallucination is a flag: compare it with true or false, not 1"), type.stderr)
        let empty = try winnow.run(["export", "--rubric", quality, "--format", "llava", "--out", out("x.json"), "--where", "overall < 0.1"])
        XCTAssertNotEqual(empty.status, 0)
        XCTAssertTrue(empty.stderr.contains("nothing to write: 0 records"), empty.stderr)
        XCTAssertTrue(empty.stderr.contains("where overall < 0.1: 1 → 0"), empty.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out("x.json")))
        try succeed(["export", "--rubric", quality, "--format", "llava", "--out", out("x.json"), "--where", "overall < 0.1", "--allow-empty"])
        XCTAssertEqual(try String(contentsOfFile: out("x.json"), encoding: .utf8), "[\n]\n")
        // --dry-run with --per alone breaks the counts down by that field.
        let dry = try succeed(["export", "--rubric", quality, "--format", "llava", "--dry-run", "--per", "source"])
        XCTAssertTrue(dry.stdout.contains("source=(none)"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("source=synthetic"), dry.stdout)
    }

    func testLabelsCountOnlyUnderTheRubricTheyWereGivenUnder() throws {
        try succeed(["import", bundled("data/sample/conversation.json")])
        try importLabels([labelLine("000000000101", correctness: 5, help: 5)])
        let helpsteer = bundled("rubrics/helpsteer.yaml")
        for command in [["stats", "--rubric", helpsteer], ["export", "--rubric", helpsteer, "--format", "llava", "--out", out("h.json")]] {
            let outcome = try winnow.run(command)
            XCTAssertNotEqual(outcome.status, 0, command.joined(separator: " "))
            XCTAssertTrue(outcome.stderr.contains("no labels were given under rubric helpsteer"), outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains("llava-quality v1.0"), outcome.stderr)
        }
    }

    func testLabelsCarryOverToANewVersionOfTheRubricByExportAndImport() throws {
        try succeed(["import", bundled("data/sample/conversation.json")])
        try importLabels([labelLine("000000000101", correctness: 5, help: 5)])
        let yaml = try String(contentsOfFile: quality, encoding: .utf8).replacingOccurrences(of: "version: \"1.0\"", with: "version: \"1.1\"")
        let newer = try winnow.write("newer.yaml", yaml)
        XCTAssertNotEqual(try winnow.run(["stats", "--rubric", newer]).status, 0)
        let old = try winnow.write("old.jsonl", try succeed(["labels", "export", "--rubric", quality]).stdout)
        XCTAssertTrue(try succeed(["labels", "import", old, "--rubric", newer]).stdout.contains("1 labels added"))
        XCTAssertTrue(try succeed(["labels", "export", "--rubric", newer]).stdout.contains(#""answer_correctness":5"#))
        try succeed(["stats", "--rubric", newer])
    }

    func testReadOnlyCommandsNeedADatabaseAndReimportNamesTheOptionThatDiffers() throws {
        let missing = out("none.sqlite")
        for command in [["status"], ["export", "--rubric", quality, "--format", "llava", "--out", out("e.json")], ["labels", "export"], ["model", "report"]] {
            let outcome = try winnow.run(["--db", missing] + command)
            XCTAssertNotEqual(outcome.status, 0, command.joined(separator: " "))
            XCTAssertTrue(outcome.stderr.contains("no database at \(missing); `winnow import` creates one"), outcome.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing))
        let detail = bundled("data/sample/detail.jsonl")
        try succeed(["import", detail, "--set", "type=detail"])
        let set = try winnow.run(["import", detail, "--set", "type=other"])
        XCTAssertNotEqual(set.status, 0)
        XCTAssertTrue(set.stderr.contains("with other options: --set (the fields stamped on the records) differ"), set.stderr)
        let captions = try winnow.run(["import", detail, "--set", "type=detail", "--captions", bundled("data/sample/captions.json")])
        XCTAssertNotEqual(captions.status, 0)
        XCTAssertTrue(captions.stderr.contains("--captions (the captions attached)"), captions.stderr)
    }

    func testTheManifestNamesNoModelWhenNoModelScoresWereUsed() throws {
        try succeed(["import", bundled("data/sample/conversation.json"), bundled("data/sample/candidates.json"), bundled("data/sample/alpaca.jsonl")])
        let keys = try winnow.sqlite("SELECT key FROM item ORDER BY id LIMIT 24").split(separator: "\n").map(String.init)
        try importLabels(keys.enumerated().map { i, key in labelLine(key, correctness: 1 + i % 5, help: 1 + (i * 3) % 5, hallucination: i % 4 == 0) })
        try succeed(["worker", "--rubric", quality, "--once"])
        try succeed(["export", "--rubric", quality, "--format", "jsonl", "--out", out("h.jsonl"), "--source", "human"])
        let human = try XCTUnwrap(JSONParser.parse(try String(contentsOfFile: out("h.jsonl") + ".manifest.json", encoding: .utf8)).objectValue)
        XCTAssertEqual(human["model"], .null)
        try succeed(["export", "--rubric", quality, "--format", "jsonl", "--out", out("b.jsonl"), "--source", "best", "--where", "overall >= 0"])
        let best = try XCTUnwrap(JSONParser.parse(try String(contentsOfFile: out("b.jsonl") + ".manifest.json", encoding: .utf8)).objectValue)
        XCTAssertNotNil(best["model"]?.objectValue?["version"], "unlabeled items were scored by the model")
    }

    func testSimulateTakesAnOracleOfImportedScores() throws {
        let answers = WinnowProcess.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/align2llava-dev/answers.json").path
        guard FileManager.default.fileExists(atPath: answers) else { throw XCTSkip("no ../shared/data/align2llava-dev here (CI has it)") }
        try succeed(["import", answers, "--scores-as", "align2llava", "--scores-criterion", "preference", "--rubric", decimal])
        let labels = try succeed(["labels", "export", "--rubric", decimal]).stdout
        XCTAssertTrue(labels.contains(#""role":"imported""#))
        let oracle = try winnow.write("oracle.jsonl", labels)
        let outcome = try succeed(["simulate", "--oracle", oracle, "--rubric", decimal, "--budget", "200", "--seeds", "1", "--json"])
        XCTAssertTrue(outcome.stdout.contains(#""spearman":0"#) || outcome.stdout.contains(#""spearman":-0"#) || outcome.stdout.contains(#""spearman":1"#), outcome.stdout.prefix(400).description)
    }
}
