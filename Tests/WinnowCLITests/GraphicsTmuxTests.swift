import Foundation
import XCTest

/// kitty's graphics protocol end to end: the labeling screen in tmux under `script`, which records every
/// byte the program writes (tmux itself does not pass the protocol on), with `WINNOW_GRAPHICS=kitty`.
final class GraphicsTmuxTests: CLITestCase {
    private var tmux: Tmux?

    override func tearDown() {
        tmux?.kill()
        super.tearDown()
    }

    func testTheImageIsSentWithKittysProtocolAndDeletedOnQuit() throws {
        guard Tmux.isAvailable else { throw XCTSkip("tmux is not installed (scripts/install-deps installs it)") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("no /usr/bin/script (util-linux)") }
        try succeed(["import", bundled("data/sample/conversation.json")])
        let typescript = winnow.directory.appendingPathComponent("typescript").path
        let label = [WinnowProcess.binary.path, "label", "--db", winnow.database.path, "--rubric", bundled("rubrics/llava-quality.yaml"),
                     "--images", bundled("data/sample/images"), "--annotator", "ana", "--no-worker"].map(Tmux.quote).joined(separator: " ")
        let session = try Tmux(command: "script -qfc \(Tmux.quote(label)) \(Tmux.quote(typescript))", width: 120, height: 40,
                               environment: ["WINNOW_GRAPHICS": "kitty", "WINNOW_LOG": winnow.directory.appendingPathComponent("log").path])
        tmux = session
        _ = try session.waitFor(text: ": guidelines")
        try session.send("Escape")
        let recorded = { (try? Data(contentsOf: URL(fileURLWithPath: typescript))) ?? Data() }
        _ = try session.waitFor("the image sent") { _ in recorded().range(of: Data("\u{1B}_Ga=T,f=24".utf8)) != nil }
        let bytes = recorded()
        let start = try XCTUnwrap(bytes.range(of: Data("\u{1B}_Ga=T,f=24,s=".utf8)))
        // Placed on the right pane, beside the item, without moving the cursor.
        let head = String(decoding: bytes[start.lowerBound..<min(bytes.count, start.lowerBound + 60)], as: UTF8.self)
        XCTAssertTrue(head.contains(",C=1,q=2,"), head)
        try session.send("q")
        _ = try session.waitFor("the images deleted") { _ in recorded().range(of: Data("\u{1B}_Ga=d,d=A".utf8)) != nil }
    }
}
