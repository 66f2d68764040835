import Foundation
import WinnowCore
import XCTest

/// The lead's commands end to end: disagreements, the review screen in tmux, gold export, flags, and
/// gold as an export source.
final class LeadCLITests: CLITestCase {
    private var tmux: Tmux?
    private var keys: [String] = []

    override func setUpWithError() throws {
        try super.setUpWithError()
        try succeed(["import", bundled("data/sample/conversation.json")])
        keys = try winnow.sqlite("SELECT key FROM item ORDER BY id LIMIT 4").split(separator: "\n").map(String.init)
        // Three annotators: item 0 disputed (helpfulness 4 vs 1), item 1 unanimous, item 2 flagged by one.
        func line(_ key: String, _ who: String, _ h: Int, flag: Bool = false, note: String? = nil) -> String {
            var o = JSONObject(["item": .string(key), "annotator": .string(who)])
            o["scores"] = .object(JSONObject(["helpfulness": .number(h), "correctness": .number(3), "coherence": .number(3),
                                              "complexity": .number(1), "verbosity": .number(1)]))
            o["seconds"] = .number(20)
            if flag { o["flag"] = .bool(true) }
            if let note { o["note"] = .string(note) }
            return JSONValue.object(o).serialized()
        }
        let lines = [
            line(keys[0], "ann", 4), line(keys[0], "ben", 1, note: "invents a dog"),
            line(keys[1], "ann", 3), line(keys[1], "ben", 3),
            line(keys[2], "cat", 2, flag: true, note: "image \u{1B}[31mred"),
        ]
        try succeed(["labels", "import", winnow.write("labels.jsonl", lines.joined(separator: "\n") + "\n"), "--rubric", bundled("rubrics/helpsteer.yaml")])
    }

    override func tearDown() {
        tmux?.kill()
        super.tearDown()
    }

    func testDisagreementsListsTheQueueAndRefusesAFilterThatMatchesNothing() throws {
        let text = try succeed(["disagreements"]).stdout
        XCTAssertTrue(text.contains("2 to review (1 disagreements, 0 model, 1 flagged)"), text)
        XCTAssertTrue(text.contains("1. \(keys[0])  disagree 0.75 on Helpfulness"), text)
        XCTAssertTrue(text.contains("Helpfulness: ann 4, ben 1"), text)
        XCTAssertTrue(text.contains("1 unanimous items wait"), text)
        XCTAssertTrue(text.contains("cat ⚑: image ␛[31mred"), "a note's escape sequence is shown, not sent: \(text)")
        let queue = try json(try succeed(["disagreements", "--json"]).stdout)
        let items = try XCTUnwrap(queue["items"]?.arrayValue)
        XCTAssertEqual(items.compactMap { $0["item"]?.stringValue }, [keys[0], keys[2]])
        XCTAssertEqual(items[0]["disputed"], .array([.string("helpfulness")]))
        XCTAssertEqual(items[0]["criteria"]?["helpfulness"]?["values"], .object(JSONObject(["ann": .number(4), "ben": .number(1)])))
        XCTAssertEqual(queue["counts"]?["unanimous_waiting"], .number(1))
        // Reads only: nothing was accepted.
        XCTAssertEqual(try winnow.sqlite("SELECT count(*) FROM label_event WHERE role = 'gold'"), "0\n")
        let byCriterion = try json(try succeed(["disagreements", "--json", "--criterion", "correctness"]).stdout)
        XCTAssertEqual(byCriterion["items"]?.arrayValue?.count, 0)
        let bad = try winnow.run(["disagreements", "--annotator", "nobody"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("no annotator 'nobody' has labels under rubric helpsteer (annotators: ann, ben, cat)"), bad.stderr)
    }

    func testFlagsListsFlaggedItemsWithTheirNotes() throws {
        let text = try succeed(["flags"]).stdout
        XCTAssertTrue(text.contains("1 flagged label on 1 items:"), text)
        XCTAssertTrue(text.contains("\(keys[2])  cat"), text)
        XCTAssertFalse(text.contains("\u{1B}"), text)
        let flags = try json(try succeed(["flags", "--json"]).stdout)
        XCTAssertEqual(flags.arrayValue?.first?["note"], .string("image \u{1B}[31mred"))
        XCTAssertEqual(flags.arrayValue?.first?["gold"], .bool(false))
    }

    func testStatsGivesEachCriterionAVerdictAndSaysHowToGetAgreementWithoutOverlap() throws {
        let text = try succeed(["stats", "--rubric", bundled("rubrics/helpsteer.yaml")]).stdout
        let header = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("criterion") })
        XCTAssertTrue(header.hasSuffix("verdict"), String(header))
        XCTAssertTrue(text.contains("0.8 and above good; 0.667 to 0.8 tentative"), text)
        let json = try json(try succeed(["stats", "--json", "--rubric", bundled("rubrics/helpsteer.yaml")]).stdout)
        let verdict = json.objectValue?["criteria"]?.objectValue?["helpfulness"]?.objectValue?["verdict"]?.stringValue
        XCTAssertNotNil(verdict.flatMap(AlphaVerdict.init(rawValue:)), "\(String(describing: verdict))")

