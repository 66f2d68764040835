import GRDB
import XCTest
import WinnowCore
@testable import WinnowTUI

/// A write that fails (here: a trigger that aborts every new label row, as a full disk or a lock held past
/// the busy timeout would) keeps the screen, the item and the values; the key can be retried.
final class LabelWriteFailureTests: XCTestCase {
    private func failWrites(_ fixture: LabelFixture, _ on: Bool) throws {
        let other = try DatabaseQueue(path: fixture.store.path)
        try other.write { db in
            if on {
                try db.execute(sql: "CREATE TRIGGER fail_writes BEFORE INSERT ON label_event BEGIN SELECT RAISE(ABORT, 'disk I/O error (injected)'); END")
            } else {
                try db.execute(sql: "DROP TRIGGER fail_writes")
            }
        }
    }

    func testAFailedSaveKeepsTheItemAndTheValuesAndEnterRetries() throws {
        let fixture = try LabelFixture()
        let screen = try fixture.controller()
        let first = try XCTUnwrap(screen.state.item?.key)
        try screen.type("41")
        try failWrites(fixture, true)
        XCTAssertTrue(try screen.press(.enter), "the session goes on")
        XCTAssertEqual(screen.state.item?.key, first)
        XCTAssertEqual(screen.state.values["correctness"], .number(4))
        XCTAssertEqual(screen.state.values["hallucination"], .flag(true))
        let message = try XCTUnwrap(screen.state.message)
        XCTAssertTrue(message.hasPrefix("Not saved: "), message)
        XCTAssertTrue(message.contains("disk I/O error (injected)"), message)
        XCTAssertTrue(message.contains("Enter tries again"), message)
        XCTAssertFalse(message.contains("INSERT"), "the cause, not the statement")
        XCTAssertTrue(screen.frame().text.contains("Not saved"))
        XCTAssertTrue(try fixture.events().isEmpty)
        XCTAssertEqual(screen.state.progress.session, 0)

        try failWrites(fixture, false)
        try screen.press(.enter)
        XCTAssertEqual(try fixture.labels()[first], #"{"correctness":4,"hallucination":true}"#)
        XCTAssertNotEqual(screen.state.item?.key, first)
        XCTAssertEqual(screen.state.message, "Saved \(first)")
    }

    func testAFailedEditInHistoryAndAFailedUndoKeepTheScreen() throws {
        let fixture = try LabelFixture()
        let screen = try fixture.controller()
        let first = try XCTUnwrap(screen.state.item?.key)
        try screen.type("30")
        try screen.press(.enter)
        try screen.press(.left)
        XCTAssertEqual(screen.state.item?.key, first)
        try screen.type("5")
        try failWrites(fixture, true)
        try screen.press(.enter)
        XCTAssertEqual(screen.state.item?.key, first)
        XCTAssertEqual(screen.state.values["correctness"], .number(5))
        XCTAssertTrue(screen.state.message?.hasPrefix("Not saved") ?? false)
        // Undo writes an undo row: it fails the same way and leaves the history as it was.
        try screen.press(.char("u"))
        XCTAssertTrue(screen.state.message?.hasPrefix("Not undone") ?? false, screen.state.message ?? "")
        XCTAssertEqual(screen.controller.history.count, 1, "a failed undo leaves the history as it was")
        XCTAssertEqual(screen.state.item?.key, first)
        try failWrites(fixture, false)
        try screen.press(.enter)
        XCTAssertEqual(try fixture.labels()[first], #"{"correctness":5,"hallucination":false}"#)
    }
}
