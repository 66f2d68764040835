import Foundation
import GRDB
import XCTest
import WinnowBench
@_spi(Testing) @testable import WinnowCore
import WinnowTestSupport

/// The bench's generated set goes through the import's LLaVA fast path: it must be stored exactly as the
/// general path stores it.
final class BenchSetImportTests: CoreTestCase {
    /// The item rows an import of `files` leaves, with the fast path on or off.
    private func stored(_ files: [String], fast: Bool, captions: String, set: [(String, String)]) throws -> String {
        RecordPreparer.useFastPath = fast
        defer { RecordPreparer.useFastPath = true }
        let store = try Store(path: sandbox.path("fast-\(fast).sqlite"))
        _ = try Importer(store: store).run(Importer.Options(files: files, captions: captions, setFields: set))
        return try store.testRead { db in
            try Row.fetchAll(db, sql: """
                SELECT key, group_key, image, captions, turns, fields, record_index, part, hex(original), content_hash FROM item ORDER BY id
                """).map(\.description).joined(separator: "\n")
        }
    }

    func testTheGeneratedBenchSetIsStoredTheSameByBothPaths() throws {
        let data = try BenchDataGenerator.generate(items: 1500, folder: sandbox.path("bench"))
        let general = try stored([data.dataPath], fast: false, captions: data.captionsPath, set: [("type", "conversation")])
        let fast = try stored([data.dataPath], fast: true, captions: data.captionsPath, set: [("type", "conversation")])
        XCTAssertFalse(general.isEmpty)
        XCTAssertEqual(fast, general)
    }
}
