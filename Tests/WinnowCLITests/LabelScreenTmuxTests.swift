import Foundation
import XCTest

/// The labeling screen end to end: the built binary in tmux, keys sent as a person would type them,
/// the screen read back, and the label log checked in the SQLite file afterwards.
final class LabelScreenTmuxTests: XCTestCase {
    private var winnow: WinnowProcess!
    private var tmux: Tmux?

    override func setUpWithError() throws {
        guard Tmux.isAvailable else { throw XCTSkip("tmux is not installed (scripts/install-deps installs it)") }
        winnow = try WinnowProcess()
        let sample = WinnowProcess.packageRoot.appendingPathComponent("data/sample").path
        try XCTAssertEqual(winnow.run(["import", "\(sample)/conversation.json", "--captions", "\(sample)/captions.json"]).status, 0)
    }

    override func tearDown() {
        tmux?.kill()
        winnow?.remove()
    }

    /// `winnow label` on the test's database with the bundled rubric and images, as a shell command.
    private func labelCommand(annotator: String = "ana") -> String {
        let root = WinnowProcess.packageRoot.path
        return [WinnowProcess.binary.path, "label", "--db", winnow.database.path, "--rubric", "\(root)/rubrics/llava-quality.yaml",
                "--images", "\(root)/data/sample/images", "--annotator", annotator].map(Tmux.quote).joined(separator: " ")
    }

    /// Starts the labeling screen in tmux; waits for its first item unless `waitForQueue` is false.
    private func startLabeling(annotator: String = "ana", width: Int = 120, height: Int = 40, environment: [String: String] = [:],
                               waitForQueue: Bool = true) throws -> Tmux {
        var env = ["WINNOW_LOG": winnow.directory.appendingPathComponent("winnow.log").path]
        env.merge(environment) { $1 }
        let session = try Tmux(command: labelCommand(annotator: annotator), width: width, height: height, environment: env)
        tmux = session
        // An item key (every sample key starts so): the first item may be the queue's or, had ordering
        // been slow, a random pick.
        if waitForQueue {
            try session.waitFor(text: "item 0000")
            // The rubric's guidelines open over the first item; any key goes on to grading.
            let first = try session.waitFor(text: ": guidelines")
            XCTAssertTrue(first.contains("llava-quality v1.0: guidelines"), first)
            try session.send("Escape")
            _ = try session.waitFor("the guidelines closed") { !$0.contains(": guidelines") }
        }
        return session
    }

