import XCTest
import WinnowCore
@testable import WinnowTUI

/// History, undo and detours as a value, without a database.
final class SessionHistoryTests: XCTestCase {
    private func queue(_ item: Int64) -> SessionHistory.OnScreen { .init(item: item, reason: .resumed, editing: false) }
    private func saved(_ item: Int64) -> SessionHistory.OnScreen { .init(item: item, reason: .history, editing: true) }

    func testSavesFromTheQueueGoToTheQueueAndAreRecordedOnce() {
        var h = SessionHistory()
        XCTAssertTrue(h.saveGoesToQueue)
        XCTAssertEqual(h.saved(item: 1, event: 10), .queue)
        XCTAssertEqual(h.saved(item: 2, event: 11), .queue)
        XCTAssertEqual(h.entries.map(\.item), [1, 2])
        XCTAssertNil(h.position)
    }

    func testWalkingBackShowsSavedItemsAndEnterMovesOnThroughHistory() {
        var h = SessionHistory()
        for i in Int64(1)...3 { _ = h.saved(item: i, event: 10 + i) }
        XCTAssertEqual(h.walk(by: -1, onScreen: queue(4)), .saved(3))
        XCTAssertEqual(h.parked, .init(item: 4, reason: .resumed), "the queue's item is kept to come back to")
        XCTAssertEqual(h.walk(by: -1, onScreen: saved(3)), .saved(2))
        XCTAssertFalse(h.saveGoesToQueue, "Enter in history moves forward through it")
        XCTAssertEqual(h.saved(item: 2, event: 20), .saved(3), "an edit moves on to the next entry")
        XCTAssertEqual(h.entries.map(\.event), [11, 20, 13], "the entry keeps its latest log row")
        XCTAssertEqual(h.saved(item: 3, event: 21), .resume, "after the newest entry: back to the parked item")
        XCTAssertEqual(h.takeParked()?.item, 4)
        XCTAssertNil(h.takeParked())
    }

    func testTheEdgesOfHistorySaySo() {
        var h = SessionHistory()
        XCTAssertEqual(h.walk(by: -1, onScreen: queue(1)), .message("No saves yet"))
        XCTAssertEqual(h.walk(by: 1, onScreen: queue(1)), .message("This is the queue's next item; ← walks your labels, newest first"))
        _ = h.saved(item: 1, event: 10)
        XCTAssertEqual(h.walk(by: -1, onScreen: queue(2)), .saved(1))
        XCTAssertEqual(h.walk(by: -1, onScreen: saved(1)), .message("This is your oldest label"))
        XCTAssertEqual(h.walk(by: 1, onScreen: saved(1)), .resume)
        XCTAssertNil(h.position)
    }

    func testUndoTakesTheLastSaveAndParksTheQueueItemOnce() {
        var h = SessionHistory()
        _ = h.saved(item: 1, event: 10)
        _ = h.saved(item: 2, event: 11)
        XCTAssertEqual(h.undo(onScreen: queue(3))?.item, 2)
        XCTAssertEqual(h.parked?.item, 3)
        // Undoing again from the undone item (not editing, but a detour already parked) keeps item 3.
        XCTAssertEqual(h.undo(onScreen: .init(item: 2, reason: .undone, editing: false))?.item, 1)
        XCTAssertEqual(h.parked?.item, 3)
        XCTAssertNil(h.undo(onScreen: queue(1)))
        XCTAssertFalse(h.saveGoesToQueue, "the parked item comes back before the queue's next")
        XCTAssertEqual(h.saved(item: 1, event: 12), .resume)
    }

    func testAJumpParksTheQueueItemUnlessItIsTheTarget() {
        var h = SessionHistory()
        h.jump(to: 5, onScreen: queue(5))
        XCTAssertNil(h.parked)
        h.jump(to: 7, onScreen: queue(5))
        XCTAssertEqual(h.parked?.item, 5)
        h.jump(to: 9, onScreen: .init(item: 7, reason: .jumped, editing: false))
        XCTAssertEqual(h.parked?.item, 5, "a detour from a detour keeps the first parked item")
    }
}
