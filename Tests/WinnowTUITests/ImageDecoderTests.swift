import XCTest

@testable import WinnowTUI

final class ImageDecoderTests: XCTestCase {
    private var fixtures: ImageFixtures!

    override func setUpWithError() throws {
        fixtures = try ImageFixtures()
    }

    override func tearDown() {
        fixtures.remove()
    }

    private func reason(_ body: () throws(ImageDecodeError) -> RGBImage) -> ImageDecodeError.Reason? {
        do {
            _ = try body()
            return nil
        } catch {
            return error.reason
        }
    }

    func testPNGDecodesToExactPixels() throws {
        let pixels: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]
        let path = try fixtures.writePNG("a.png", width: 3, height: 2, pixels: pixels)
        let image = try ImageDecoder.decode(path: path)
        XCTAssertEqual(image.width, 3)
        XCTAssertEqual(image.height, 2)
        XCTAssertEqual(image.pixels, pixels)
        XCTAssertEqual(image.originalWidth, 3)
    }

    func testJPEGDecodesToApproximatePixels() throws {
        let pixels = ImageFixtures.halves(width: 32, height: 16, left: (250, 0, 0), right: (0, 0, 250))
        let path = try fixtures.writeJPEG("a.jpg", width: 32, height: 16, pixels: pixels)
        let image = try ImageDecoder.decode(path: path)
        XCTAssertEqual(image.width, 32)
        XCTAssertEqual(image.height, 16)
        let left = try XCTUnwrap(image.pixel(x: 2, y: 8))
        let right = try XCTUnwrap(image.pixel(x: 29, y: 8))
        XCTAssertGreaterThan(left.red, 200)
        XCTAssertLessThan(left.blue, 50)
        XCTAssertGreaterThan(right.blue, 200)
        XCTAssertLessThan(right.red, 50)
    }

    func testJPEGWithTargetSizeDecodesReducedButCoveringTarget() throws {
        let pixels = ImageFixtures.halves(width: 64, height: 48, left: (0, 200, 0), right: (200, 200, 200))
        let path = try fixtures.writeJPEG("big.jpg", width: 64, height: 48, pixels: pixels)
        let image = try ImageDecoder().decode(path: path, targetWidth: 10, targetHeight: 10)
        XCTAssertEqual(image.width, 16)  // 1/4 covers 10×10, 1/8 (8×6) would not
        XCTAssertEqual(image.height, 12)
        XCTAssertEqual(image.originalWidth, 64)
        XCTAssertEqual(image.originalHeight, 48)
    }

    func testMissingFileIsFileNotFoundWithPath() {
        let path = fixtures.path("nope.png")
        do {
            _ = try ImageDecoder.decode(path: path)
            XCTFail("decoded a missing file")
        } catch {
            XCTAssertEqual(error.path, path)
            XCTAssertEqual(error.reason, .fileNotFound)
            XCTAssertTrue(error.description.contains("nope.png"))
        }
    }

    func testDirectoryIsUnreadable() {
        guard case .unreadable = reason({ () throws(ImageDecodeError) in
            try ImageDecoder.decode(path: fixtures.directory.path)
        }) else { return XCTFail("expected unreadable") }
    }

    func testRandomBytesAreNotAnImage() throws {
        let path = try fixtures.write("text.png", bytes: Array("just some text, not an image".utf8))
        XCTAssertEqual(reason { () throws(ImageDecodeError) in try ImageDecoder.decode(path: path) }, .notAnImage)
    }

    func testEmptyFileIsNotAnImage() throws {
        let path = try fixtures.write("empty.jpg", bytes: [])
        XCTAssertEqual(reason { () throws(ImageDecodeError) in try ImageDecoder.decode(path: path) }, .notAnImage)
    }

    func testGIFIsUnsupported() throws {
        let path = try fixtures.write("a.gif", bytes: Array("GIF89a".utf8) + [1, 0, 1, 0, 0, 0])
        XCTAssertEqual(
            reason { () throws(ImageDecodeError) in try ImageDecoder.decode(path: path) }, .unsupportedFormat("GIF"))
    }

    func testPNGSignatureFollowedByGarbageIsCorrupt() throws {
        let path = try fixtures.write(
            "bad.png", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x41, count: 64))
        guard case .corrupt = reason({ () throws(ImageDecodeError) in try ImageDecoder.decode(path: path) })
        else { return XCTFail("expected corrupt") }
    }

    func testTruncatedPNGIsCorrupt() throws {
        let pixels = ImageFixtures.halves(width: 40, height: 40, left: (1, 2, 3), right: (200, 100, 50))
        let whole = try fixtures.bytes(of: fixtures.writePNG("whole.png", width: 40, height: 40, pixels: pixels))
        let path = try fixtures.write("cut.png", bytes: Array(whole.prefix(whole.count / 2)))
        guard case .corrupt = reason({ () throws(ImageDecodeError) in try ImageDecoder.decode(path: path) })
        else { return XCTFail("expected corrupt") }
    }

    func testTruncatedJPEGIsCorrupt() throws {
        var pixels: [UInt8] = []
        for index in 0..<(64 * 64) { pixels += [UInt8(index % 251), UInt8(index % 13 * 19), UInt8(index % 7 * 36)] }
        let whole = try fixtures.bytes(of: fixtures.writeJPEG("whole.jpg", width: 64, height: 64, pixels: pixels))
        let path = try fixtures.write("cut.jpg", bytes: Array(whole.prefix(whole.count / 2)))
        guard case .corrupt(let detail) = reason({ () throws(ImageDecodeError) in try ImageDecoder.decode(path: path) })
        else { return XCTFail("expected corrupt") }
        XCTAssertFalse(detail.isEmpty)
    }

    func testJPEGHeaderOnlyIsCorrupt() throws {
        let path = try fixtures.write("head.jpg", bytes: [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46])
        guard case .corrupt = reason({ () throws(ImageDecodeError) in try ImageDecoder.decode(path: path) })
        else { return XCTFail("expected corrupt") }
    }

    func testOversizedImagesAreRefused() throws {
        let pixels = [UInt8](repeating: 7, count: 20 * 5 * 3)
        let png = try fixtures.writePNG("wide.png", width: 20, height: 5, pixels: pixels)
        let jpeg = try fixtures.writeJPEG("wide.jpg", width: 20, height: 5, pixels: pixels)
        let strict = ImageDecoder(maxSide: 10)
        XCTAssertEqual(
            reason { () throws(ImageDecodeError) in try strict.decode(path: png) }, .tooLarge(width: 20, height: 5))
        XCTAssertEqual(
            reason { () throws(ImageDecodeError) in try strict.decode(path: jpeg) }, .tooLarge(width: 20, height: 5))
        let fewPixels = ImageDecoder(maxPixels: 99)
        XCTAssertEqual(
            reason { () throws(ImageDecodeError) in try fewPixels.decode(path: png) }, .tooLarge(width: 20, height: 5))
    }

    func testPNGWithAbsurdHeaderDimensionsIsRefusedBeforeAllocating() throws {
        // A valid PNG header chunk claiming 100000×100000 pixels, then an empty
        // image data chunk (libpng reads the header up to the first IDAT).
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        let ihdr: [UInt8] = Array("IHDR".utf8) + [0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0, 8, 2, 0, 0, 0]
        bytes += [0, 0, 0, 13] + ihdr + crc32(ihdr)
        bytes += [0, 0, 0, 0] + Array("IDAT".utf8) + crc32(Array("IDAT".utf8))
        let path = try fixtures.write("huge.png", bytes: bytes)
        XCTAssertEqual(
            reason { () throws(ImageDecodeError) in try ImageDecoder.decode(path: path) },
            .tooLarge(width: 100_000, height: 100_000))
    }

    func testRGBImageRefusesInconsistentBuffers() {
        XCTAssertNil(RGBImage(width: 2, height: 2, pixels: [0, 0, 0]))
        XCTAssertNil(RGBImage(width: 0, height: 1, pixels: []))
        XCTAssertNotNil(RGBImage(width: 1, height: 1, pixels: [1, 2, 3]))
    }

    private func crc32(_ bytes: [UInt8]) -> [UInt8] {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        crc ^= 0xFFFF_FFFF
        return [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
    }
}
