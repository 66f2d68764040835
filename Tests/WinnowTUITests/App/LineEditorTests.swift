import XCTest
@testable import WinnowTUI

final class LineEditorTests: XCTestCase {
    func testInsertsAtTheCursorAndMovesIt() {
        var e = LineEditor("helo")
        XCTAssertEqual(e.cursor, 4)
        _ = e.handle(.left)
        _ = e.handle(.char("l"))
        XCTAssertEqual(e.string, "hello")
        _ = e.handle(.home)
        _ = e.handle(.delete)
        XCTAssertEqual(e.string, "ello")
        _ = e.handle(.backspace)
        XCTAssertEqual(e.string, "ello", "Backspace at the start does nothing")
        _ = e.handle(.end)
        _ = e.handle(.backspace)
        XCTAssertEqual(e.string, "ell")
    }

    func testCtrlUClearsAndCtrlWDeletesTheWordBeforeTheCursor() {
        var e = LineEditor("one two  ")
        _ = e.handle(.ctrl("w"))
        XCTAssertEqual(e.string, "one ")
        _ = e.handle(.ctrl("u"))
        XCTAssertEqual(e.string, "")
        XCTAssertEqual(e.cursor, 0)
    }

    func testOtherKeysAreLeftToTheCallerAndTheLimitHolds() {
        var e = LineEditor("", limit: 3)
        XCTAssertFalse(e.handle(.enter))
        XCTAssertFalse(e.handle(.escape))
        for c in "abcdef" { _ = e.handle(.char(c)) }
        XCTAssertEqual(e.string, "abc")
    }

    func testALongLineScrollsToKeepTheCursorVisibleAndControlCharactersNeverReachTheGrid() {
        var e = LineEditor(String(repeating: "x", count: 50) + "END\u{1b}[31m")
        var grid = Grid(width: 20, height: 1)
        e.draw(into: &grid, x: 0, y: 0, width: 20, style: .plain)
        XCTAssertTrue(grid.row(0).contains("END"))
        XCTAssertTrue(grid.row(0).hasSuffix("█") || grid.row(0).contains("█"))
        XCTAssertFalse(grid.row(0).unicodeScalars.contains { $0.value == 0x1b })
        _ = e.handle(.home)
        var start = Grid(width: 20, height: 1)
        e.draw(into: &start, x: 0, y: 0, width: 20, style: .plain)
        XCTAssertTrue(start.row(0).hasPrefix("█"), start.row(0))
    }
}
