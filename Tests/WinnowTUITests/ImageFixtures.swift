import CImageCodecs
import Foundation
import XCTest

/// Writes small image files for tests into a fresh temporary directory.
struct ImageFixtures {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("winnow-tui-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// An image whose left half is `left` and right half is `right`.
    static func halves(
        width: Int, height: Int, left: (UInt8, UInt8, UInt8), right: (UInt8, UInt8, UInt8)
    ) -> [UInt8] {
        var pixels: [UInt8] = []
        for _ in 0..<height {
            for x in 0..<width {
                let color = x < width / 2 ? left : right
                pixels += [color.0, color.1, color.2]
            }
        }
        return pixels
    }

    func writePNG(_ name: String, width: Int, height: Int, pixels: [UInt8]) throws -> String {
        let path = path(name)
        let code = winnow_encode_png(path, pixels, Int32(width), Int32(height))
        guard code == Int32(WINNOW_IMAGE_OK) else { throw FixtureError.encodeFailed(name) }
        return path
    }

    func writeJPEG(_ name: String, width: Int, height: Int, pixels: [UInt8]) throws -> String {
        let path = path(name)
        let code = winnow_encode_jpeg(path, pixels, Int32(width), Int32(height), 95)
        guard code == Int32(WINNOW_IMAGE_OK) else { throw FixtureError.encodeFailed(name) }
        return path
    }

    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let path = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func bytes(of path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    enum FixtureError: Error { case encodeFailed(String) }
}
