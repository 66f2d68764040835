import Foundation
import XCTest

/// Long commands draw a progress bar on stderr when it is a terminal (and only then): the worker's
/// feature computation and the export's writing, recorded byte for byte under `script` in tmux.
final class ProgressTmuxTests: CLITestCase {
    private var tmux: Tmux?

    override func tearDown() {
        tmux?.kill()
        super.tearDown()
    }

    func testWorkerAndExportDrawAProgressBarOnATerminalAndNoneInAPipe() throws {
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

        // Not a terminal: no bar, no escape sequence.
        try FileManager.default.removeItem(atPath: out)
        let piped = try succeed(["export", "--format", "llava", "--out", out, "--rubric", rubric])
        XCTAssertFalse(piped.stderr.contains("exporting") || piped.stderr.contains("\u{1B}"), piped.stderr)
    }
}
