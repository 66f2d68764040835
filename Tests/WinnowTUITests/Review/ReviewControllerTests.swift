import Foundation
import WinnowCore
@testable import WinnowTUI
import XCTest

/// The lead's review screen, headless: frames rendered to grids, keys through the app loop, gold in
/// the SQLite label log.
final class ReviewControllerTests: XCTestCase {
    private var fixture: LabelFixture!

    override func setUpWithError() throws {
        fixture = try LabelFixture()
    }

    override func tearDown() { fixture = nil }

    private func id(_ key: String) throws -> Int64 { try XCTUnwrap(fixture.store.item(key: key)?.id) }

    /// An annotator's label: correctness `c`, hallucination `h`.
    private func annotate(_ key: String, _ who: String, _ c: Int, _ h: Bool, flag: Bool = false, note: String? = nil) throws {
        let scores = LabelLog.scoresJSON(["correctness": .number(Double(c)), "hallucination": .flag(h)], rubric: fixture.rubric)
        try LabelLog(store: fixture.store).save(itemId: try id(key), annotator: who, rubric: StoredRubric(fixture.rubric), scores: scores,
                                                activeSeconds: 12, note: note, flag: flag)
    }

    private func review(lead: String = "lee") throws -> (AppLoop, ReviewController) {
        let controller = try ReviewController(store: fixture.store, rubric: fixture.rubric, lead: lead, imagesDirectory: fixture.directory.path,
                                              colorMode: .none, now: { self.fixture.clock })
        try controller.start()
        let app = AppLoop(root: controller, now: { self.fixture.clock })
        app.resize(width: 120, height: 40)
        return (app, controller)
    }

    private func text(_ grid: Grid) -> String { (0..<grid.height).map { grid.row($0) }.joined(separator: "\n") }

    private func gold() throws -> [String: LabelEvent] {
        var result: [String: LabelEvent] = [:]
        for label in try LabelLog(store: fixture.store).currentLabels() where label.event.role == .gold { result[label.itemKey] = label.event }
        return result
    }

