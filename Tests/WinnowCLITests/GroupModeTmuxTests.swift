import Foundation
import XCTest
import WinnowCore

/// Group mode end to end: `winnow label --by-group` in tmux against a real SQLite file, and the commands
/// that read what it saves (export pairs from rankings, stats).
final class GroupModeTmuxTests: CLITestCase {
    private var tmux: Tmux?

    override func tearDown() {
        tmux?.kill()
        super.tearDown()
    }

    static let rankRubric = """
        name: ranked
        version: "1"
        criteria:
          - id: helpfulness
            title: Helpfulness
            question: How helpful is the answer?
            kind: scale
            values: [1, 2, 3, 4, 5]
            required: true
          - id: order
            title: Order
            question: Best to worst?
            kind: rank
            required: true
        """

    private func rubricFile() throws -> String {
        let path = winnow.directory.appendingPathComponent("ranked.yaml").path
        try Self.rankRubric.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func sql(_ query: String, database: String? = nil) throws -> String {
        try winnow.sqlite(query, database: database.map { URL(fileURLWithPath: $0) } ?? winnow.database).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func command(_ arguments: [String]) -> String {
        ([WinnowProcess.binary.path] + arguments).map(Tmux.quote).joined(separator: " ")
    }

    private func startScreen(_ arguments: [String], width: Int = 120, height: Int = 40, guidelines: Bool = false) throws -> Tmux {
        guard Tmux.isAvailable else { throw XCTSkip("tmux is not installed (scripts/install-deps installs it)") }
        let session = try Tmux(command: command(arguments + ["--db", winnow.database.path, "--no-worker"]), width: width, height: height,
                               environment: ["WINNOW_LOG": winnow.directory.appendingPathComponent("winnow.log").path])
        tmux = session
        if guidelines {
            _ = try session.waitFor(text: ": guidelines")
            try session.send("Escape")
        }
        _ = try session.waitFor(text: "groups: you")
        return session
    }

    private func winnowPID(_ screen: Tmux) throws -> Int32 {
        let pid = try XCTUnwrap(screen.panePID())
        let children = try String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)
        return try XCTUnwrap(children.split(separator: " ").compactMap { Int32($0) }.first)
    }

    func testGradingAGroupInTmuxSavesEveryCandidateInOneEnterAndExportsItsRankingAsPairs() throws {
        try succeed(["import", bundled("data/sample/candidates.json")])
        let rubric = try rubricFile()
        let screen = try startScreen(["label", "--by-group", "--rubric", rubric, "--annotator", "ana"])
        try screen.type("425")  // helpfulness of the three candidates
        try screen.type("31")   // candidate 3 best, then 1; 2 last
        _ = try screen.waitFor(text: "3 > 1 > 2")
        try screen.send("Enter")
        _ = try screen.waitFor(text: "Saved 3 labels")
        let rows = try sql("SELECT mode, scores FROM current_label ORDER BY item_id")
        XCTAssertEqual(rows.split(separator: "\n").count, 3, rows)
        XCTAssertTrue(rows.split(separator: "\n").allSatisfy { $0.hasPrefix("group|") }, rows)
        XCTAssertTrue(rows.contains(#""order":1"#) && rows.contains(#""order":3"#), rows)
        try screen.send("q")
        _ = try screen.waitFor("the screen closed") { !$0.contains("groups: you") }

        let out = winnow.directory.appendingPathComponent("pairs.jsonl").path
        let all = try succeed(["export", "--rubric", rubric, "--format", "dpo-llava", "--pairs", "all", "--out", out])
        XCTAssertTrue(all.stdout.contains("wrote 3 pairs"), all.stdout)
        XCTAssertTrue(all.stdout.contains("1 paired by their ranking"), all.stdout)
        let pairs = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { try json(String($0)) }
        XCTAssertEqual(pairs.compactMap { $0.objectValue?["winnow"]?.objectValue?["score"]?.stringValue }, ["rank order", "rank order", "rank order"])
        let extremes = try succeed(["export", "--rubric", rubric, "--format", "dpo-llava", "--out", out])
        XCTAssertTrue(extremes.stdout.contains("wrote 1 pairs") || extremes.stdout.contains("wrote 1 pair"), extremes.stdout)
        let first = try json(String(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")[0]))
        let trace = first.objectValue?["winnow"]?.objectValue
        XCTAssertEqual(trace?["chosen"]?.stringValue?.hasSuffix("/c2"), true, "place 1 is chosen")
        XCTAssertEqual(trace?["rejected"]?.stringValue?.hasSuffix("/c1"), true, "the last place is rejected")
        let bad = try winnow.run(["export", "--rubric", rubric, "--format", "dpo", "--pairs", "some", "--out", out])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--pairs must be all or extremes"), bad.stderr)
        let stats = try succeed(["stats", "--rubric", rubric])
        XCTAssertTrue(stats.stdout.contains("from group mode (label --by-group): 3"), stats.stdout)
    }

    func testKillNineKeepsTheGroupsUnsavedValuesAsDraftsAndTheNextRunResumesOnIt() throws {
        try succeed(["import", bundled("data/sample/candidates.json")])
        let rubric = try rubricFile()
        let screen = try startScreen(["label", "--by-group", "--rubric", rubric, "--annotator", "ana"])
        let group = try sql("SELECT group_key FROM item i JOIN lease l ON l.item_id = i.id LIMIT 1")
        try screen.type("42")
        _ = try screen.waitFor(text: "unsaved (kept as a draft)")
        XCTAssertEqual(kill(try winnowPID(screen), SIGKILL), 0)
        screen.kill()
        tmux = nil
        XCTAssertEqual(try sql("SELECT count(*) FROM draft"), "2")
        XCTAssertEqual(try sql("SELECT count(*) FROM label_event"), "0")
        let again = try startScreen(["label", "--by-group", "--rubric", rubric, "--annotator", "ana"])
        let text = try again.waitFor(text: "drafts")
        XCTAssertTrue(text.contains("resumed"), text)
        XCTAssertEqual(try sql("SELECT DISTINCT group_key FROM item i JOIN lease l ON l.item_id = i.id"), group)
        XCTAssertTrue(text.contains("4 · ·") || text.contains("▸3"), text)
    }

    func testByGroupWithoutGroupsSaysWhatToImport() throws {
        try succeed(["import", bundled("data/sample/conversation.json")])
        let outcome = try winnow.run(["label", "--by-group", "--rubric", bundled("rubrics/llava-quality.yaml"), "--annotator", "ana", "--no-worker"])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.contains("no group of two or more candidates"), outcome.stderr)
    }

    /// Issue 18's measure: the keys to grade Align2LLaVA's 7 candidates of one question with HelpSteer's five
    /// attributes, one by one and as a group, both typed into the real screens.
    func testGroupModeTakesFewerKeysThanGradingTheCandidatesOneByOneOnAlign2LLaVA() throws {
        guard let shared = WinnowProcess.sharedData else { throw XCTSkip("no ../shared/data beside the clone (CI has it)") }
        let answers = shared.appendingPathComponent("align2llava-dev/answers.json").path
        guard FileManager.default.fileExists(atPath: answers) else { throw XCTSkip("no ../shared/data/align2llava-dev (CI has it)") }
        let rubric = bundled("rubrics/helpsteer.yaml")
        try succeed(["import", answers])
        let criteria = 5
        // One by one: every candidate is its own item.
        guard Tmux.isAvailable else { throw XCTSkip("tmux is not installed (scripts/install-deps installs it)") }
        var itemKeys = 0
        let items = try Tmux(command: command(["label", "--rubric", rubric, "--annotator", "ana", "--no-worker", "--db", winnow.database.path]),
                             width: 120, height: 40)
        tmux = items
        _ = try items.waitFor(text: ": guidelines")
        try items.send("Escape")
        _ = try items.waitFor("the guidelines closed") { !$0.contains(": guidelines") }
        for n in 1...7 {
            try items.type("34243")
            try items.send("Enter")
            itemKeys += criteria + 1
            _ = try items.waitFor("label \(n) saved") { _ in (try? self.sql("SELECT count(*) FROM label_event")) == "\(n)" }
        }
        items.kill()
        // As a group, on a fresh database.
        let other = winnow.directory.appendingPathComponent("group.sqlite").path
        try succeed(["import", answers, "--db", other])
        let session = try Tmux(command: command(["label", "--by-group", "--rubric", rubric, "--annotator", "ana", "--no-worker", "--db", other]),
                               width: 120, height: 40)
        tmux = session
        _ = try session.waitFor(text: ": guidelines")
        try session.send("Escape")
        _ = try session.waitFor(text: "groups: you")
        let size = Int(try sql("SELECT count(*) FROM item i JOIN lease l ON l.item_id = i.id", database: other)) ?? 0
        XCTAssertEqual(size, 7, "Align2LLaVA offers 7 candidates per turn")
        var groupKeys = 0
        for value in "34243" {
            try session.type(String(repeating: value, count: size))
            groupKeys += size
        }
        try session.send("Enter")
        groupKeys += 1
        _ = try session.waitFor(text: "Saved \(size) labels")
        XCTAssertEqual(try sql("SELECT count(*) FROM label_event WHERE mode = 'group'", database: other), "\(size)")
        XCTAssertEqual(itemKeys, 42)
        XCTAssertLessThan(groupKeys, itemKeys, "group \(groupKeys) keys, one by one \(itemKeys)")
        print("keys for 7 candidates with 5 criteria: one by one \(itemKeys), as a group \(groupKeys)")
    }
}

/// What group-mode labels mean to the commands that read them, from labels files (no screen).
final class GroupLabelsCLITests: CLITestCase {
    private func rubricFile() throws -> String {
        let path = winnow.directory.appendingPathComponent("ranked.yaml").path
        try GroupModeTmuxTests.rankRubric.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Labels of the sample's first candidate turn (3 candidates) by two annotators, places as given.
    private func importRankings(_ places: [String: [Int]], rubric: String) throws {
        var lines: [String] = []
        for (annotator, order) in places.sorted(by: { $0.key < $1.key }) {
            for (c, place) in order.enumerated() {
                lines.append(#"{"item": "000000000101/t0/c\#(c)", "annotator": "\#(annotator)", "mode": "group", "scores": {"helpfulness": 3, "order": \#(place)}}"#)
            }
        }
        let file = winnow.directory.appendingPathComponent("labels.jsonl").path
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        try succeed(["labels", "import", file, "--rubric", rubric])
    }

    func testStatsGivesKendallsWForARankingAndCountsLabelsByMode() throws {
        try succeed(["import", bundled("data/sample/candidates.json")])
        let rubric = try rubricFile()
        try importRankings(["ana": [1, 2, 3], "ben": [1, 3, 2]], rubric: rubric)
        let report = try json(try succeed(["stats", "--rubric", rubric, "--json"]).stdout)
        let order = report.objectValue?["criteria"]?.objectValue?["order"]?.objectValue
        // Place sums 2, 5, 5 around m(n+1)/2 = 4: S = 6, W = 12·6 / (4·24) = 0.75.
        XCTAssertEqual(try XCTUnwrap(order?["kendall_w"]?.objectValue?["mean"]?.doubleValue), 0.75, accuracy: 1e-9)
        XCTAssertEqual(order?["kendall_w"]?.objectValue?["groups"]?.doubleValue, 1)
        XCTAssertEqual(order?["labels_by_mode"]?.objectValue?["group"]?.doubleValue, 6)
        let text = try succeed(["stats", "--rubric", rubric]).stdout
        XCTAssertTrue(text.contains("Kendall's W"), text)
        // The labels file round-trips the mode.
        let exported = try succeed(["labels", "export", "--rubric", rubric]).stdout
        XCTAssertEqual(exported.components(separatedBy: #""mode":"group""#).count - 1, 6, exported)
    }

    func testBestPerGroupKeepsPlaceOneAndALabelsFileModeIsChecked() throws {
        try succeed(["import", bundled("data/sample/candidates.json")])
        let rubric = try rubricFile()
        // Every candidate helpfulness 3: only the ranking tells them apart; candidate 2 is first for both.
        try importRankings(["ana": [2, 3, 1], "ben": [3, 2, 1]], rubric: rubric)
        let out = winnow.directory.appendingPathComponent("best.jsonl").path
        try succeed(["export", "--rubric", rubric, "--format", "jsonl", "--best-per-group", "--out", out, "--where", "order >= 1"])
        let text = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(text.contains("A brown dog chasing a red ball"), text)
        let bad = winnow.directory.appendingPathComponent("bad.jsonl").path
        try #"{"item": "000000000101/t0/c0", "annotator": "cy", "mode": "pairs", "scores": {"helpfulness": 3}}"#.write(toFile: bad, atomically: true, encoding: .utf8)
        let outcome = try winnow.run(["labels", "import", bad, "--rubric", rubric])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.contains("mode") && outcome.stderr.contains("expected item or group"), outcome.stderr)
        // An item-mode label need not carry the required ranking.
        let item = winnow.directory.appendingPathComponent("item.jsonl").path
        try #"{"item": "000000000103/t0/c0", "annotator": "cy", "scores": {"helpfulness": 3}}"#.write(toFile: item, atomically: true, encoding: .utf8)
        try succeed(["labels", "import", item, "--rubric", rubric])
    }
}
