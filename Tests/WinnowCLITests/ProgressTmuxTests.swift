import Foundation
import XCTest
import WinnowCore

/// Long commands draw a progress bar on stderr when it is a terminal (and only then): the worker's
/// feature computation, the export's writing, stats' criteria and model report's fits, recorded byte for
/// byte under `script` in tmux.
final class ProgressTmuxTests: CLITestCase {
    private var tmux: Tmux?

    override func tearDown() {
        tmux?.kill()
        super.tearDown()
    }

    func testLongCommandsDrawAProgressBarOnATerminalAndNoneInAPipe() throws {
        guard Tmux.isAvailable else { throw XCTSkip("tmux is not installed (scripts/install-deps installs it)") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("no /usr/bin/script (util-linux)") }
        try succeed(["import", bundled("data/sample/conversation.json")])
        let rubric = bundled("rubrics/llava-quality.yaml")
        let out = winnow.directory.appendingPathComponent("all.json").path
        let typescript = winnow.directory.appendingPathComponent("typescript").path
        let commands = [
            [WinnowProcess.binary.path, "worker", "--once", "--db", winnow.database.path, "--rubric", rubric],
            [WinnowProcess.binary.path, "export", "--format", "llava", "--out", out, "--db", winnow.database.path, "--rubric", rubric],
        ].map { $0.map(Tmux.quote).joined(separator: " ") }.joined(separator: " && ")
        let session = try Tmux(command: "script -qfec \(Tmux.quote(commands)) \(Tmux.quote(typescript))")
        tmux = session
        try session.waitFor(text: "EXITED rc=0")
        let recorded = String(decoding: try Data(contentsOf: URL(fileURLWithPath: typescript)), as: UTF8.self)
        XCTAssertTrue(recorded.contains("features ") && recorded.contains("██████████████████████████████ 100%"), recorded.debugDescription)
        XCTAssertTrue(recorded.contains("exporting "), recorded.debugDescription)
        XCTAssertTrue(recorded.contains("wrote "), recorded.debugDescription)

        // stats and model report, once there are labels and a model.
        var random = SeededGenerator(seed: 5)
        let records = (0..<40).map { #"{"id": "r\#($0)", "conversations": [{"from": "human", "value": "Question \#($0)?"}, {"from": "gpt", "value": "\#(String(repeating: "word ", count: $0 + 1))"}]}"# }
        try succeed(["import", try winnow.write("more.jsonl", records.joined(separator: "\n") + "\n")])
        let labels = (0..<40).map { i -> String in
            let v = 1 + Int(random.next() % 5)
            return #"{"item": "r\#(i)", "annotator": "\#(i % 2 == 0 ? "ana" : "ben")", "scores": {"image_relevance": \#(v), "instruction_clarity": \#(v), "answer_correctness": \#(v), "hallucination": \#(v < 3), "helpfulness": \#(v), "language_quality": 5}}"#
        }
        try succeed(["labels", "import", try winnow.write("labels.jsonl", labels.joined(separator: "\n") + "\n"), "--rubric", rubric])
        try succeed(["worker", "--once", "--rubric", rubric])
        let reports = [
            [WinnowProcess.binary.path, "stats", "--db", winnow.database.path, "--rubric", rubric],
            [WinnowProcess.binary.path, "model", "report", "--db", winnow.database.path, "--folds", "3"],
        ].map { $0.map(Tmux.quote).joined(separator: " ") }.joined(separator: " && ")
        let second = winnow.directory.appendingPathComponent("typescript2").path
        tmux?.kill()
        let reporting = try Tmux(command: "script -qfec \(Tmux.quote(reports)) \(Tmux.quote(second))")
        tmux = reporting
        try reporting.waitFor(text: "EXITED rc=0", timeout: 60)
        let reported = String(decoding: try Data(contentsOf: URL(fileURLWithPath: second)), as: UTF8.self)
        XCTAssertTrue(reported.contains("agreement ") && reported.contains("cross-validating "), reported.debugDescription)
        XCTAssertTrue(reported.contains("cross-validating ██████████████████████████████ 100%"), reported.debugDescription)

        // Not a terminal: no bar, no escape sequence.
        try FileManager.default.removeItem(atPath: out)
        let piped = try succeed(["export", "--format", "llava", "--out", out, "--rubric", rubric])
        XCTAssertFalse(piped.stderr.contains("exporting") || piped.stderr.contains("\u{1B}"), piped.stderr)
    }
}
