import Foundation
@testable import WinnowTUI
import XCTest

/// kitty's graphics protocol: when it is used, and the bytes that draw an image.
final class TerminalGraphicsTests: XCTestCase {
    func testDetectionFollowsTheEnvironmentAndNeverGuessesUnderTmux() {
        XCTAssertEqual(GraphicsProtocol.detect(["TERM": "xterm-kitty"]), .kitty)
        XCTAssertEqual(GraphicsProtocol.detect(["TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"]), .kitty)
        XCTAssertEqual(GraphicsProtocol.detect(["TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"]), .kitty)
        XCTAssertEqual(GraphicsProtocol.detect(["TERM": "xterm-256color"]), .none)
        XCTAssertEqual(GraphicsProtocol.detect(["TERM": "tmux-256color", "KITTY_WINDOW_ID": "1", "TMUX": "/tmp/x"]), .none)
        XCTAssertEqual(GraphicsProtocol.detect(["TERM": "xterm-kitty", "WINNOW_GRAPHICS": "none"]), .none)
        XCTAssertEqual(GraphicsProtocol.detect(["TERM": "screen", "WINNOW_GRAPHICS": "kitty"]), .kitty)
    }

    /// A w×h image of distinct bytes.
    func image(_ w: Int, _ h: Int) -> RGBImage {
        RGBImage(width: w, height: h, pixels: (0..<(w * h * 3)).map { UInt8(truncatingIfNeeded: $0 * 7) })!
    }

    /// The APC commands in `bytes`: (keys, payload).
    func commands(_ bytes: [UInt8]) -> [(keys: String, payload: String)] {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.components(separatedBy: "\u{1B}_G").dropFirst().map { part in
            let body = part.components(separatedBy: "\u{1B}\\")[0]
            let split = body.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(split[0]), split.count > 1 ? String(split[1]) : "")
        }
    }

    func testAnImageIsSentInChunksOfAtMost4096BytesThatDecodeToItsPixels() throws {
        let picture = image(64, 48)  // 9,216 bytes: 12,288 of base64, three chunks
        let sent = commands(KittyGraphics.place(picture, columns: 20, rows: 8))
        XCTAssertEqual(sent.count, 3)
        XCTAssertEqual(sent[0].keys, "a=T,f=24,s=64,v=48,c=20,r=8,C=1,q=2,m=1")
        XCTAssertEqual(sent.map(\.keys).dropFirst(), ["m=1", "m=0"])
        XCTAssertTrue(sent.allSatisfy { $0.payload.utf8.count <= 4096 })
        let decoded = try XCTUnwrap(Data(base64Encoded: sent.map(\.payload).joined()))
        XCTAssertEqual(Array(decoded), picture.pixels)
        XCTAssertEqual(commands(KittyGraphics.place(image(2, 2), columns: 1, rows: 1)).map(\.keys), ["a=T,f=24,s=2,v=2,c=1,r=1,C=1,q=2,m=0"])
    }

    func testUpdatesDrawOnlyWhenThePlacementsChangeAndDeleteTheOldFirst() {
        let a = ImagePlacement(x: 3, y: 2, columns: 10, rows: 5, source: "a.png", image: image(4, 4))
        XCTAssertTrue(KittyGraphics.update(from: [a], to: [a]).isEmpty)
        let first = String(decoding: KittyGraphics.update(from: [], to: [a]), as: UTF8.self)
        XCTAssertFalse(first.contains("a=d"))
        XCTAssertTrue(first.hasPrefix("\u{1B}7\u{1B}[3;4H\u{1B}_Ga=T"), first.debugDescription)
        var b = a
        b.source = "b.png"
        let next = String(decoding: KittyGraphics.update(from: [a], to: [b]), as: UTF8.self)
        XCTAssertTrue(next.hasPrefix("\u{1B}_Ga=d,d=A"), next.debugDescription)
        XCTAssertEqual(KittyGraphics.update(from: [a], to: []), KittyGraphics.deleteAll)
    }

    func testAGridCarriesItsImagesWhereItIsDrawnAndCellsDrawnOverAnImageTakeItAway() {
        var preview = Grid(width: 10, height: 4)
        preview.images = [ImagePlacement(x: 0, y: 0, columns: 10, rows: 4, source: "p", image: image(2, 2))]
        var screen = Grid(width: 80, height: 24)
        screen.draw(preview, x: 50, y: 3)
        XCTAssertEqual(screen.images.map { [$0.x, $0.y, $0.columns, $0.rows] }, [[50, 3, 10, 4]])
        screen.draw(Grid(width: 30, height: 10), x: 40, y: 5)  // an overlay over part of it
        XCTAssertTrue(screen.images.isEmpty)
    }

    func testSixelEncodesBandsOfSixRowsWithRunsCompressed() throws {
        let red = RGBImage(width: 5, height: 6, pixels: [UInt8](repeating: 0, count: 90).enumerated().map { $0.offset % 3 == 0 ? 255 : 0 })!
        XCTAssertEqual(String(decoding: SixelGraphics.encode(red), as: UTF8.self), "\u{1B}P0;1;0q\"1;1;5;6#180;2;100;0;0#180!5~-\u{1B}\\")
        // One column, top three rows white, bottom three black: two colours in one band.
        var pixels: [UInt8] = []
        for y in 0..<6 { pixels += y < 3 ? [255, 255, 255] : [0, 0, 0] }
        let split = RGBImage(width: 1, height: 6, pixels: pixels)!
        XCTAssertEqual(String(decoding: SixelGraphics.encode(split), as: UTF8.self),
                       "\u{1B}P0;1;0q\"1;1;1;6#0;2;0;0;0#215;2;100;100;100#0w$#215F-\u{1B}\\")
        XCTAssertEqual(GraphicsProtocol.detect(["TERM": "foot"]), .sixel)
        XCTAssertEqual(GraphicsProtocol.detect(["TERM": "xterm-256color", "WINNOW_GRAPHICS": "sixel"]), .sixel)
    }

    func testSixelPlacementsAreScaledToTheirCellsAspectKept() {
        let picture = image(4, 2)
        let p = ImagePlacement(x: 0, y: 0, columns: 4, rows: 1, source: "p", image: picture)
        let text = String(decoding: SixelGraphics.update(from: [], to: [p], cell: (width: 10, height: 20)), as: UTF8.self)
        // A 40 × 20 pixel box: the 2:1 image fills it, 40 × 20.
        XCTAssertTrue(text.contains("\"1;1;40;20"), text.prefix(40).debugDescription)
        XCTAssertTrue(SixelGraphics.update(from: [p], to: [p], cell: (width: 10, height: 20)).isEmpty)
    }
}
