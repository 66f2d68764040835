import XCTest
import WinnowCore
@testable import WinnowTUI

/// Drafts and the whole history: values set but not saved come back in the next session, marked
/// unsaved and never counted as labels; ← walks every label of the annotator, newest first.
final class LabelDraftTests: XCTestCase {
    func testValuesSetButNotSavedComeBackInTheNextSessionMarkedUnsaved() throws {
        let fixture = try LabelFixture()
        let first = try fixture.controller()
        let key = try XCTUnwrap(first.state.item?.key)
        try first.type("5")
        try first.press(.char("f"))
        XCTAssertTrue(first.state.unsaved)
        try first.press(.char("k"))  // no message: the status line shows
        XCTAssertTrue(first.frame().text.contains("unsaved (kept as a draft): Enter saves"))
        // Written as typed: the draft is in the file before any quit.
        let drafts = try Draft.all(store: fixture.store)
        XCTAssertEqual(drafts.map(\.scores), [#"{"correctness":5}"#])
        XCTAssertEqual(drafts.first?.flag, true)
        XCTAssertFalse(try first.press(.char("q")))
        XCTAssertTrue(try fixture.events().isEmpty, "a draft is never a label")

        let second = try fixture.controller()
        XCTAssertEqual(second.state.item?.key, key, "resumed on the item")
        XCTAssertEqual(second.state.values, ["correctness": .number(5)])
        XCTAssertTrue(second.state.flag)
        XCTAssertTrue(second.state.unsaved)
        XCTAssertTrue(second.state.message?.contains("unsaved values of \(key) are back") ?? false, second.state.message ?? "")
        XCTAssertEqual(second.state.focusedCriterion?.id, "hallucination", "on where the expert stopped")
        try second.type("0")
        try second.press(.enter)
        XCTAssertEqual(try fixture.labels()[key], #"{"correctness":5,"hallucination":false}"#)
        XCTAssertTrue(try Draft.all(store: fixture.store).isEmpty, "the save took the draft with it")
        XCTAssertFalse(second.state.unsaved)
    }

    func testClearingEveryValueDeletesTheDraftAndAnEditBackToTheSavedValuesIsNotADraft() throws {
        let fixture = try LabelFixture()
        let screen = try fixture.controller()
        try screen.type("3")
        XCTAssertEqual(try Draft.all(store: fixture.store).count, 1)
        try screen.press(.up, .backspace)
        XCTAssertTrue(try Draft.all(store: fixture.store).isEmpty)
        XCTAssertFalse(screen.state.unsaved)
        try screen.type("30")
        try screen.press(.enter)
        try screen.press(.left)
        XCTAssertTrue(screen.state.editing)
        try screen.type("4")
        XCTAssertTrue(screen.state.unsaved)
        XCTAssertEqual(try Draft.all(store: fixture.store).count, 1)
        try screen.press(.up)
        try screen.type("3")
        XCTAssertFalse(screen.state.unsaved, "back to the saved values")
        XCTAssertTrue(try Draft.all(store: fixture.store).isEmpty)
    }

    func testHistoryWalksEveryLabelOfEarlierSessionsAndUndoStaysInThisOne() throws {
        let fixture = try LabelFixture()
        let first = try fixture.controller()
        var saved: [String] = []
        for _ in 0..<2 {
            saved.append(try XCTUnwrap(first.state.item?.key))
            try first.type("40")
            try first.press(.enter)
        }
        let second = try fixture.controller()
        XCTAssertEqual(second.state.progress.session, 0)
        try second.press(.char("u"))
        XCTAssertTrue(second.state.message?.hasPrefix("Nothing to undo in this session") ?? false)
        try second.press(.left)
        XCTAssertEqual(second.state.item?.key, saved[1], "newest first")
        XCTAssertTrue(second.state.editing)
        try second.press(.left)
        XCTAssertEqual(second.state.item?.key, saved[0])
        try second.press(.left)
        XCTAssertEqual(second.state.message, "This is your oldest label")
        try second.press(.right, .right)
        XCTAssertFalse(second.state.editing, "back on the queue's item")
    }

    func testRightAfterAJumpGoesBackToTheQueue() throws {
        let fixture = try LabelFixture()
        let screen = try fixture.controller()
        let queueItem = try XCTUnwrap(screen.state.item?.key)
        let other = queueItem == "item4" ? "item3" : "item4"
        try screen.press(.char("g"))
        try screen.type(other)
        try screen.press(.enter)
        XCTAssertEqual(screen.state.item?.key, other)
        try screen.press(.right)
        XCTAssertEqual(screen.state.item?.key, queueItem)
    }
}
