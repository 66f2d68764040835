import XCTest

@testable import WinnowTUI

final class GridTests: XCTestCase {
    func testNewGridIsBlank() {
        let grid = Grid(width: 3, height: 2)
        XCTAssertEqual(grid.row(0), "   ")
        XCTAssertEqual(grid.text, "   \n   ")
    }

    func testPutWritesTextAndReturnsColumnsUsed() {
        var grid = Grid(width: 10, height: 1)
        XCTAssertEqual(grid.put("abc", x: 2, y: 0), 3)
        XCTAssertEqual(grid.row(0), "  abc     ")
    }

    func testPutClipsAtTheRightEdge() {
        var grid = Grid(width: 5, height: 1)
        XCTAssertEqual(grid.put("abcdefgh", x: 2, y: 0), 3)
        XCTAssertEqual(grid.row(0), "  abc")
    }

    func testPutClipsToMaxWidth() {
        var grid = Grid(width: 10, height: 1)
        XCTAssertEqual(grid.put("abcdef", x: 1, y: 0, maxWidth: 3), 3)
        XCTAssertEqual(grid.row(0), " abc      ")
    }

    func testPutOutsideTheGridDoesNothing() {
        var grid = Grid(width: 4, height: 2)
        XCTAssertEqual(grid.put("abc", x: 0, y: 2), 0)
        XCTAssertEqual(grid.put("abc", x: 0, y: -1), 0)
        XCTAssertEqual(grid.put("abc", x: 9, y: 0), 0)
        XCTAssertEqual(grid.text, "    \n    ")
    }

    func testPutStartingLeftOfTheGridShowsOnlyTheVisiblePart() {
        var grid = Grid(width: 4, height: 1)
        XCTAssertEqual(grid.put("abcdef", x: -2, y: 0), 4)
        XCTAssertEqual(grid.row(0), "cdef")
    }

    func testWideCharacterTakesTwoCellsWithContinuation() {
        var grid = Grid(width: 6, height: 1)
        XCTAssertEqual(grid.put("中a", x: 0, y: 0), 3)
        XCTAssertEqual(grid[0, 0]?.text, "中")
        XCTAssertEqual(grid[0, 0]?.width, 2)
        XCTAssertEqual(grid[1, 0]?.isContinuation, true)
        XCTAssertEqual(grid[2, 0]?.text, "a")
        XCTAssertEqual(grid.row(0), "中a   ")
    }

    func testWideCharacterThatDoesNotFitIsNotDrawnHalf() {
        var grid = Grid(width: 3, height: 1)
        XCTAssertEqual(grid.put("a中", x: 1, y: 0), 1)
        XCTAssertEqual(grid.row(0), " a ")
        XCTAssertEqual(grid[2, 0]?.isContinuation, false)
    }

