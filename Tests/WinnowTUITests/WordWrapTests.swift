import XCTest

@testable import WinnowTUI

final class WordWrapTests: XCTestCase {
    private func assertFits(_ lines: [String], width: Int, file: StaticString = #filePath, line: UInt = #line) {
        for text in lines {
            XCTAssertLessThanOrEqual(TextWidth.width(of: text), width, "\"\(text)\" too wide", file: file, line: line)
        }
    }

    func testBreaksAtSpaces() {
        XCTAssertEqual(WordWrap.wrap("the quick brown fox", width: 10), ["the quick", "brown fox"])
    }

    func testShortTextIsOneLine() {
        XCTAssertEqual(WordWrap.wrap("short", width: 10), ["short"])
    }

    func testExplicitNewlinesArePreservedAsParagraphs() {
        XCTAssertEqual(WordWrap.wrap("a\n\nb c", width: 10), ["a", "", "b c"])
        XCTAssertEqual(WordWrap.wrap("a\n", width: 10), ["a", ""])
    }

    func testEmptyTextIsOneEmptyLine() {
        XCTAssertEqual(WordWrap.wrap("", width: 10), [""])
    }

    func testWordLongerThanWidthIsBroken() {
        XCTAssertEqual(WordWrap.wrap("abcdefghij xy", width: 4), ["abcd", "efgh", "ij", "xy"])
    }

    func testCJKBreaksBetweenCharacters() {
        let lines = WordWrap.wrap("日本語の文章です", width: 6)
        XCTAssertEqual(lines, ["日本語", "の文章", "です"])
        assertFits(lines, width: 6)
    }

    func testWideCharactersNeverExceedWidthAtOddWidth() {
        let lines = WordWrap.wrap("日本語の文章", width: 5)
        XCTAssertEqual(lines, ["日本", "語の", "文章"])
        assertFits(lines, width: 5)
    }

    func testClosingPunctuationDoesNotStartALine() {
        let lines = WordWrap.wrap("日本語。です", width: 6)
        XCTAssertEqual(lines, ["日本", "語。で", "す"])
        assertFits(lines, width: 6)
    }

    func testMixedLatinAndCJK() {
        let lines = WordWrap.wrap("Swift言語でTUIを作る", width: 8)
        assertFits(lines, width: 8)
        XCTAssertEqual(lines.joined(), "Swift言語でTUIを作る")
    }

    func testGraphemeClustersAreNeverSplit() {
        let text = String(repeating: "e\u{301}", count: 7) + " " + String(repeating: "👨‍👩‍👧", count: 5)
        let lines = WordWrap.wrap(text, width: 3)
        assertFits(lines, width: 3)
        XCTAssertEqual(lines.joined().filter { $0 == "👨‍👩‍👧" }.count, 5)
        XCTAssertEqual(lines.joined().filter { $0 == "e\u{301}" }.count, 7)
    }

    func testHangingIndentOnContinuationLines() {
        XCTAssertEqual(
            WordWrap.wrap("- one two three four", width: 9, hangingIndent: 2),
            ["- one two", "  three", "  four"])
    }

    func testHangingIndentLargerThanWidthIsIgnored() {
        XCTAssertEqual(WordWrap.wrap("aa bb", width: 3, hangingIndent: 5), ["aa", "bb"])
    }

    func testLeadingSpacesOfAParagraphAreKept() {
        XCTAssertEqual(WordWrap.wrap("  indented text", width: 20), ["  indented text"])
    }

    func testSpacesAtBreaksAreDropped() {
        XCTAssertEqual(WordWrap.wrap("aaa    bbb", width: 5), ["aaa", "bbb"])
    }

    func testWideCharacterInWidthOneBecomesEllipsis() {
        XCTAssertEqual(WordWrap.wrap("中a", width: 1), ["…", "a"])
    }

    func testZeroWidthReturnsNoLines() {
        XCTAssertEqual(WordWrap.wrap("abc", width: 0), [])
    }

    func testNeverExceedsWidthForManyWidths() {
        let text = "Lorem ipsum dolor 中文字符 sit amet, 😀😀 consectetur\nadipiscing ｶﾀｶﾅ elit 한국어 문장"
        for width in 1...30 {
            for indent in [0, 2] {
                assertFits(WordWrap.wrap(text, width: width, hangingIndent: indent), width: width)
            }
        }
    }
}
