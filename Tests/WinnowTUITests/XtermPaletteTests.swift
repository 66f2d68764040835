import XCTest

@testable import WinnowTUI

final class XtermPaletteTests: XCTestCase {
    func testPrimaryColoursMapToTheCube() {
        XCTAssertEqual(XtermPalette.nearestIndex(red: 255, green: 0, blue: 0), 196)
        XCTAssertEqual(XtermPalette.nearestIndex(red: 0, green: 255, blue: 0), 46)
        XCTAssertEqual(XtermPalette.nearestIndex(red: 0, green: 0, blue: 255), 21)
        XCTAssertEqual(XtermPalette.nearestIndex(red: 255, green: 255, blue: 255), 231)
        XCTAssertEqual(XtermPalette.nearestIndex(red: 0, green: 0, blue: 0), 16)
    }

    func testGreysPreferTheGreyRampWhenNearer() {
        XCTAssertEqual(XtermPalette.nearestIndex(red: 128, green: 128, blue: 128), 244)
        XCTAssertEqual(XtermPalette.nearestIndex(red: 8, green: 8, blue: 8), 232)
        XCTAssertEqual(XtermPalette.nearestIndex(red: 238, green: 238, blue: 238), 255)
    }

    func testRoundTripOfEveryCubeAndRampIndex() {
        for index in UInt8(16)...255 {
            let color = XtermPalette.rgb(ofIndex: index)
            let back = XtermPalette.nearestIndex(red: color.red, green: color.green, blue: color.blue)
            XCTAssertEqual(XtermPalette.rgb(ofIndex: back).red, color.red, "index \(index)")
            XCTAssertEqual(XtermPalette.rgb(ofIndex: back).green, color.green, "index \(index)")
            XCTAssertEqual(XtermPalette.rgb(ofIndex: back).blue, color.blue, "index \(index)")
        }
    }

    func testNearestBasicColour() {
        XCTAssertEqual(XtermPalette.nearestBasicIndex(red: 250, green: 10, blue: 10), 1)
        XCTAssertEqual(XtermPalette.nearestBasicIndex(red: 10, green: 10, blue: 10), 0)
        XCTAssertEqual(XtermPalette.nearestBasicIndex(red: 240, green: 240, blue: 240), 7)
    }
}
