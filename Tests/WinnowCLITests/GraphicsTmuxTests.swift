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
        try run(graphics: "kitty", image: "\u{1B}_Ga=T,f=24,s=", detail: ",C=1,q=2,", onQuit: "\u{1B}_Ga=d,d=A")
    }

    func testTheImageIsSentAsSixels() throws {
        try run(graphics: "sixel", image: "\u{1B}P0;1;0q\"1;1;", detail: "#", onQuit: nil)
    }

    private func run(graphics: String, image: String, detail: String, onQuit: String?) throws {
        guard Tmux.isAvailable else { throw XCTSkip("tmux is not installed (scripts/install-deps installs it)") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("no /usr/bin/script (util-linux)") }
        try succeed(["import", bundled("data/sample/conversation.json")])
        let typescript = winnow.directory.appendingPathComponent("typescript").path
        let label = [WinnowProcess.binary.path, "label", "--db", winnow.database.path, "--rubric", bundled("rubrics/llava-quality.yaml"),
                     "--images", bundled("data/sample/images"), "--annotator", "ana", "--no-worker"].map(Tmux.quote).joined(separator: " ")
        let session = try Tmux(command: "script -qfc \(Tmux.quote(label)) \(Tmux.quote(typescript))", width: 120, height: 40,
                               environment: ["WINNOW_GRAPHICS": graphics, "WINNOW_LOG": winnow.directory.appendingPathComponent("log").path])
        tmux = session
        _ = try session.waitFor(text: ": guidelines")
        try session.send("Escape")
        let recorded = { (try? Data(contentsOf: URL(fileURLWithPath: typescript))) ?? Data() }
        _ = try session.waitFor("the image sent") { _ in recorded().range(of: Data(image.utf8)) != nil }
        let bytes = recorded()
        let start = try XCTUnwrap(bytes.range(of: Data(image.utf8)))
        let head = String(decoding: bytes[start.lowerBound..<min(bytes.count, start.lowerBound + 60)], as: UTF8.self)
        XCTAssertTrue(head.contains(detail), head)
        // The cursor is saved before and restored after, at the right pane beside the item.
        let before = String(decoding: bytes[max(0, start.lowerBound - 12)..<start.lowerBound], as: UTF8.self)
        XCTAssertTrue(before.contains("\u{1B}7\u{1B}["), before.debugDescription)
        try session.send("q")
        if let onQuit {
            _ = try session.waitFor("the images deleted") { _ in recorded().range(of: Data(onQuit.utf8)) != nil }
        }
    }
}