    func testOverwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var grid = Grid(width: 4, height: 1)
        grid.put("中文", x: 0, y: 0)
        grid.put("x", x: 1, y: 0)  // right half of 中
        XCTAssertEqual(grid.row(0), " x文")
        grid.put("y", x: 2, y: 0)  // left half of 文
        XCTAssertEqual(grid.row(0), " xy ")
        for column in 0..<4 { XCTAssertEqual(grid[column, 0]?.isContinuation, false) }
    }

    func testPutKeepsStyle() {
        var grid = Grid(width: 3, height: 1)
        let style = CellStyle(foreground: .rgb(1, 2, 3), background: .palette(4), attributes: [.bold, .underline])
        grid.put("中", x: 0, y: 0, style: style)
        XCTAssertEqual(grid[0, 0]?.style, style)
        XCTAssertEqual(grid[1, 0]?.style, style)  // continuation carries background
        XCTAssertEqual(grid[2, 0]?.style, .plain)
    }

    func testPutNeutralisesControlCharacters() {
        var grid = Grid(width: 12, height: 1)
        grid.put("a\u{1B}[2J\nb\tc", x: 0, y: 0)
        XCTAssertEqual(grid.row(0), "a␛[2J␤b    c")
    }

    func testCombiningMarksStayInTheirCell() {
        var grid = Grid(width: 3, height: 1)
        XCTAssertEqual(grid.put("e\u{301}x", x: 0, y: 0), 2)
        XCTAssertEqual(grid[0, 0]?.text, "e\u{301}")
        XCTAssertEqual(grid.row(0), "e\u{301}x ")
    }

    func testFillIsClippedAndStyled() {
        var grid = Grid(width: 4, height: 3)
        grid.put("abcd", x: 0, y: 1)
        let style = CellStyle(background: .palette(2))
        grid.fill(Rect(x: 2, y: 1, width: 10, height: 10), style: style)
        XCTAssertEqual(grid.row(1), "ab  ")
        XCTAssertEqual(grid[3, 2]?.style, style)
        XCTAssertEqual(grid[1, 2]?.style, .plain)
        XCTAssertEqual(grid[2, 0]?.style, .plain)
    }

    func testFillOverHalfAWideCharacterBlanksTheOtherHalf() {
        var grid = Grid(width: 4, height: 1)
        grid.put("中文", x: 0, y: 0)
        grid.fill(Rect(x: 1, y: 0, width: 2, height: 1))
        XCTAssertEqual(grid.row(0), "    ")
    }

    func testDrawCopiesAnotherGridClipped() {
        var small = Grid(width: 3, height: 2)
        small.put("ab中", x: 0, y: 0)
        small.put("xyz", x: 0, y: 1)
        var grid = Grid(width: 4, height: 2)
        grid.draw(small, x: 2, y: 1)
        XCTAssertEqual(grid.row(0), "    ")
        XCTAssertEqual(grid.row(1), "  ab")
    }

    func testNegativeSizeIsAnEmptyGrid() {
        var grid = Grid(width: -3, height: 2)
        XCTAssertEqual(grid.width, 0)
        XCTAssertEqual(grid.put("abc", x: 0, y: 0), 0)
        XCTAssertEqual(grid.row(5), "")
    }

    func testCellFromControlCharacterIsVisible() {
        XCTAssertEqual(Cell("\u{1B}").text, "␛")
        XCTAssertEqual(Cell("\u{9B}").text, "⍰")
    }

    private func painted(_ grid: Grid, since previous: Grid?) -> [String] {
        var cells: [String] = []
        grid.forEachCellToPaint(since: previous) { x, y, cell in cells.append("\(x),\(y):\(cell.text)") }
        return cells
    }

    func testAFirstFrameOrANewSizePaintsEveryCellAndALaterOneOnlyWhatChanged() {
        var first = Grid(width: 4, height: 2)
        first.put("ab", x: 0, y: 0)
        XCTAssertEqual(painted(first, since: nil).count, 8)
        var second = first
        second.put("x", x: 1, y: 0)
        second.put("q", x: 3, y: 1, style: CellStyle(attributes: .bold))
        XCTAssertEqual(painted(second, since: first), ["1,0:x", "3,1:q"])
        XCTAssertEqual(painted(second, since: second), [], "an unchanged frame paints nothing")
        var styled = second
        styled.put("x", x: 1, y: 0, style: CellStyle(attributes: .reverse))
        XCTAssertEqual(painted(styled, since: second), ["1,0:x"], "a change of style alone is a change")
        XCTAssertEqual(painted(Grid(width: 5, height: 2), since: first).count, 10, "another size: everything")
    }

    func testAWideCharacterIsPaintedOnceAndWhatItCoveredComesBack() {
        var narrow = Grid(width: 4, height: 1)
        narrow.put("abcd", x: 0, y: 0)
        var wide = narrow
        wide.put("漢", x: 1, y: 0)
        XCTAssertEqual(painted(wide, since: narrow), ["1,0:漢"], "its continuation cell is not painted")
        XCTAssertEqual(painted(narrow, since: wide), ["1,0:b", "2,0:c"], "both halves it covered are painted again")
    }
}
