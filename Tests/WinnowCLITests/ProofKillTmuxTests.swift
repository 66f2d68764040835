import Foundation
import XCTest
import WinnowCore
import WinnowTestSupport

/// The proof suite's kill -9: the labeling screen in tmux killed at moments a seeded generator picks
/// (at startup, while values are typed, right after Enter, during a burst of typed-ahead keys). After
/// every kill: each label the screen showed as saved (its session count) is in the log with exactly its
/// values, the file passes `PRAGMA integrity_check`, and the next session of the same annotator resumes
/// on an item. Reduced: 10 kills; full (`WINNOW_PROOF_FULL=1`): 100.
final class ProofKillTmuxTests: XCTestCase {
    private var winnow: WinnowProcess!
    private var tmux: Tmux?

    override func setUpWithError() throws {
        guard Tmux.isAvailable else { throw XCTSkip("tmux is not installed (scripts/install-deps installs it)") }
        winnow = try WinnowProcess()
        let sample = WinnowProcess.packageRoot.appendingPathComponent("data/sample").path
        try XCTAssertEqual(winnow.run(["import", "\(sample)/conversation.json"]).status, 0)
        // Enough items that no annotator's queue runs out over 100 sessions of at most four saves (with
        // overlap 0 an item graded by one annotator is not served to another).
        let records = (0..<500).map { #"{"id": "more-\#($0)", "conversations": [{"from": "human", "value": "Question \#($0)?"}, {"from": "gpt", "value": "Answer \#($0)."}]}"# }
        try XCTAssertEqual(winnow.run(["import", try winnow.write("more.jsonl", records.joined(separator: "\n") + "\n")]).status, 0)
    }

    override func tearDown() {
        tmux?.kill()
        winnow?.remove()
    }

    private static let criteria = ["image_relevance", "instruction_clarity", "answer_correctness", "hallucination", "helpfulness", "language_quality"]

    private func start(annotator: String) throws -> Tmux {
        let root = WinnowProcess.packageRoot.path
        let command = [WinnowProcess.binary.path, "label", "--db", winnow.database.path, "--rubric", "\(root)/rubrics/llava-quality.yaml",
                       "--images", "\(root)/data/sample/images", "--annotator", annotator, "--no-worker"].map(Tmux.quote).joined(separator: " ")
        let session = try Tmux(command: command, environment: ["WINNOW_LOG": winnow.directory.appendingPathComponent("winnow.log").path])
        tmux = session
        return session
    }

    /// The item key and the session's saved count the header shows.
    private func shown(_ screen: String) -> (key: String?, saved: Int?) {
        func capture(_ pattern: String) -> String? {
            guard let range = screen.range(of: pattern, options: .regularExpression) else { return nil }
            return String(screen[range]).split(separator: " ").last.map(String.init)
        }
        return (capture(#"item [^ \n]+"#), capture(#"session [0-9]+"#).flatMap { Int($0) })
    }

    /// The current labels of `annotator` in the log: item key → its scores as JSON.
    private func labels(of annotator: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for line in try winnow.run(["labels", "export"]).stdout.split(separator: "\n") {
            guard let object = try JSONParser.parse(String(line)).objectValue, object["annotator"]?.stringValue == annotator,
                  let item = object["item"]?.stringValue, let scores = object["scores"] else { continue }
            result[item] = scores.serialized()
        }
        return result
    }

    private func killWinnow(_ session: Tmux) throws {
        let pane = try XCTUnwrap(session.panePID())
        let children = try String(contentsOfFile: "/proc/\(pane)/task/\(pane)/children", encoding: .utf8)
        guard let pid = children.split(separator: " ").compactMap({ Int32($0) }).first else { return }  // not started yet, or ended
        XCTAssertEqual(kill(pid, SIGKILL), 0)
        // Gone once its shell has reaped it. (The screen is no sign: a process killed while writing an
        // escape sequence leaves the terminal in the middle of it, which may swallow the shell's next line.)
        let deadline = Date().addingTimeInterval(20)
        while FileManager.default.fileExists(atPath: "/proc/\(pid)") && Date() < deadline { usleep(20_000) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/proc/\(pid)"), "winnow \(pid) still runs 20 s after kill -9")
    }

    func testKillNineAtRandomMomentsLosesNoSavedLabelAndTheRestartResumes() throws {
        var random = SeededGenerator(seed: 19)
        let kills = ProofSize.count(reduced: 10, full: 100)
        var checked = 0
        var moments: [String: Int] = [:]
        var annotatorShowedItem: [String: Bool] = [:]
        for cycle in 0..<kills {
            let annotator = "kill\(cycle / 3)"
            // Values typed before a kill come back as a draft (tested on their own in LabelDraftTests and
            // LabelScreenTmuxTests); this proof types whole labels from the first criterion, so it starts
            // each run without them.
            _ = try winnow.sqlite("DELETE FROM draft")
            let session = try start(annotator: annotator)
            let moment = ["startup", "typing", "after enter", "burst", "settled"][Int.random(in: 0..<5, using: &random)]
            moments[moment, default: 0] += 1
            if moment == "startup" {
                usleep(UInt32.random(in: 0..<400_000, using: &random))
                try killWinnow(session)
            } else {
                let first = try session.waitFor("the first item") { self.shown($0).key != nil && self.shown($0).saved != nil }
                if annotatorShowedItem[annotator] == true {
                    XCTAssertTrue(first.contains("resumed"), "cycle \(cycle): the restart did not resume:\n\(first)")
                }
                annotatorShowedItem[annotator] = true
                try session.send("Escape")  // the guidelines
                _ = try session.waitFor("the guidelines closed") { !$0.contains(": guidelines") }
                var expected: [String: String] = [:]
                for _ in 0..<Int.random(in: 0...2, using: &random) {
                    let screen = try session.screen()
                    guard let key = shown(screen).key, let saved = shown(screen).saved else { break }
                    let values = (0..<6).map { i in i == 3 ? Int.random(in: 0...1, using: &random) : Int.random(in: 1...5, using: &random) }
                    try session.send(contentsOf: values.map(String.init) + ["Enter"])
                    _ = try session.waitFor("save \(saved + 1) shown") { self.shown($0).saved == saved + 1 }
                    let scores = zip(Self.criteria, values).map { criterion, value in
                        "\"\(criterion)\":" + (criterion == "hallucination" ? (value == 1 ? "true" : "false") : "\(value)")
                    }
                    expected[key] = "{" + scores.joined(separator: ",") + "}"
                }
                switch moment {
                case "typing": try session.send(contentsOf: ["2", "3", "4"].prefix(Int.random(in: 1...3, using: &random)).map { $0 })
                case "after enter": try session.send(contentsOf: ["5", "5", "5", "0", "5", "5", "Enter"])
                case "burst": try session.send(contentsOf: ["1", "2", "3", "1", "4", "5", "Enter", "2", "2", "2", "0", "2", "2", "Enter", "3", "3"])
                default: break
                }
                let last = try session.screen()
                try killWinnow(session)
                let logged = try labels(of: annotator)
                for (key, scores) in expected {
                    checked += 1
                    XCTAssertEqual(logged[key], scores, "cycle \(cycle) (\(moment)): the label of \(key) shown as saved")
                }
                // Saves the screen had counted by the kill (typed-ahead ones included) are all in the log.
                if let saved = shown(last).saved { XCTAssertGreaterThanOrEqual(logged.count, saved, "cycle \(cycle) (\(moment))") }
            }
            XCTAssertEqual(try winnow.sqlite("PRAGMA integrity_check").trimmingCharacters(in: .whitespacesAndNewlines), "ok", "cycle \(cycle)")
            session.kill()
        }
        ProofSize.report("kill -9 of the labeling screen: \(kills) kills (\(moments.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))), \(checked) saved labels checked in the log")
    }
}

private extension Tmux {
    func send(contentsOf keys: [String]) throws {
        try Tmux.run(["-S", socket, "send-keys", "-t", name] + keys)
    }
}
