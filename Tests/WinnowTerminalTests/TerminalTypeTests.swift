@testable import WinnowTerminal
import XCTest

final class TerminalTypeTests: XCTestCase {
    func testATrueColourTerminalGetsTheDirectVariantWhenItIsInstalled() {
        let installed: Set<String> = ["xterm-direct", "tmux-direct"]
        let has = { installed.contains($0) }
        XCTAssertEqual(TerminalType.directColorVariant(term: "xterm-256color", colorterm: "truecolor", exists: has), "xterm-direct")
        XCTAssertEqual(TerminalType.directColorVariant(term: "tmux-256color", colorterm: "24bit", exists: has), "tmux-direct")
        XCTAssertEqual(TerminalType.directColorVariant(term: "xterm", colorterm: "TrueColor", exists: has), "xterm-direct")
        // Not said, not installed, or already direct: TERM as it is.
        XCTAssertNil(TerminalType.directColorVariant(term: "xterm-256color", colorterm: "", exists: has))
        XCTAssertNil(TerminalType.directColorVariant(term: "screen-256color", colorterm: "truecolor", exists: has))
        XCTAssertNil(TerminalType.directColorVariant(term: "xterm-direct", colorterm: "truecolor", exists: has))
        XCTAssertNil(TerminalType.directColorVariant(term: "", colorterm: "truecolor", exists: has))
    }

    func testTheInstalledEntriesAreFound() throws {
        guard TerminalType.terminfoExists("xterm-direct") else {
            throw XCTSkip("ncurses-term is not installed (scripts/install-deps installs it)")
        }
        XCTAssertFalse(TerminalType.terminfoExists("no-such-terminal-direct"))
        XCTAssertFalse(TerminalType.terminfoExists("../x/xterm"))
    }
}
