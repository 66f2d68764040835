import Foundation
import XCTest
import WinnowCore
import WinnowTestSupport

/// The proof suite's terminal storm: the labeling screen in tmux on records full of hostile strings
/// (title changes, screen clears, mode switches, device queries, C1 controls, bidi overrides, combining
/// marks, wide characters), driven by seeded bursts of resizes (each starting at 20x6) mixed with keys.
/// After every burst the screen settles at a new size and must be what a full repaint draws (Ctrl-L):
/// nothing stale. The pane's title and modes never change while it runs, and after it quits the
/// terminal's modes are a plain shell's. Reduced: 4 bursts; full (`WINNOW_PROOF_FULL=1`): 40.
final class ProofTerminalTmuxTests: XCTestCase {
    private var winnow: WinnowProcess!
    private var sessions: [Tmux] = []

    /// Pieces of text a terminal would act on if they reached it raw.
    static let hostile: [String] = [
        "\u{1B}]0;PWNED\u{07}", "\u{1B}]2;PWNED\u{1B}\\", "\u{1B}[2J\u{1B}[H", "\u{1B}[?1049l", "\u{1B}[?1000h\u{1B}[?1006h",
        "\u{1B}[?2004h", "\u{1B}[?25l", "\u{1B}(0lqqk", "\u{1B}[4h", "\u{1B}[?7l", "\u{1B}[6n", "\u{1B}[c", "\u{9B}31m", "\u{9D}0;PWNED\u{9C}",
        "\u{1B}P+q544e\u{1B}\\", "\u{1B}c", "\u{1B}[1;1r", "\u{1B}[?6h", "\u{07}", "\u{08}\u{08}", "\r", "\t", "\u{7F}", "\u{0E}", "\u{202E}evil",
        "\u{200B}", "e\u{301}\u{301}\u{301}", "漢字かな", "👍🏽🇯🇵", "\u{FEFF}", String(repeating: "w", count: 300), "\n\n\n",
    ]

    /// Records whose instruction and answer mix ordinary words with hostile pieces.
    private func hostileRecords(count: Int, random: inout SeededGenerator) -> String {
        func text() -> String {
            (0..<(6 + Int(random.next() % 10))).map { _ in
                random.next() % 3 == 0 ? Self.hostile[Int(random.next() % UInt64(Self.hostile.count))] : "word"
            }.joined(separator: " ")
        }
        return (0..<count).map { i in
            JSONValue.object(JSONObject([
                "id": .string("storm-\(i)"),
                "conversations": .array([
                    .object(JSONObject(["from": .string("human"), "value": .string(text() + "?")])),
                    .object(JSONObject(["from": .string("gpt"), "value": .string(text())])),
                ]),
            ])).serialized()
        }.joined(separator: "\n") + "\n"
    }

    override func setUpWithError() throws {
        guard Tmux.isAvailable else { throw XCTSkip("tmux is not installed (scripts/install-deps installs it)") }
        winnow = try WinnowProcess()
    }

    override func tearDown() {
        sessions.forEach { $0.kill() }
        winnow?.remove()
    }

