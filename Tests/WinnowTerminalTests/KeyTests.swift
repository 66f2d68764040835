import CNcursesw
import XCTest

import WinnowTUI
@testable import WinnowTerminal

final class KeyTests: XCTestCase {
    private func key(_ value: UInt32) -> Key? { Key.from(wideChar: value, isKeyCode: false) }
    private func code(_ value: Int32) -> Key? { Key.from(wideChar: UInt32(value), isKeyCode: true) }

    func testPrintableCharactersAreChars() {
        XCTAssertEqual(key(0x61), .char("a"))
        XCTAssertEqual(key(0x20), .char(" "))
        XCTAssertEqual(key(0x4E2D), .char("中"))
        XCTAssertEqual(key(0x1F600), .char("😀"))
    }

    func testEnterTabBackspaceAndEscapeControlCharacters() {
        XCTAssertEqual(key(0x0D), .enter)
        XCTAssertEqual(key(0x0A), .enter)
        XCTAssertEqual(key(0x09), .tab)
        XCTAssertEqual(key(0x7F), .backspace)
        XCTAssertEqual(key(0x08), .backspace)
        XCTAssertEqual(key(0x1B), .escape)
    }

    func testOtherControlCharactersAreCtrlWithLowercaseLetter() {
        XCTAssertEqual(key(0x01), .ctrl("a"))
        XCTAssertEqual(key(0x03), .ctrl("c"))
        XCTAssertEqual(key(0x13), .ctrl("s"))
        XCTAssertEqual(key(0x1A), .ctrl("z"))
        XCTAssertEqual(key(0x00), .ctrl(" "))
        XCTAssertEqual(key(0x1F), .ctrl("_"))
    }

    func testC1ControlsAndInvalidScalarsAreIgnored() {
        XCTAssertNil(key(0x9B))
        XCTAssertNil(key(0xD800))
        XCTAssertNil(key(0x110000))
    }

    func testKeyCodesMapToNamedKeys() {
        XCTAssertEqual(code(KEY_UP), .up)
        XCTAssertEqual(code(KEY_DOWN), .down)
        XCTAssertEqual(code(KEY_LEFT), .left)
        XCTAssertEqual(code(KEY_RIGHT), .right)
        XCTAssertEqual(code(KEY_PPAGE), .pageUp)
        XCTAssertEqual(code(KEY_NPAGE), .pageDown)
        XCTAssertEqual(code(KEY_HOME), .home)
        XCTAssertEqual(code(KEY_END), .end)
        XCTAssertEqual(code(KEY_BACKSPACE), .backspace)
        XCTAssertEqual(code(KEY_DC), .delete)
        XCTAssertEqual(code(KEY_ENTER), .enter)
        XCTAssertEqual(code(KEY_BTAB), .backTab)
    }

    func testFunctionKeys() {
        XCTAssertEqual(code(KEY_F0 + 1), .function(1))
        XCTAssertEqual(code(KEY_F0 + 12), .function(12))
    }

    func testResizeCarriesTheTerminalSize() {
        XCTAssertEqual(
            Key.from(wideChar: UInt32(KEY_RESIZE), isKeyCode: true, terminalSize: (80, 24)),
            .resize(width: 80, height: 24))
    }

    func testUnknownKeyCodesAreIgnored() {
        XCTAssertNil(code(KEY_MOUSE))
    }
}
