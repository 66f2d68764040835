import XCTest

import WinnowTUI
@testable import WinnowTerminal

final class TerminalGlyphsTests: XCTestCase {
    /// A C library like glibc 2.36: text-default emoji and regional indicators
    /// are narrow, marks and selectors zero, unknown code points unprintable.
    private func libcWidth(_ value: UInt32) -> Int {
        switch value {
        case 0x0300...0x036F, 0x20E3, 0xFE00...0xFE0F, 0x200D: return 0
        case 0x1F600, 0x4E2D, 0x1F468, 0x1F469: return 2
        case 0x1FAE8: return -1
        default: return 1
        }
    }

    private func glyphs(_ character: Character) -> [[UInt32]] {
        TerminalGlyphs.glyphs(for: Cell(character), terminalWidth: libcWidth)
    }

    func testNarrowCharacterWithMarksIsOneGlyph() {
        XCTAssertEqual(glyphs("e\u{301}"), [[0x65, 0x301]])
    }

    func testWideCharacterBothAgreeIsOneGlyph() {
        XCTAssertEqual(glyphs("中"), [[0x4E2D]])
        XCTAssertEqual(glyphs("😀"), [[0x1F600]])
    }

    func testEmojiWithVS16ThatLibcThinksNarrowIsPaddedAndTextStyle() {
        XCTAssertEqual(glyphs("\u{2764}\u{FE0F}"), [[0x2764], [0x20]])
    }

    func testFlagIsShownAsRegionLetters() {
        XCTAssertEqual(glyphs("🇫🇷"), [[0x46], [0x52]])
    }

    func testZWJSequenceIsShownAsItsFirstComponent() {
        XCTAssertEqual(glyphs("👨‍👩‍👧"), [[0x1F468]])
    }

    func testCharacterUnknownToLibcIsReplaced() {
        XCTAssertEqual(glyphs("\u{1FAE8}"), [[0xFFFD], [0x20]])
    }

    func testLoneCombiningMarkGetsADottedCircle() {
        XCTAssertEqual(glyphs("\u{301}"), [[0x25CC, 0x301]])
    }

    func testAtMostFiveScalarsPerGlyph() {
        let zalgo = Character("a" + String(repeating: "\u{301}", count: 10))
        XCTAssertEqual(glyphs(zalgo).first?.count, TerminalGlyphs.maxScalarsPerGlyph)
    }

    func testGlyphsAlwaysSpanTheCellWidth() {
        for character: Character in ["a", "中", "😀", "\u{2764}\u{FE0F}", "🇫🇷", "👨‍👩‍👧", "\u{1FAE8}", "e\u{301}"] {
            let cell = Cell(character)
            let result = TerminalGlyphs.glyphs(for: cell, terminalWidth: libcWidth)
            let columns = result.count == 1 ? libcWidth(result[0][0]) : result.map { libcWidth($0[0]) }.reduce(0, +)
            XCTAssertEqual(columns, cell.width, "\(character)")
        }
    }
}