    /// The pane's title and the terminal modes a program can switch.
    private func modes(_ session: Tmux) throws -> String {
        try Tmux.run(["-S", session.socket, "display-message", "-p", "-t", session.name,
                      "title=#{pane_title} alternate=#{alternate_on} cursor=#{cursor_flag} insert=#{insert_flag} origin=#{origin_flag} wrap=#{wrap_flag} mouse=#{mouse_any_flag}#{mouse_all_flag}#{mouse_button_flag}#{mouse_standard_flag}#{mouse_sgr_flag}#{mouse_utf8_flag}"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The screen once every key and resize sent before was handled: the help opened (`?`) and closed
    /// again. Closing it repaints only the cells the app believes changed, so whatever a missed resize
    /// left stale stays on screen.
    private func handled(_ session: Tmux, _ what: String) throws -> String {
        try session.send("?")
        try session.waitFor("the help over \(what)") { $0.contains("any key close") }
        try session.send("Escape")
        return try session.waitFor("the help closed over \(what)") { !$0.contains("any key close") }
    }

    func testResizeBurstsOverHostileTextLeaveNoStaleScreenAndNoTerminalState() throws {
        var random = SeededGenerator(seed: 23)
        let file = try winnow.write("storm.jsonl", hostileRecords(count: 40, random: &random))
        let imported = try winnow.run(["import", file])
        XCTAssertEqual(imported.status, 0, imported.stderr)

        // A plain shell's modes, the baseline.
        let plain = try Tmux(command: "true")
        sessions.append(plain)
        try plain.waitFor(text: "EXITED rc=0")
        let baseline = try modes(plain)

        let root = WinnowProcess.packageRoot.path
        let command = [WinnowProcess.binary.path, "label", "--db", winnow.database.path, "--rubric", "\(root)/rubrics/llava-quality.yaml",
                       "--annotator", "storm", "--no-worker"].map(Tmux.quote).joined(separator: " ")
        let session = try Tmux(command: command, environment: ["WINNOW_LOG": winnow.directory.appendingPathComponent("winnow.log").path])
        sessions.append(session)
        // No status line: the pane is the window's size.
        try Tmux.run(["-S", session.socket, "set-option", "-t", session.name, "status", "off"])
        try session.waitFor(text: ": guidelines")
        try session.send("Escape")  // the guidelines
        _ = try session.waitFor("the guidelines closed") { !$0.contains(": guidelines") }

        let keys = ["1", "2", "3", "4", "5", "Tab", "BTab", "Down", "Up", "J", "K", "Right", "Left", "Enter", "?", "Escape"]
        let finals = [(80, 24), (120, 40), (200, 60)]
        let bursts = ProofSize.count(reduced: 4, full: 40)
        var resizes = 0, keysSent = 0
        for burst in 0..<bursts {
            try session.resize(width: 20, height: 6)
            resizes += 1
            for _ in 0..<(5 + Int(random.next() % 26)) {
                if random.next() % 3 == 0 {
                    try session.send(keys[Int(random.next() % UInt64(keys.count))])
                    keysSent += 1
                } else {
                    try session.resize(width: 20 + Int(random.next() % 181), height: 6 + Int(random.next() % 55))
                    resizes += 1
                }
            }
            let size = burst < finals.count ? finals[burst] : (80 + Int(random.next() % 121), 24 + Int(random.next() % 37))
            try session.resize(width: size.0, height: size.1)
            // tmux resizes its copy of the pane at once and signals the program a little later: wait for a
            // frame of the new size (a header across the whole width, a footer on the last line). A resize
            // the screen missed never gives one.
            try session.waitFor("a frame of \(size) after burst \(burst)") { screen in
                let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
                return lines.count >= size.1 && lines[0].hasPrefix(" winnow │") && lines[0].count >= size.0 - 2
                    && !lines[size.1 - 1].trimmingCharacters(in: .whitespaces).isEmpty
            }
            // Out of any overlay a key may have opened, then the screen as the storm left it.
            try session.send("Escape")
            let stormed = try handled(session, "burst \(burst)")
            XCTAssertEqual(try modes(session).split(separator: " ").first.map(String.init), baseline.split(separator: " ").first.map(String.init),
                           "the title changed during burst \(burst)")
            XCTAssertTrue(stormed.contains("item storm-"), "burst \(burst) at \(size): the header is gone:\n\(stormed)")

            // A full repaint (Ctrl-L), and the same check after it.
            try session.send("C-l")
            let repainted = try handled(session, "the repaint after burst \(burst)")
            // The header's pace and ETA move with the clock; everything else must be the same.
            func steady(_ screen: String) -> [String] {
                var lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if let first = lines.first, let pace = first.range(of: " │ [0-9]+/h", options: .regularExpression) {
                    lines[0] = String(first[..<pace.lowerBound])
                }
                return lines
            }
            XCTAssertEqual(steady(stormed), steady(repainted), "burst \(burst) at \(size) left a stale screen")
        }
        try session.send("q")
        let end = try session.waitFor(text: "EXITED rc=0")
        XCTAssertTrue(end.contains("EXITED rc=0"))
        XCTAssertEqual(try modes(session), baseline, "the terminal's title or modes changed")
        ProofSize.report("terminal storm: \(bursts) bursts, \(resizes) resizes, \(keysSent) keys over 40 hostile records; no stale screen, title and modes unchanged")
    }
}
