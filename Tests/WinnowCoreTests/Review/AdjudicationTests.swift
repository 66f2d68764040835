@_spi(Testing) import WinnowCore
import WinnowTestSupport
import XCTest

/// Gold in the label log: a lead's save replaces the item's other gold, unanimous items are accepted
/// once, and the queue built from the store agrees with the pure one.
final class AdjudicationTests: CoreTestCase {
    private func annotate(_ id: Int64, _ who: String, quality: Int, flag: Bool = false, note: String? = nil, rubric: Rubric) throws {
        let scores = LabelLog.scoresJSON(["quality": .number(Double(quality)), "hallucination": .flag(false)], rubric: rubric)
        try LabelLog(store: store).save(itemId: id, annotator: who, rubric: StoredRubric(rubric), scores: scores, activeSeconds: 7,
                                        note: note, flag: flag)
    }

    func testUnanimousItemsAreAcceptedOnceAndMarkedAutomatic() throws {
        let rubric = try TestRubric.rubric()
        let ids = try makeItems(["a", "b", "c"])
        try annotate(ids[0], "ann", quality: 4, rubric: rubric)
        try annotate(ids[0], "ben", quality: 4, rubric: rubric)
        try annotate(ids[1], "ann", quality: 2, rubric: rubric)
        try annotate(ids[1], "ben", quality: 5, rubric: rubric)
        try annotate(ids[2], "ann", quality: 3, rubric: rubric)

        let first = try Review.load(store: store, rubric: rubric, autoAccept: true)
        XCTAssertEqual(first.acceptedNow, 1)
        XCTAssertEqual(first.queue.entries.map(\.itemKey), ["b"])
        XCTAssertEqual(first.queue.settledAutomatically, 1)
        let gold = try LabelLog(store: store).currentLabels().filter { $0.event.role == .gold }
        XCTAssertEqual(gold.map(\.itemKey), ["a"])
        XCTAssertEqual(gold.first?.event.annotator, Adjudication.automaticAnnotator)
        XCTAssertEqual(gold.first?.event.source, Adjudication.unanimousSource)
        XCTAssertEqual(gold.first?.event.scores, #"{"quality":4,"hallucination":false}"#)
        // Loading again accepts nothing new; without automatic acceptance nothing is written at all.
        let events = try store.labelEvents().count
        XCTAssertEqual(try Review.load(store: store, rubric: rubric, autoAccept: true).acceptedNow, 0)
        XCTAssertEqual(try store.labelEvents().count, events)
        XCTAssertEqual(try Review.load(store: store, rubric: rubric, autoAccept: false).queue.settled, 1)
    }

    func testALeadsGoldReplacesTheAutomaticAcceptanceInOneTransaction() throws {
        let rubric = try TestRubric.rubric()
        let ids = try makeItems(["a"])
        try annotate(ids[0], "ann", quality: 4, rubric: rubric)
        try annotate(ids[0], "ben", quality: 4, rubric: rubric)
        _ = try Review.load(store: store, rubric: rubric, autoAccept: true)
        let scores = LabelLog.scoresJSON(["quality": .number(2), "hallucination": .flag(true)], rubric: rubric)
        let (event, replaced) = try LabelLog(store: store).saveGold(itemId: ids[0], lead: "lee", rubric: StoredRubric(rubric),
                                                                     scores: scores, activeSeconds: 3)
        XCTAssertEqual(event.role, .gold)
        XCTAssertEqual(replaced.map(\.annotator), [Adjudication.automaticAnnotator])
        let gold = try LabelLog(store: store).currentLabels().filter { $0.event.role == .gold }
        XCTAssertEqual(gold.map(\.event.annotator), ["lee"], "one gold label per item")
        XCTAssertEqual(gold.first?.event.scores, scores)
        // The gold counts as the item's target for the model (gold before the annotators' mean).
        let labels = try store.testRead { db in try Targets.labels(db, rubric: rubric, useImported: false).labels }
        XCTAssertEqual(Targets.compute(labels: labels, rubric: rubric)[ids[0]]?.criteria["quality"], .number(2))
    }

    func testAFilterNamingNothingIsAnError() throws {
        let rubric = try TestRubric.rubric()
        let ids = try makeItems(["a"])
        try annotate(ids[0], "ann", quality: 4, rubric: rubric)
        XCTAssertThrowsError(try Review.load(store: store, rubric: rubric, filter: .init(annotator: "nobody"), autoAccept: false)) {
            XCTAssertEqual("\($0)", "no annotator 'nobody' has labels under rubric test-rubric (annotators: ann)")
        }
        XCTAssertThrowsError(try Review.load(store: store, rubric: rubric, filter: .init(criterion: "nope"), autoAccept: false)) {
            XCTAssertEqual("\($0)", "no criterion 'nope' in rubric test-rubric (quality, hallucination, tone)")
        }
    }

    func testFlaggedLabelsAreListedWithTheirNotes() throws {
        let rubric = try TestRubric.rubric()
        let ids = try makeItems(["a", "b"])
        try annotate(ids[0], "ann", quality: 4, flag: true, note: "blurry", rubric: rubric)
        try annotate(ids[1], "ann", quality: 4, rubric: rubric)
        let flagged = try LabelLog(store: store).flaggedLabels()
        XCTAssertEqual(flagged.map(\.itemKey), ["a"])
        XCTAssertEqual(flagged.first?.event.note, "blurry")
    }
}
