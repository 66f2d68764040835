import GRDB
import XCTest
@_spi(Testing) @testable import WinnowCore
import WinnowTestSupport

/// Control items: items with gold served to annotators, unmarked, in `control_fraction` of the
/// servings, and each annotator scored against the gold.
final class ControlItemTests: CoreTestCase {
    private func setUpGold() throws -> (rubric: Rubric, ids: [Int64]) {
        let rubric = try TestRubric.rubric()
        let ids = try makeItems(["a", "b", "c", "d", "e", "f"])
        for id in ids.prefix(2) {
            let scores = LabelLog.scoresJSON(["quality": .number(4), "hallucination": .flag(false)], rubric: rubric)
            try LabelLog(store: store).saveGold(itemId: id, lead: "lee", rubric: StoredRubric(rubric), scores: scores, activeSeconds: 1)
        }
        return (rubric, ids)
    }

    /// Serves `annotator` until nothing is left, labeling each with quality `q`; returns (id, reason) in order.
    private func grade(_ annotator: String, quality q: Int, rubric: Rubric) throws -> [(Int64, ServeReason)] {
        let server = try ItemServer(store: store, annotator: annotator)
        try server.waitForOrder()
        var served: [(Int64, ServeReason)] = []
        while let next = try server.next() {
            served.append((next.id, next.reason))
            let scores = LabelLog.scoresJSON(["quality": .number(Double(q)), "hallucination": .flag(false)], rubric: rubric)
            try LabelLog(store: store).save(itemId: next.id, annotator: annotator, rubric: StoredRubric(rubric), scores: scores, activeSeconds: 1)
            server.markLabeled(next.id)
            try server.release(next.id)
            if served.count > 20 { break }
        }
        return served
    }

    func testWithoutAControlFractionItemsWithGoldAreNeverServed() throws {
        let (rubric, ids) = try setUpGold()
        let served = try grade("ann", quality: 3, rubric: rubric)
        XCTAssertEqual(Set(served.map(\.0)), Set(ids.dropFirst(2)))
    }

    func testControlItemsAreServedUnmarkedAndScoredAgainstGold() throws {
        let (rubric, ids) = try setUpGold()
        _ = try Config(store: store).set("control_fraction", "1")
        let served = try grade("ann", quality: 3, rubric: rubric)
        // Every item once: the two with gold first (a control in every serving while there are any).
        XCTAssertEqual(served.count, ids.count)
        XCTAssertEqual(Set(served.prefix(2).map(\.0)), Set(ids.prefix(2)))
        XCTAssertEqual(served.prefix(2).map(\.1), [.control, .control])
        XCTAssertEqual(ServeReason.control.text, "explore: random pick", "the screen does not say it is a control")
        let logged = try store.testRead { db in try String.fetchAll(db, sql: "SELECT reason FROM serve_log ORDER BY id LIMIT 2") }
        XCTAssertEqual(logged, ["control", "control"])
        // The lead who set the gold is never served their own gold as a control.
        XCTAssertTrue(try grade("lee", quality: 4, rubric: rubric).allSatisfy { $0.1 != .control })

        // ann said 3 where gold says 4: agreement with gold 0, below control_min_agreement.
        let labels = try LabelLog(store: store).agreementLabels(rubric: rubric)
        let report = AgreementReport.make(labels: labels, rubric: rubric, options: AgreementOptions(
            criterion: "quality", byAnnotator: true, controlMinAgreement: try Config(store: store).double(.controlMinAgreement)))
        let ann = try XCTUnwrap(report.criteria.first?.annotators?.first { $0.annotator == "ann" })
        XCTAssertEqual(ann.gold.n, 2)
        XCTAssertEqual(ann.gold.agreement, 0)
        XCTAssertEqual(ann.gold.belowMinimum, true)
    }

    func testAShareOfServingsAreControls() throws {
        let rubric = try TestRubric.rubric()
        let ids = try makeItems((0..<60).map { "k\($0)" })
        for id in ids.prefix(30) {
            let scores = LabelLog.scoresJSON(["quality": .number(4), "hallucination": .flag(false)], rubric: rubric)
            try LabelLog(store: store).saveGold(itemId: id, lead: "lee", rubric: StoredRubric(rubric), scores: scores, activeSeconds: 1)
        }
        _ = try Config(store: store).set("control_fraction", "0.2")
        let served = try grade("ann", quality: 4, rubric: rubric).prefix(20)
        let controls = served.filter { $0.1 == .control }.count
        // 20 servings at 0.2: a seeded draw, so a fixed count; neither none nor all.
        XCTAssertGreaterThan(controls, 0)
        XCTAssertLessThan(controls, 10)
    }
}

/// A restart resumes on the item the annotator was on, also when it is an overlap item someone else
/// labeled meanwhile.
final class ResumeTests: CoreTestCase {
    func testAnOverlapItemLabeledByAnotherIsStillResumed() throws {
        let rubric = try TestRubric.rubric()
        _ = try makeItems(["a", "b", "c"])
        _ = try Config(store: store).set("overlap", "1")
        let ann = try ItemServer(store: store, annotator: "ann")
        try ann.waitForOrder()
        let onScreen = try XCTUnwrap(try ann.next()).id
        let scores = LabelLog.scoresJSON(["quality": .number(3), "hallucination": .flag(false)], rubric: rubric)
        try LabelLog(store: store).save(itemId: onScreen, annotator: "ben", rubric: StoredRubric(rubric), scores: scores, activeSeconds: 1)
        let again = try ItemServer(store: store, annotator: "ann")
        XCTAssertEqual(try again.resumable(), onScreen)
        XCTAssertTrue(try again.lease(onScreen, served: .resumed))
        // Without overlap the item is ben's now: not resumed.
        _ = try Config(store: store).set("overlap", "0")
        XCTAssertFalse(try ItemServer(store: store, annotator: "ann").lease(onScreen, served: .resumed))
    }
}
