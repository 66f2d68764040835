import XCTest

@testable import WinnowTUI

final class TextWidthTests: XCTestCase {
    func testASCIIIsOneCellPerCharacter() {
        XCTAssertEqual(TextWidth.width(of: "hello, world"), 12)
    }

    func testEastAsianWideAndFullwidthAreTwoCells() {
        XCTAssertEqual(TextWidth.width(of: "中文"), 4)
        XCTAssertEqual(TextWidth.width(of: "カタカナ"), 8)
        XCTAssertEqual(TextWidth.width(of: "한국어"), 6)
        XCTAssertEqual(TextWidth.width(of: "ＡＢ"), 4)  // fullwidth Latin
    }

    func testHalfwidthKatakanaIsOneCell() {
        XCTAssertEqual(TextWidth.width(of: "ｶﾀｶﾅ"), 4)
    }

    func testEmojiWithEmojiPresentationIsTwoCells() {
        XCTAssertEqual(TextWidth.width(of: "😀"), 2)
        XCTAssertEqual(TextWidth.width(of: "👍🏽"), 2)  // with skin tone modifier
    }

    func testTextDefaultEmojiIsOneCellUnlessFollowedByVS16() {
        XCTAssertEqual(TextWidth.width(of: "\u{2764}"), 1)
        XCTAssertEqual(TextWidth.width(of: "\u{2764}\u{FE0F}"), 2)
    }

    func testZWJSequencesAndFlagsAreTwoCells() {
        XCTAssertEqual(TextWidth.width(of: "👨‍👩‍👧"), 2)
        XCTAssertEqual(TextWidth.width(of: "🇫🇷"), 2)
        XCTAssertEqual(TextWidth.width(of: "🇫🇷🇯🇵"), 4)
    }

    func testCombiningMarksBelongToTheClusterBeforeThem() {
        XCTAssertEqual(TextWidth.width(of: "e\u{301}"), 1)
        XCTAssertEqual(TextWidth.width(of: "a\u{300}\u{301}\u{302}b"), 2)
        XCTAssertEqual(TextWidth.width(of: "\u{1100}\u{1161}\u{11A8}"), 2)  // conjoining hangul
    }

    func testZeroWidthCharactersOnTheirOwnAreZero() {
        XCTAssertEqual(TextWidth.width(of: "\u{200B}" as Character), 0)
        XCTAssertEqual(TextWidth.width(of: "\u{301}" as Character), 0)
        XCTAssertEqual(TextWidth.width(of: "\u{FE0F}" as Character), 0)
    }

    func testControlCharactersAreZero() {
        XCTAssertEqual(TextWidth.width(of: "\u{1B}" as Character), 0)
        XCTAssertEqual(TextWidth.width(of: "\u{9B}" as Character), 0)
    }

    func testWideTableIsSortedAndDisjoint() {
        let bounds = WideCharacterTable.bounds
        XCTAssertEqual(bounds.count % 2, 0)
        for index in stride(from: 0, to: bounds.count, by: 2) {
            XCTAssertLessThanOrEqual(bounds[index], bounds[index + 1])
            if index >= 2 { XCTAssertGreaterThan(bounds[index], bounds[index - 1]) }
        }
    }

    func testUnassignedCodePointsOutsideCJKBlocksAreNotWide() {
        XCTAssertFalse(TextWidth.isWide(Unicode.Scalar(0x378)!))
        XCTAssertTrue(TextWidth.isWide(Unicode.Scalar(0x2FFF0)!))  // CJK plane default
    }

    func testBinarySearchFindsRangeEdges() {
        XCTAssertTrue(TextWidth.isWide(Unicode.Scalar(0x1100)!))
        XCTAssertTrue(TextWidth.isWide(Unicode.Scalar(0x115F)!))
        XCTAssertFalse(TextWidth.isWide(Unicode.Scalar(0x1160)!))
        XCTAssertFalse(TextWidth.isWide(Unicode.Scalar(0x10FFFF)!))
    }
}
