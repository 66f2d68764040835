import Foundation
import GRDB
import XCTest
@_spi(Testing) @testable import WinnowCore
import WinnowTestSupport

/// Features are computed once per item: importing more items computes theirs and leaves the pool's
/// cached rows as they were, and the worker's in-memory matrix takes in only the new rows.
final class FeatureCacheIncrementalTests: CoreTestCase {
    private func records(_ range: Range<Int>) -> String {
        range.map { #"{"id": "r\#($0)", "conversations": [{"from": "human", "value": "Question \#($0)?"}, {"from": "gpt", "value": "Answer number \#($0) with words."}]}"# }
            .joined(separator: "\n") + "\n"
    }

    private func cachedRows() throws -> [Int64: Data] {
        try store.testRead { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT item_id, vector FROM item_features").map { ($0["item_id"] as Int64, $0["vector"] as Data) })
        }
    }

    func testImportingMoreItemsComputesOnlyTheirFeatures() throws {
        try runImport([try sandbox.write("a.jsonl", records(0..<60))])
        XCTAssertEqual(try FeatureCache.update(store: store), 60)
        let before = try cachedRows()
        let matrix = FeatureMatrix()
        try store.testRead { db in try matrix.update(db) }
        XCTAssertEqual(matrix.ids.count, 60)

        try runImport([try sandbox.write("b.jsonl", records(60..<75))])
        XCTAssertEqual(try FeatureCache.missing(store: store), 15)
        XCTAssertEqual(try FeatureCache.update(store: store), 15, "only the new items")
        XCTAssertEqual(try FeatureCache.update(store: store), 0, "nothing left to compute")
        let after = try cachedRows()
        XCTAssertEqual(after.count, 75)
        for (id, vector) in before { XCTAssertEqual(after[id], vector, "item \(id)'s cached features were rewritten") }
        try store.testRead { db in try matrix.update(db) }
        XCTAssertEqual(matrix.ids.count, 75)
    }
}