    /// The pid of the `winnow` process: the child of the shell running in the pane.
    private func winnowPID(_ screen: Tmux) throws -> Int32 {
        let pid = try XCTUnwrap(screen.panePID())
        let children = try String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)
        return try XCTUnwrap(children.split(separator: " ").compactMap { Int32($0) }.first)
    }

    private func exportedLabels() throws -> [String] {
        try winnow.run(["labels", "export"]).stdout.split(separator: "\n").map(String.init)
    }

    func testGradingAnItemCommitsItAndShowsTheNext() throws {
        let screen = try startLabeling()
        let before = try screen.screen()
        XCTAssertTrue(before.contains("0/15 labeled"))
        try screen.send("4", "4", "5", "0", "4", "5", "Enter")
        try screen.waitFor(text: "1/15 labeled")
        let labels = try exportedLabels()
        XCTAssertEqual(labels.count, 1)
        XCTAssertTrue(labels[0].contains(#""scores":{"image_relevance":4,"instruction_clarity":4,"answer_correctness":5,"hallucination":false,"helpfulness":4,"language_quality":5}"#), labels[0])
        try screen.send("q")
        try screen.waitFor(text: "EXITED rc=0")
    }

    func testKillNineAfterASaveLosesNothingAndTheRestartResumes() throws {
        let screen = try startLabeling()
        try screen.send("3", "3", "3", "0", "3", "3", "Enter")
        let after = try screen.waitFor(text: "1/15 labeled")
        let shownKey = try XCTUnwrap(after.split(separator: "\n").dropFirst().first.flatMap { $0.split(separator: " ").dropFirst().first }).description
        XCTAssertEqual(kill(try winnowPID(screen), SIGKILL), 0)
        try screen.waitFor(text: "EXITED rc=137")
        XCTAssertEqual(try exportedLabels().count, 1)
        screen.kill()
        let again = try startLabeling(waitForQueue: false)
        _ = try again.waitFor(text: "resumed: where you left off")
        try again.send("Escape")  // the guidelines over the first item
        let text = try again.waitFor("the guidelines closed") { !$0.contains(": guidelines") }
        XCTAssertTrue(text.contains(shownKey), "expected \(shownKey) on screen:\n\(text)")
    }

    func testKillNineWhileTypingKeepsTheValuesAsADraftThatComesBack() throws {
        let screen = try startLabeling()
        try screen.send("2", "5")
        try screen.waitFor(text: "unsaved (kept as a draft)")
        XCTAssertEqual(kill(try winnowPID(screen), SIGKILL), 0)
        // The killed screen stays in the pane, so the shell's line may wrap mid-word: wait for its end.
        try screen.waitFor(text: "rc=137")
        XCTAssertEqual(try exportedLabels().count, 0, "a draft is not a label")
        XCTAssertEqual(try winnow.sqlite("SELECT scores FROM draft"), #"{"image_relevance":2,"instruction_clarity":5}"# + "\n")
        screen.kill()
        let again = try startLabeling(waitForQueue: false)
        _ = try again.waitFor(text: "resumed: where you left off")
        try again.send("Escape")
        let text = try again.waitFor("the guidelines closed") { !$0.contains(": guidelines") }
        XCTAssertTrue(text.contains("unsaved values of") && text.contains("are back (a draft)"), text)
        // The two values are set on screen again: the rest of the rubric and Enter save the label.
        try again.send("5", "0", "4", "5", "Enter")
        try again.waitFor(text: "1/15 labeled")
        let labels = try exportedLabels()
        XCTAssertTrue(labels.first?.contains(#""image_relevance":2,"instruction_clarity":5,"answer_correctness":5"#) ?? false, "\(labels)")
        XCTAssertEqual(try winnow.sqlite("SELECT count(*) FROM draft"), "0\n")
    }

    func testResizeBelowTheMinimumSaysSoAndComesBack() throws {
        let screen = try startLabeling()
        try screen.resize(width: 60, height: 20)
        try screen.waitFor(text: "terminal too small (needs 80x24)")
        try screen.resize(width: 120, height: 40)
        try screen.waitFor(text: "Image relevance")
    }

    func testUndoAndHistoryThroughTheKeyboard() throws {
        let screen = try startLabeling()
        try screen.send("2", "2", "2", "1", "2", "2", "Enter")
        try screen.waitFor(text: "1/15 labeled")
        try screen.send("u")
        try screen.waitFor(text: "Undid the save")
        try screen.waitFor(text: "0/15 labeled")
        try screen.send("Enter")
        try screen.waitFor(text: "1/15 labeled")
        try screen.send("Left")
        try screen.waitFor(text: "history: your saved label")
        try screen.send("5", "Enter")
        try screen.waitFor(text: "(edit)")
        let labels = try exportedLabels()
        XCTAssertEqual(labels.count, 1)
        XCTAssertTrue(labels[0].contains(#""image_relevance":5"#), labels[0])
        let dump = try winnow.dump()
        XCTAssertTrue(dump.contains("'undo'"))
        XCTAssertTrue(dump.contains("'edit'"))
    }

    func testHostileRecordIsShownWithVisiblePlaceholders() throws {
        let screen = try startLabeling()
        try screen.send("g")
        try screen.type("000000000112")
        try screen.send("Enter")
        let text = try screen.waitFor(text: "item 000000000112")
        XCTAssertTrue(text.contains("␛["), text)
        XCTAssertFalse(text.contains("\u{1B}"))
    }

    func testNoColorDrawsWithoutColours() throws {
        let session = try startLabeling(environment: ["NO_COLOR": "1"])
        let styled = try Tmux.run(["-S", session.socket, "capture-pane", "-e", "-p", "-t", session.name])
        XCTAssertFalse(styled.contains("38;5;"), "a 256-colour foreground was drawn")
        XCTAssertFalse(styled.contains("48;5;"), "a 256-colour background was drawn")
        XCTAssertTrue(styled.contains("▓") || styled.contains("▒") || styled.contains("░"), "the image is drawn in grey shades:\n\(styled)")
    }

    func testTheTerminalIsRestoredWhenTheProcessIsKilledBySignal() throws {
        let screen = try startLabeling()
        XCTAssertEqual(kill(try winnowPID(screen), SIGTERM), 0)
        // The handler leaves curses (the alternate screen ends, so the labeling screen is gone) and then
        // dies of the signal as it would have: 128 + 15.
        let text = try screen.waitFor(text: "EXITED rc=143")
        XCTAssertFalse(text.contains("Image relevance"), "the labeling screen is still drawn:\n\(text)")
        // Echo and line mode are back on the pane's terminal.
        let tty = try Tmux.run(["-S", screen.socket, "display-message", "-p", "-t", screen.name, "#{pane_tty}"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let modes = try shell("stty -a < \(tty)").split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init)
        XCTAssertTrue(modes.contains("echo"), "echo is off: \(modes)")
        XCTAssertTrue(modes.contains("icanon"), "line mode is off: \(modes)")
    }

    func testHelpShowsAllKeys() throws {
        let screen = try startLabeling()
        try screen.send("?")
        let text = try screen.waitFor(text: "Keys")
        XCTAssertTrue(text.contains("walk this session's history"))
        try screen.send("Escape")
        try screen.waitFor("help closed") { !$0.contains("walk this session's history") }
    }

    private func shell(_ command: String) throws -> String {
        try WinnowProcess.output(of: ["sh", "-c", command])
    }
}
