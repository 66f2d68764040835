import GRDB
import XCTest
@testable import WinnowCore

/// Who is served what: the spread order, leases between annotators, and the overlap sample.
final class ItemServerTests: CoreTestCase {
    private let rubric = StoredRubric(hash: "h", name: "r", version: "1", normalized: "{}")

    private func importItems(_ count: Int, types: [String] = ["a"]) throws {
        let lines = (0..<count).map { i in
            #"{"id": "i\#(i)", "type": "\#(types[i % types.count])", "conversations": [{"from": "human", "value": "q\#(i)"}]}"#
        }
        try runImport([try sandbox.write("items.jsonl", lines.joined(separator: "\n"))])
    }

    /// Serves and labels items for `annotator` until none is left; returns their ids in order.
    private func gradeAll(_ annotator: String) throws -> [Int64] {
        let server = try ItemServer(store: store, annotator: annotator)
        let log = LabelLog(store: try store)
        var served: [Int64] = []
        while let next = try server.next() {
            served.append(next.id)
            try log.save(itemId: next.id, annotator: annotator, rubric: rubric, scores: #"{"q":1}"#, activeSeconds: 1)
            server.markLabeled(next.id)
            try server.release(next.id)
        }
        return served
    }

    func testSpreadOrderIsDeterministicAndInterleavesTypes() throws {
        let entries = (0..<9).map { SpreadOrder.Entry(id: Int64($0), group: "g\($0)", type: ["x", "y", "z"][$0 / 3]) }
        let order = SpreadOrder.order(entries, seed: 7)
        XCTAssertEqual(order, SpreadOrder.order(entries, seed: 7))
        XCTAssertEqual(Set(order), Set(0..<9))
        // Round robin over the three types: every window of three holds one of each.
        for start in stride(from: 0, to: 9, by: 3) {
            XCTAssertEqual(Set(order[start..<start + 3].map { $0 / 3 }), [0, 1, 2])
        }
        XCTAssertNotEqual(order, SpreadOrder.order(entries, seed: 8), "another seed shuffles the groups differently")
    }

    func testWithoutOverlapEachItemGoesToOnePerson() throws {
        try importItems(6)
        let ana = try gradeAll("ana")
        XCTAssertEqual(ana.count, 6)
        XCTAssertEqual(try gradeAll("ben"), [])
    }

    func testALeasedItemIsNotServedToSomeoneElse() throws {
        try importItems(2)
        let ana = try ItemServer(store: store, annotator: "ana")
        let ben = try ItemServer(store: store, annotator: "ben")
        let a = try XCTUnwrap(ana.next())
        let b = try XCTUnwrap(ben.next())
        XCTAssertNotEqual(a.id, b.id)
        XCTAssertNil(try ItemServer(store: store, annotator: "cy").next(), "both items are held")
        try ana.release(a.id)
        XCTAssertEqual(try ItemServer(store: store, annotator: "cy").next()?.id, a.id)
    }

    func testAnExpiredLeaseHoldsNothing() throws {
        try importItems(1)
        let ana = try ItemServer(store: store, annotator: "ana")
        ana.leaseSeconds = -1  // already expired when written
        XCTAssertNotNil(try ana.next())
        XCTAssertNotNil(try ItemServer(store: store, annotator: "ben").next())
    }

    func testOverlapItemsGoToMinAnnotatorsPeopleAndNoMore() throws {
        try importItems(40)
        _ = try Config(store: store).set("overlap", "0.5")
        _ = try Config(store: store).set("min_annotators", "2")
        let server = try ItemServer(store: store, annotator: "probe")
        let overlap = server.overlapItems
        XCTAssertGreaterThan(overlap.count, 8, "about half of 40 items")
        XCTAssertLessThan(overlap.count, 32)
        let ana = try gradeAll("ana")
        XCTAssertEqual(ana.count, 40)
        let ben = try gradeAll("ben")
        XCTAssertEqual(Set(ben), overlap, "the second person gets exactly the overlap sample")
        XCTAssertEqual(try gradeAll("cy"), [], "no item is served to more people than the policy asks")
    }

    func testTheOverlapSampleDependsOnTheSeedNotOnTheOrderOfImport() {
        let keys = (0..<2000).map { "k\($0)" }
        let sample = keys.filter { ItemServer.isInOverlapSample(key: $0, overlap: 0.1, seed: 0) }
        XCTAssertEqual(Double(sample.count) / 2000, 0.1, accuracy: 0.025)
        XCTAssertEqual(sample, keys.reversed().filter { ItemServer.isInOverlapSample(key: $0, overlap: 0.1, seed: 0) }.reversed())
        let other = keys.filter { ItemServer.isInOverlapSample(key: $0, overlap: 0.1, seed: 1) }
        XCTAssertNotEqual(sample, other)
        XCTAssertTrue(keys.allSatisfy { !ItemServer.isInOverlapSample(key: $0, overlap: 0, seed: 0) })
    }

    func testEveryServedItemRecordsWhyAndUnderWhichModel() throws {
        try importItems(3)
        let server = try ItemServer(store: store, annotator: "ana")
        let first = try XCTUnwrap(server.next())
        try server.skip(first.id)
        _ = try server.next()
        _ = try server.next()
        let again = try XCTUnwrap(server.next())
        XCTAssertEqual(again.id, first.id)
        let rows = try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT item_id, annotator, reason, model_version FROM serve_log ORDER BY id")
        }
        XCTAssertEqual(rows.map { $0["reason"] as String }, ["cold start", "cold start", "cold start", "skipped earlier"])
        XCTAssertEqual(rows.map { $0["annotator"] as String }, ["ana", "ana", "ana", "ana"])
        XCTAssertTrue(rows.allSatisfy { ($0["model_version"] as Int64?) == nil }, "no model at cold start")
        XCTAssertEqual(rows.first?["item_id"] as Int64?, first.id)
    }
}