        // One annotator only: no table of n/a, but how to get agreement.
        let other = winnow.directory.appendingPathComponent("single.sqlite").path
        try succeed(["import", "--db", other, bundled("data/sample/conversation.json")])
        let line = #"{"item": "\#(keys[0])", "annotator": "ann", "scores": {"helpfulness": 3, "correctness": 3, "coherence": 3, "complexity": 1, "verbosity": 1}}"#
        try succeed(["labels", "import", "--db", other, winnow.write("one.jsonl", line + "\n"), "--rubric", bundled("rubrics/helpsteer.yaml")])
        let single = try succeed(["stats", "--db", other]).stdout
        XCTAssertTrue(single.contains("No item has labels from two annotators"), single)
        XCTAssertTrue(single.contains("winnow config set overlap 0.2"), single)
        XCTAssertFalse(single.contains("fleiss"), single)
    }

    func testGoldExportWithoutGoldIsAnError() throws {
        let outcome = try winnow.run(["gold", "export"])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.contains("no gold labels in"), outcome.stderr)
        XCTAssertEqual(outcome.stdout, "")
    }

    /// A disagreement settled on the review screen, then visible in `gold export`, read back by `labels
    /// import`, and as export source `gold`.
    func testADisagreementResolvedToGoldOnTheReviewScreen() throws {
        guard Tmux.isAvailable else { throw XCTSkip("tmux is not installed (scripts/install-deps installs it)") }
        let command = [WinnowProcess.binary.path, "review", "--db", winnow.database.path, "--rubric", bundled("rubrics/helpsteer.yaml"),
                       "--annotator", "lee"].map(Tmux.quote).joined(separator: " ")
        let session = try Tmux(command: command, width: 120, height: 40,
                               environment: ["WINNOW_LOG": winnow.directory.appendingPathComponent("winnow.log").path])
        tmux = session
        let first = try session.waitFor(text: "disagree 0.75 on Helpfulness")
        XCTAssertTrue(first.contains("Accepted 1 item on which every annotator agrees as gold"), first)
        XCTAssertTrue(first.contains("Helpfulness * disputed  ann 4  ben 1"), first)
        XCTAssertTrue(first.contains("ben 20s “invents a dog”"), first)
        try session.send("3")
        try session.send("Enter")
        let second = try session.waitFor(text: "Gold saved for \(keys[0])")
        XCTAssertTrue(second.contains("flagged by cat"), second)
        try session.send("q")
        _ = try session.waitFor(text: "EXITED rc=0")

        let gold = try succeed(["gold", "export"]).stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        XCTAssertEqual(gold.count, 2)
        let lees = try XCTUnwrap(gold.first { $0["annotator"] == .string("lee") })
        XCTAssertEqual(lees["item"], .string(keys[0]))
        XCTAssertEqual(lees["role"], .string("gold"))
        XCTAssertEqual(lees["scores"]?["helpfulness"], .number(3))
        let auto = try XCTUnwrap(gold.first { $0["annotator"] == .string("auto") })
        XCTAssertEqual(auto["source"], .string("unanimous"))
        XCTAssertEqual(auto["item"], .string(keys[1]))

        // The gold file reads back into another database with the same items.
        let other = winnow.directory.appendingPathComponent("other.sqlite").path
        try succeed(["import", "--db", other, bundled("data/sample/conversation.json")])
        let file = try winnow.write("gold.jsonl", try succeed(["gold", "export"]).stdout)
        try succeed(["labels", "import", "--db", other, file, "--rubric", bundled("rubrics/helpsteer.yaml")])
        XCTAssertEqual(try succeed(["gold", "export", "--db", other]).stdout, try succeed(["gold", "export"]).stdout)

        // Export source gold: exactly the two settled items.
        let out = winnow.directory.appendingPathComponent("gold.jsonl.out").path
        try succeed(["export", "--format", "jsonl", "--rubric", bundled("rubrics/helpsteer.yaml"), "--source", "gold", "--out", out])
        let exported = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(exported.count, 2)
        // The manifest scores each annotator against the gold: ann said 4 and ben 1 where the lead said 3.
        let manifest = try JSONParser.parse(try String(contentsOfFile: out + ".manifest.json", encoding: .utf8))
        let byAnnotator = manifest["agreement"]?["helpfulness"]?["by_annotator"]
        XCTAssertEqual(byAnnotator?["ann"]?["gold"]?["n"], .number(2), "\(String(describing: byAnnotator))")
        XCTAssertEqual(byAnnotator?["ben"]?["gold"]?["agreement"], .number(0.5))
        XCTAssertEqual(byAnnotator?["ben"]?["gold"]?["below_control_min_agreement"], .bool(true))
    }
}