    func testTheScreenShowsEachAnnotatorsValuesAndSavesGoldForTheDisputedCriterion() throws {
        try annotate("item1", "ann", 5, false)
        try annotate("item1", "ben", 2, false, note: "the answer is wrong")
        try annotate("item2", "ann", 3, true)
        try annotate("item2", "ben", 3, true)  // unanimous: accepted automatically
        let (app, controller) = try review()
        let screen = text(app.frame())
        XCTAssertTrue(screen.contains("review test-rubric v1"), screen)
        XCTAssertTrue(screen.contains("1 to settle"), screen)
        XCTAssertTrue(screen.contains("gold 1 (1 auto)"), screen)
        XCTAssertTrue(screen.contains("disagree 0.75 on Correctness"), screen)
        XCTAssertTrue(screen.contains("Correctness * disputed  ann 5  ben 2"), screen)
        XCTAssertTrue(screen.contains("Hallucination  ann no  ben no"), screen)
        XCTAssertTrue(screen.contains("ben 12s “the answer is wrong”"), screen)
        XCTAssertTrue(screen.contains("Accepted 1 item on which every annotator agrees as gold"), screen)
        XCTAssertEqual(try gold()["item2"]?.source, Adjudication.unanimousSource)
        // Focus starts on the disputed criterion; the agreed one is filled in. Typing 4 and Enter saves gold.
        XCTAssertEqual(controller.state.grading.focusedCriterion?.id, "correctness")
        XCTAssertEqual(controller.state.grading.values, ["hallucination": .flag(false)])
        try app.send(.char("4"))
        try app.send(.enter)
        let saved = try XCTUnwrap(try gold()["item1"])
        XCTAssertEqual(saved.annotator, "lee")
        XCTAssertEqual(saved.role, .gold)
        XCTAssertEqual(saved.scores, #"{"correctness":4,"hallucination":false}"#)
        let after = text(app.frame())
        XCTAssertTrue(after.contains("Gold saved for item1"), after)
        XCTAssertTrue(after.contains("Nothing to review for lee."), after)
        XCTAssertTrue(after.contains("gold 2 (1 auto)"), after)
    }

    func testUndoTakesTheGoldBackAndHistoryEditsIt() throws {
        try annotate("item1", "ann", 5, false)
        try annotate("item1", "ben", 1, false)
        try annotate("item2", "ann", 4, false)
        try annotate("item2", "ben", 3, false)
        let (app, controller) = try review()
        XCTAssertEqual(controller.state.entry?.itemKey, "item1", "the larger disagreement first")
        try app.send(.char("3"))
        try app.send(.enter)
        XCTAssertEqual(controller.state.entry?.itemKey, "item2")
        // ← goes back to the saved gold, for an edit.
        try app.send(.left)
        XCTAssertEqual(controller.state.entry?.itemKey, "item1")
        XCTAssertTrue(controller.state.grading.editing)
        XCTAssertEqual(controller.state.grading.values["correctness"], .number(3))
        try app.send(.char("2"))
        try app.send(.enter)
        XCTAssertEqual(try gold()["item1"]?.scores, #"{"correctness":2,"hallucination":false}"#)
        XCTAssertEqual(try gold()["item1"]?.action, .edit)
        XCTAssertEqual(controller.state.entry?.itemKey, "item2", "back to the queue's item")
        // u takes the last gold row (the edit) back, so the first gold stands again; its item is shown with
        // the edited values, unsaved.
        try app.send(.char("u"))
        XCTAssertEqual(try gold()["item1"]?.scores, #"{"correctness":3,"hallucination":false}"#)
        XCTAssertEqual(controller.state.entry?.itemKey, "item1")
        XCTAssertEqual(controller.state.grading.values["correctness"], .number(2))
        XCTAssertTrue(text(app.frame()).contains("Undid the gold of item1"))
    }

    func testGoldCannotBeSavedWithADisputedCriterionLeftEmpty() throws {
        try annotate("item1", "ann", 5, false)
        try annotate("item1", "ben", 2, true)
        let (app, controller) = try review()
        try app.send(.enter)
        XCTAssertTrue(try gold().isEmpty)
        XCTAssertEqual(controller.state.grading.missing, ["correctness", "hallucination"])
        XCTAssertTrue(text(app.frame()).contains("Not saved: gold needs Correctness, Hallucination"))
    }

    func testSkipSendsAnItemToTheEndAndTheFilterNarrowsTheQueue() throws {
        try annotate("item1", "ann", 5, false)
        try annotate("item1", "ben", 1, false)
        try annotate("item2", "ann", 4, false)
        try annotate("item2", "cat", 3, false)
        let (app, controller) = try review()
        XCTAssertEqual(controller.queue.map(\.itemKey), ["item1", "item2"])
        try app.send(.char("s"))
        XCTAssertEqual(controller.state.entry?.itemKey, "item2")
        XCTAssertEqual(controller.queue.map(\.itemKey), ["item2", "item1"])
        // f opens a chooser; typing filters it, Enter picks "annotator: cat".
        try app.send(.char("f"))
        for c in "annotator: cat" { try app.send(.char(c)) }
        try app.send(.enter)
        XCTAssertEqual(controller.state.filter, .init(annotator: "cat"))
        XCTAssertEqual(controller.queue.map(\.itemKey), ["item2"])
        XCTAssertTrue(text(app.frame()).contains("filter: annotator cat"))
    }

    func testNewLabelsFromOthersReachTheQueueWithoutAKey() throws {
        let (app, controller) = try review()
        XCTAssertNil(controller.state.entry)
        XCTAssertTrue(text(app.frame()).contains("Nothing to review for lee."))
        try annotate("item3", "ann", 1, false)
        try annotate("item3", "ben", 5, false)
        fixture.clock += 3
        try app.tick()  // starts the reload in the background
        try controller.waitForBackgroundLoad()
        XCTAssertEqual(controller.state.entry?.itemKey, "item3")
        XCTAssertTrue(text(app.frame()).contains("1 to settle"))
    }

    func testABackgroundLoadOvertakenByASaveDoesNotBringTheSettledItemBack() throws {
        try annotate("item1", "ann", 5, false)
        try annotate("item1", "ben", 1, false)
        try annotate("item2", "ann", 4, false)
        try annotate("item2", "ben", 3, false)
        let (app, controller) = try review()
        // A load read before the save (as a background load can be) arrives after it.
        let stale = try Review.load(store: fixture.store, rubric: fixture.rubric, autoAccept: false)
        try app.send(.char("3"))
        try app.send(.enter)
        controller.adopt(stale)
        XCTAssertFalse(controller.queue.contains { $0.itemKey == "item1" }, "\(controller.queue.map(\.itemKey))")
        XCTAssertEqual(controller.state.counts.settled, 1)
    }

    func testTheReviewKeysAreAllReservedFromRubrics() {
        XCTAssertTrue(ReviewScreen.keys.characterKeys.isSubset(of: KeyBinding.reserved),
                      "\(ReviewScreen.keys.characterKeys.subtracting(KeyBinding.reserved))")
        XCTAssertTrue(ReviewScreen.keys.duplicateKeys.isEmpty)
    }
}
