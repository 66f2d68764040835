import XCTest

@testable import WinnowTUI

final class ColorCapabilityTests: XCTestCase {
    func testNoColorWins() {
        XCTAssertEqual(ColorCapability.detect(noColor: true, hasColors: true, colors: 16_777_216), .none)
    }

    func testCapabilityFollowsColourCount() {
        XCTAssertEqual(ColorCapability.detect(noColor: false, hasColors: true, colors: 16_777_216), .trueColor)
        XCTAssertEqual(ColorCapability.detect(noColor: false, hasColors: true, colors: 256), .palette256)
        XCTAssertEqual(ColorCapability.detect(noColor: false, hasColors: true, colors: 88), .ansi16)
        XCTAssertEqual(ColorCapability.detect(noColor: false, hasColors: true, colors: 8), .ansi8)
        XCTAssertEqual(ColorCapability.detect(noColor: false, hasColors: true, colors: 2), .none)
        XCTAssertEqual(ColorCapability.detect(noColor: false, hasColors: false, colors: 256), .none)
    }

    func testDefaultIsAlwaysMinusOne() {
        for capability in [ColorCapability.none, .ansi8, .ansi16, .palette256, .trueColor] {
            XCTAssertEqual(capability.colorNumber(for: .default), -1)
        }
    }

    func testNoneIgnoresColours() {
        XCTAssertEqual(ColorCapability.none.colorNumber(for: .rgb(255, 0, 0)), -1)
        XCTAssertEqual(ColorCapability.none.colorNumber(for: .palette(3)), -1)
    }

    func testTrueColorPacksRGB() {
        XCTAssertEqual(ColorCapability.trueColor.colorNumber(for: .rgb(0x12, 0x34, 0x56)), 0x123456)
        XCTAssertEqual(ColorCapability.trueColor.colorNumber(for: .palette(2)), 2)
        XCTAssertEqual(ColorCapability.trueColor.colorNumber(for: .palette(196)), 0xFF0000)
        XCTAssertGreaterThanOrEqual(ColorCapability.trueColor.colorNumber(for: .rgb(0, 0, 0)), 8)
    }

    func testPalette256QuantizesRGB() {
        XCTAssertEqual(ColorCapability.palette256.colorNumber(for: .rgb(255, 0, 0)), 196)
        XCTAssertEqual(ColorCapability.palette256.colorNumber(for: .palette(200)), 200)
    }

    func testBasicColoursStayInRange() {
        XCTAssertEqual(ColorCapability.ansi8.colorNumber(for: .palette(9)), 1)
        XCTAssertEqual(ColorCapability.ansi16.colorNumber(for: .palette(9)), 9)
        XCTAssertEqual(ColorCapability.ansi8.colorNumber(for: .rgb(250, 0, 0)), 1)
        for index in UInt8(0)...255 {
            XCTAssertLessThan(ColorCapability.ansi8.colorNumber(for: .palette(index)), 8)
            XCTAssertLessThan(ColorCapability.ansi16.colorNumber(for: .palette(index)), 16)
        }
    }

    func testImagesNeedAtLeast256ColoursElseTheyAreDrawnInShades() {
        XCTAssertEqual(ColorCapability.trueColor.imageColorMode, .trueColor)
        XCTAssertEqual(ColorCapability.palette256.imageColorMode, .palette256)
        XCTAssertEqual(ColorCapability.ansi16.imageColorMode, ColorMode.shades)
    }
}
