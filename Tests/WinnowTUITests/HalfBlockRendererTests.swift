import XCTest

@testable import WinnowTUI

final class HalfBlockRendererTests: XCTestCase {
    private func image(width: Int, height: Int, _ color: (Int, Int) -> (UInt8, UInt8, UInt8)) -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                let c = color(x, y)
                pixels += [c.0, c.1, c.2]
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)!
    }

    func testEachCellShowsTopPixelAsForegroundAndBottomAsBackground() {
        let source = image(width: 2, height: 2) { _, y in y == 0 ? (255, 0, 0) : (0, 0, 255) }
        let grid = HalfBlockRenderer.render(source, maxColumns: 10, maxRows: 10, colorMode: .trueColor)
        XCTAssertEqual(grid.width, 2)
        XCTAssertEqual(grid.height, 1)
        XCTAssertEqual(grid.row(0), "▀▀")
        XCTAssertEqual(grid[0, 0]?.foreground, .rgb(255, 0, 0))
        XCTAssertEqual(grid[0, 0]?.background, .rgb(0, 0, 255))
    }

    func testSmallImagesAreNotUpscaled() {
        let source = image(width: 4, height: 6) { _, _ in (1, 2, 3) }
        XCTAssertEqual(HalfBlockRenderer.fittedSize(imageWidth: 4, imageHeight: 6, maxColumns: 80, maxRows: 40).columns, 4)
        let grid = HalfBlockRenderer.render(source, maxColumns: 80, maxRows: 40, colorMode: .trueColor)
        XCTAssertEqual(grid.width, 4)
        XCTAssertEqual(grid.height, 3)
    }

    func testFitPreservesAspectRatioWithTwoPixelsPerRow() {
        // 200×100 into 20 columns: 20×10 pixels = 5 rows.
        let size = HalfBlockRenderer.fittedSize(imageWidth: 200, imageHeight: 100, maxColumns: 20, maxRows: 50)
        XCTAssertEqual(size.columns, 20)
        XCTAssertEqual(size.rows, 5)
        // A tall image is limited by rows: 100×400 into 5 rows = 10 pixels high, 3 wide (2.5 rounded).
        let tall = HalfBlockRenderer.fittedSize(imageWidth: 100, imageHeight: 400, maxColumns: 80, maxRows: 5)
        XCTAssertEqual(tall.rows, 5)
        XCTAssertEqual(tall.columns, 3)
    }

    func testResultNeverExceedsTheSpace() {
        let source = image(width: 123, height: 77) { x, y in (UInt8(x), UInt8(y), 0) }
        for columns in 1...12 {
            for rows in 1...6 {
                let grid = HalfBlockRenderer.render(source, maxColumns: columns, maxRows: rows, colorMode: .trueColor)
                XCTAssertLessThanOrEqual(grid.width, columns)
                XCTAssertLessThanOrEqual(grid.height, rows)
                XCTAssertGreaterThan(grid.width, 0)
            }
        }
    }

    func testOddPixelHeightLeavesDefaultBackgroundOnLastRow() {
        let source = image(width: 1, height: 3) { _, _ in (9, 9, 9) }
        let grid = HalfBlockRenderer.render(source, maxColumns: 5, maxRows: 5, colorMode: .trueColor)
        XCTAssertEqual(grid.height, 2)
        XCTAssertEqual(grid[0, 1]?.foreground, .rgb(9, 9, 9))
        XCTAssertEqual(grid[0, 1]?.background, .default)
    }

    func testDownscalingAveragesTheCoveredArea() {
        // A 4×8 checkerboard of black and white, shown as one cell of 1×2
        // pixels, averages to mid grey in both halves.
        let source = image(width: 4, height: 8) { x, y in (x + y) % 2 == 0 ? (0, 0, 0) : (255, 255, 255) }
        let grid = HalfBlockRenderer.render(source, maxColumns: 1, maxRows: 1, colorMode: .trueColor)
        XCTAssertEqual(grid.width, 1)
        XCTAssertEqual(grid[0, 0]?.foreground, .rgb(128, 128, 128))
        XCTAssertEqual(grid[0, 0]?.background, .rgb(128, 128, 128))
    }

    func testPalette256UsesCubeOrGreyRamp() {
        let source = image(width: 1, height: 2) { _, y in y == 0 ? (255, 0, 0) : (128, 128, 128) }
        let grid = HalfBlockRenderer.render(source, maxColumns: 4, maxRows: 4, colorMode: .palette256)
        XCTAssertEqual(grid[0, 0]?.foreground, .palette(196))
        XCTAssertEqual(grid[0, 0]?.background, .palette(244))
    }

    func testNoColorShowsALabelledBoxOfTheSameSize() {
        let source = image(width: 40, height: 20) { _, _ in (0, 0, 0) }
        let colored = HalfBlockRenderer.render(source, maxColumns: 20, maxRows: 10, colorMode: .trueColor)
        let plain = HalfBlockRenderer.render(source, maxColumns: 20, maxRows: 10, colorMode: .none)
        XCTAssertEqual(plain.width, colored.width)
        XCTAssertEqual(plain.height, colored.height)
        XCTAssertEqual(plain.row(0), "┌" + String(repeating: "─", count: 18) + "┐")
        XCTAssertTrue(plain.text.contains("image 40×20"))
        XCTAssertEqual(plain.row(plain.height - 1), "└" + String(repeating: "─", count: 18) + "┘")
    }

    func testNoColorPlaceholderUsesCustomLabel() {
        let source = image(width: 40, height: 20) { _, _ in (0, 0, 0) }
        let plain = HalfBlockRenderer.render(source, maxColumns: 20, maxRows: 10, colorMode: .none, label: "cat.jpg")
        XCTAssertTrue(plain.text.contains("cat.jpg"))
    }

    func testNoSpaceGivesEmptyGrid() {
        let source = image(width: 4, height: 4) { _, _ in (0, 0, 0) }
        let grid = HalfBlockRenderer.render(source, maxColumns: 0, maxRows: 3, colorMode: .trueColor)
        XCTAssertEqual(grid.width, 0)
    }

    func testWithoutColourTheImageIsDrawnInGreyShades() {
        // Black, dark grey, mid grey, light grey, white columns, two pixels tall.
        let levels: [UInt8] = [0, 60, 128, 180, 255]
        var pixels: [UInt8] = []
        for _ in 0..<2 { for v in levels { pixels += [v, v, v] } }
        let image = RGBImage(width: 5, height: 2, pixels: pixels)!
        let grid = HalfBlockRenderer.render(image, maxColumns: 10, maxRows: 10, colorMode: .shades)
        XCTAssertEqual(grid.width, 5)
        XCTAssertEqual(grid.height, 1)
        XCTAssertEqual(grid.row(0), " ░▒▓█")
        XCTAssertEqual(grid[0, 0]?.style, .plain, "no colour at all")
    }
}
