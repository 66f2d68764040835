import GRDB
import XCTest
@testable import WinnowCore
import WinnowTestSupport

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
        try server.waitForOrder()
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
        let overlap = Set(try store.pool.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM item") }.filter { try server.isOverlapItem($0) })
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
        try server.waitForOrder()
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

    /// Holds every background ordering of the servers made with `gate` until `open()`.
    private final class Gate: @unchecked Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var opened = false
        func wait() {
            if lock.withLock({ opened }) { return }
            semaphore.wait()
            semaphore.signal()
        }
        func open() {
            lock.withLock { opened = true }
            semaphore.signal()
        }
    }

    func testWhileTheQueueIsOrderedItemsAreDrawnAtRandomAndNeverTwice() throws {
        try importItems(30, types: ["a", "b", "c"])
        let gate = Gate()
        defer { gate.open() }
        let server = try ItemServer(store: store, annotator: "ana", beforeOrdering: gate.wait)
        server.orderingWait = 0
        let log = LabelLog(store: try store)
        var served: [Int64] = []
        for _ in 0..<5 {
            let next = try XCTUnwrap(server.next())
            XCTAssertEqual(next.reason, .whileOrdering)
            XCTAssertFalse(server.isOrdered)
            served.append(next.id)
            try log.save(itemId: next.id, annotator: "ana", rubric: rubric, scores: #"{"q":1}"#, activeSeconds: 1)
            server.markLabeled(next.id)
        }
        XCTAssertEqual(Set(served).count, 5, "no item twice")
        XCTAssertNotEqual(served, served.sorted(), "drawn at random, not in file order")
        let leased = try store.pool.read { db in try Int64.fetchAll(db, sql: "SELECT item_id FROM lease WHERE annotator = 'ana' ORDER BY item_id") }
        XCTAssertEqual(leased, served.sorted(), "each random pick is leased like any other")

        gate.open()
        try server.waitForOrder()
        XCTAssertTrue(server.isOrdered)
        while let next = try server.next() {
            XCTAssertEqual(next.reason.logName, "cold start")
            served.append(next.id)
            try log.save(itemId: next.id, annotator: "ana", rubric: rubric, scores: #"{"q":1}"#, activeSeconds: 1)
            server.markLabeled(next.id)
        }
        XCTAssertEqual(served.count, 30, "the order goes on with the items not yet served")
        XCTAssertEqual(Set(served).count, 30)
        let reasons = try store.pool.read { db in try String.fetchAll(db, sql: "SELECT reason FROM serve_log ORDER BY id") }
        XCTAssertEqual(Array(reasons.prefix(5)), [String](repeating: "random while ordering", count: 5))
    }

    func testTheRandomPicksAreTheSameForTheSameDatabaseAndAnnotator() throws {
        try importItems(50)
        let gate = Gate()
        defer { gate.open() }
        func picks(_ annotator: String) throws -> [Int64] {
            let server = try ItemServer(store: store, annotator: annotator, beforeOrdering: gate.wait)
            server.orderingWait = 0
            var ids: [Int64] = []
            for _ in 0..<3 {
                let next = try XCTUnwrap(server.next())
                ids.append(next.id)
                try server.release(next.id)
            }
            return ids
        }
        XCTAssertEqual(try picks("ana"), try picks("ana"))
    }

    func testASmallPoolIsServedInQueueOrderFromTheFirstItem() throws {
        try importItems(12)
        let server = try ItemServer(store: store, annotator: "ana")
        server.orderingWait = 60  // a bound, not a pause: the order of 12 items is ready long before
        let first = try XCTUnwrap(server.next())
        XCTAssertEqual(first.reason.logName, "cold start")
        XCTAssertTrue(server.isOrdered)
    }

    func testSaveAndNextCommitsTheLabelReleasesTheItemAndLeasesTheNextInOneGo() throws {
        try importItems(3)
        let server = try ItemServer(store: store, annotator: "ana")
        try server.waitForOrder()
        let first = try XCTUnwrap(server.next())
        let (event, next) = try server.saveAndNext(item: first.id) { db in
            try LabelLog.save(db, itemId: first.id, annotator: "ana", rubric: rubric, scores: #"{"q":2}"#, activeSeconds: 3)
        }
        let second = try XCTUnwrap(next)
        XCTAssertNotEqual(second.id, first.id)
        XCTAssertEqual(event.action, .save)
        let leases = try store.pool.read { db in try Int64.fetchAll(db, sql: "SELECT item_id FROM lease WHERE annotator = 'ana'") }
        XCTAssertEqual(leases, [second.id], "the saved item's lease is gone, the next one's is there")
        XCTAssertNotNil(try LabelLog(store: try store).current(itemId: first.id, annotator: "ana"))

        // A save that fails writes nothing: no label, the lease stays, no next item is taken.
        struct Refused: Error {}
        XCTAssertThrowsError(try server.saveAndNext(item: second.id) { _ -> Int in throw Refused() })
        let after = try store.pool.read { db in try Int64.fetchAll(db, sql: "SELECT item_id FROM lease WHERE annotator = 'ana'") }
        XCTAssertEqual(after, [second.id])
        XCTAssertNil(try LabelLog(store: try store).current(itemId: second.id, annotator: "ana"))
        // And the item is still the server's to serve: saving it for real then goes on to the third.
        let (_, third) = try server.saveAndNext(item: second.id) { db in
            try LabelLog.save(db, itemId: second.id, annotator: "ana", rubric: rubric, scores: #"{"q":2}"#, activeSeconds: 3)
        }
        XCTAssertNotNil(third)
        XCTAssertNotEqual(third?.id, second.id)
        XCTAssertNotEqual(third?.id, first.id)
    }

    func testATransactionThatFailsAfterTheNextItemWasPickedLeavesTheWalkWhereItWas() throws {
        try importItems(4)
        let server = try ItemServer(store: store, annotator: "ana")
        try server.waitForOrder()
        let first = try XCTUnwrap(server.next())
        // The serve log refuses, so the transaction fails after the walk has picked (and passed) an item.
        try store.pool.write { db in
            try db.execute(sql: "CREATE TEMP TRIGGER refuse_serve BEFORE INSERT ON serve_log BEGIN SELECT RAISE(ABORT, 'refused'); END")
        }
        XCTAssertThrowsError(try server.saveAndNext(item: first.id) { db in
            try LabelLog.save(db, itemId: first.id, annotator: "ana", rubric: rubric, scores: #"{"q":1}"#, activeSeconds: 1)
        })
        XCTAssertNil(try LabelLog(store: try store).current(itemId: first.id, annotator: "ana"), "nothing of it was written")
        try store.pool.write { db in try db.execute(sql: "DROP TRIGGER refuse_serve") }
        var served: [Int64] = [first.id]
        var current = first.id
        while true {
            let (_, next) = try server.saveAndNext(item: current) { db in
                try LabelLog.save(db, itemId: current, annotator: "ana", rubric: rubric, scores: #"{"q":1}"#, activeSeconds: 1)
            }
            guard let next else { break }
            served.append(next.id)
            current = next.id
        }
        XCTAssertEqual(served.count, 4, "no item was lost to the failed transaction")
        XCTAssertEqual(Set(served).count, 4)
    }

    func testANewModelIsOrderedInTheBackgroundWhileTheOldOrderServes() throws {
        let rubric = try TestRubric.rubric()
        let qualities = (0..<80).map { 1 + ($0 * 3) % 5 }
        let ids = try Synthetic.insert(qualities.enumerated().map { Synthetic.item($0.offset, quality: $0.element) }, into: store)
        try Synthetic.label((0..<30).map { (ids[$0], qualities[$0]) }, store: store, rubric: rubric)
        let gate = Gate()
        defer { gate.open() }
        let server = try ItemServer(store: store, annotator: "ana", beforeOrdering: gate.wait)
        server.orderingWait = 0
        gate.open()
        try server.waitForOrder()
        XCTAssertNil(server.modelVersion, "cold: no model yet")
        let cold = try XCTUnwrap(server.next())
        XCTAssertEqual(cold.reason.logName, "cold start")

        let version = try XCTUnwrap(RewardModel.refit(store: store, rubric: rubric))
        XCTAssertTrue(try server.refreshIfModelChanged(), "a new version starts a new ordering")
        XCTAssertFalse(try server.refreshIfModelChanged(), "once")
        try server.waitForOrder()
        XCTAssertEqual(server.modelVersion, version.id)
        let warm = try XCTUnwrap(server.next())
        guard case .queue(let entry) = warm.reason else { return XCTFail("served \(warm.reason)") }
        XCTAssertEqual(entry.modelVersion, version.id)
        XCTAssertNotNil(entry.uncertainty)
        XCTAssertNotEqual(warm.id, cold.id)
    }
}
