import XCTest

@testable import WinnowTUI

final class SanitizerTests: XCTestCase {
    /// No scalar that a terminal would interpret rather than print.
    private func assertInert(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        for scalar in text.unicodeScalars {
            let value = scalar.value
            XCTAssertFalse(value < 0x20 && value != 0x0A, "C0 \(value) leaked", file: file, line: line)
            XCTAssertFalse((0x7F...0x9F).contains(value), "DEL/C1 \(value) leaked", file: file, line: line)
            XCTAssertFalse((0x202A...0x202E).contains(value), "bidi \(value) leaked", file: file, line: line)
            XCTAssertFalse((0x2066...0x2069).contains(value), "isolate \(value) leaked", file: file, line: line)
        }
    }

    func testPlainTextIsUnchanged() {
        let text = "Grade this: 中文, émoji 👍, ok\nnext line"
        XCTAssertEqual(Sanitizer.displayable(text), text)
    }

    func testClearScreenSequenceIsShownInert() {
        let result = Sanitizer.displayable("before\u{1B}[2Jafter")
        XCTAssertEqual(result, "before␛[2Jafter")
        assertInert(result)
    }

    func testOSC52ClipboardSequenceIsShownInert() {
        let result = Sanitizer.displayable("\u{1B}]52;c;ZWNobyBwd25lZA==\u{07}")
        XCTAssertEqual(result, "␛]52;c;ZWNobyBwd25lZA==␇")
        assertInert(result)
    }

    func testNULAndOtherC0BecomeControlPictures() {
        XCTAssertEqual(Sanitizer.displayable("a\u{0}b\u{8}c"), "a␀b␈c")
    }

    func testTabBecomesSpacesAndNewlineIsKept() {
        XCTAssertEqual(Sanitizer.displayable("a\tb\nc"), "a    b\nc")
        XCTAssertEqual(Sanitizer.displayable("a\tb", tabWidth: 2), "a  b")
    }

    func testCRLFBecomesNewlineAndLoneCRIsVisible() {
        XCTAssertEqual(Sanitizer.displayable("a\r\nb\rc"), "a\nb␍c")
    }

    func testDELIsVisible() {
        XCTAssertEqual(Sanitizer.displayable("a\u{7F}b"), "a␡b")
    }

    func testLoneC1CSIIsReplaced() {
        let result = Sanitizer.displayable("x\u{9B}31mred")
        XCTAssertEqual(result, "x⍰31mred")
        assertInert(result)
    }

    func testBidiOverrideAndIsolatesAreVisiblePlaceholders() {
        let result = Sanitizer.displayable("safe\u{202E}txt.exe\u{202C} \u{2066}x\u{2069}")
        XCTAssertEqual(result, "safe⍰txt.exe⍰ ⍰x⍰")
        assertInert(result)
    }

    func testInvisibleFormatCharactersAreVisible() {
        XCTAssertEqual(Sanitizer.displayable("pass\u{200B}word\u{FEFF}\u{AD}"), "pass⍰word⍰⍰")
    }

    func testTagCharactersSmuggledIntoTextAreVisible() {
        // "hi" written in invisible tag characters after a visible word.
        XCTAssertEqual(Sanitizer.displayable("ok\u{E0068}\u{E0069}"), "ok⍰⍰")
    }

    func testEmojiSequencesSurvive() {
        let family = "👨‍👩‍👧"
        let england = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}"
        XCTAssertEqual(Sanitizer.displayable(family + england), family + england)
    }

    func testInvalidUTF8BecomesReplacementCharacter() {
        let bytes: [UInt8] = [0x61, 0xFF, 0x62, 0xC3, 0x28, 0x1B, 0x5B, 0x32, 0x4A]
        XCTAssertEqual(Sanitizer.displayable(bytes: bytes), "a\u{FFFD}b\u{FFFD}(␛[2J")
    }

    func testSingleLineFormShowsNewlines() {
        XCTAssertEqual(Sanitizer.displayableLine("a\nb"), "a␤b")
    }

    func testEveryControlScalarIsNeutralised() {
        var hostile = ""
        for value in UInt32(0)...0x9F { hostile.unicodeScalars.append(Unicode.Scalar(value)!) }
        assertInert(Sanitizer.displayable(hostile))
        assertInert(Sanitizer.displayableLine(hostile))
        XCTAssertFalse(Sanitizer.displayableLine(hostile).contains("\n"))
    }
}