extension LeadCLITests {
    /// A control item served and scored: with gold on an item and control_fraction 1, a new annotator's
    /// first item is that item, unmarked; their grade is scored against the gold.
    func testAControlItemIsServedUnmarkedAndScoredAgainstGold() throws {
        guard Tmux.isAvailable else { throw XCTSkip("tmux is not installed (scripts/install-deps installs it)") }
        let gold = #"{"item": "\#(keys[3])", "annotator": "lee", "role": "gold", "scores": {"helpfulness": 4, "correctness": 4, "coherence": 4, "complexity": 2, "verbosity": 2}}"#
        try succeed(["labels", "import", winnow.write("gold.jsonl", gold + "\n"), "--rubric", bundled("rubrics/helpsteer.yaml")])
        try succeed(["config", "set", "control_fraction", "1"])
        let command = [WinnowProcess.binary.path, "label", "--db", winnow.database.path, "--rubric", bundled("rubrics/helpsteer.yaml"),
                       "--annotator", "zed", "--no-worker"].map(Tmux.quote).joined(separator: " ")
        let session = try Tmux(command: command, width: 120, height: 40,
                               environment: ["WINNOW_LOG": winnow.directory.appendingPathComponent("winnow.log").path])
        tmux = session
        _ = try session.waitFor(text: ": guidelines")
        try session.send("Escape")
        let first = try session.waitFor(text: "item \(keys[3])")
        XCTAssertTrue(first.contains("explore: random pick"), first)
        XCTAssertFalse(first.lowercased().contains("control"), first)
        for key in ["2", "4", "4", "2", "2", "Enter"] { try session.send(key) }
        _ = try session.waitFor(text: "Saved \(keys[3])")
        try session.send("q")
        _ = try session.waitFor(text: "EXITED rc=0")
        XCTAssertEqual(try winnow.sqlite("SELECT reason FROM serve_log WHERE annotator = 'zed' ORDER BY id LIMIT 1"), "control\n")
        let stats = try json(try succeed(["stats", "--json", "--by", "annotator", "--criterion", "helpfulness"]).stdout)
        let zed = stats["criteria"]?["helpfulness"]?["by_annotator"]?["zed"]?["gold"]
        XCTAssertEqual(zed?["n"], .number(1), "\(String(describing: zed))")
        XCTAssertEqual(zed?["agreement"], .number(0))
        XCTAssertEqual(zed?["below_control_min_agreement"], .bool(true))
        let text = try succeed(["stats", "--by", "annotator", "--criterion", "helpfulness"]).stdout
        let row = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("  zed") }, text)
        XCTAssertTrue(row.hasSuffix("⚠ below control_min_agreement"), String(row))
    }
}

private extension JSONValue {
    subscript(key: String) -> JSONValue? { objectValue?[key] }
}
