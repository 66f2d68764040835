import Foundation
import WinnowCore
@testable import WinnowTUI
import XCTest

/// The agreement dashboard, headless: its table from a real label log, the criterion chosen with the
/// arrows, and a refresh when labels arrive without a key press.
final class DashboardScreenTests: XCTestCase {
    private var fixture: LabelFixture!

    override func setUpWithError() throws { fixture = try LabelFixture() }
    override func tearDown() { fixture = nil }

    private func annotate(_ key: String, _ who: String, _ c: Int, _ h: Bool) throws {
        let id = try XCTUnwrap(fixture.store.item(key: key)?.id)
        let scores = LabelLog.scoresJSON(["correctness": .number(Double(c)), "hallucination": .flag(h)], rubric: fixture.rubric)
        try LabelLog(store: fixture.store).save(itemId: id, annotator: who, rubric: StoredRubric(fixture.rubric), scores: scores, activeSeconds: 5)
    }

    private func text(_ grid: Grid) -> String { (0..<grid.height).map { grid.row($0) }.joined(separator: "\n") }

    func testShowsAlphaWithItsVerdictPerCriterionAndTheChosenCriterionsAnnotators() throws {
        for (key, a, b) in [("item1", 5, 5), ("item2", 1, 1), ("item3", 3, 3), ("item4", 2, 2)] {
            try annotate(key, "ann", a, false)
            try annotate(key, "ben", b, key == "item1")
        }
        let dashboard = try DashboardScreen(store: fixture.store, rubric: fixture.rubric, now: { self.fixture.clock })
        try dashboard.start()
        let app = AppLoop(root: dashboard, now: { self.fixture.clock })
        app.resize(width: 120, height: 40)
        let screen = text(app.frame())
        XCTAssertTrue(screen.contains("agreement test-rubric v1"), screen)
        XCTAssertTrue(screen.contains("8 labels by 2 annotators"), screen)
        let correctness = try XCTUnwrap(screen.split(separator: "\n").first { $0.contains("▸ correctness") })
        XCTAssertTrue(correctness.contains("1.000") && correctness.trimmingCharacters(in: .whitespaces).hasSuffix("good"), String(correctness))
        let hallucination = try XCTUnwrap(screen.split(separator: "\n").first { $0.contains("  hallucination") })
        XCTAssertTrue(hallucination.contains("too low"), String(hallucination))
        XCTAssertTrue(screen.contains("correctness: each annotator against the others and against gold"), screen)
        XCTAssertTrue(screen.contains("correctness: drift by ISO week"), screen)
        try app.send(.right)
        XCTAssertTrue(text(app.frame()).contains("hallucination: each annotator against the others"))
        // q closes it.
        XCTAssertFalse(try app.send(.char("q")))
    }

    func testRefreshesWhenLabelsArrive() throws {
        try annotate("item1", "ann", 5, false)
        let dashboard = try DashboardScreen(store: fixture.store, rubric: fixture.rubric, now: { self.fixture.clock })
        try dashboard.start()
        let app = AppLoop(root: dashboard, now: { self.fixture.clock })
        app.resize(width: 120, height: 40)
        XCTAssertTrue(text(app.frame()).contains("No item has labels from two annotators yet"))
        try annotate("item1", "ben", 5, false)
        try annotate("item2", "ann", 2, false)
        try annotate("item2", "ben", 4, false)
        // Ticks start the recomputation in the background and pick it up when it is done.
        let deadline = Date().addingTimeInterval(30)
        while dashboard.snapshot?.labels != 4 && Date() < deadline { try app.tick() }
        XCTAssertEqual(dashboard.snapshot?.labels, 4)
        XCTAssertTrue(text(app.frame()).contains("4 labels by 2 annotators"))
    }
}
