import Foundation
import GRDB
import XCTest
@testable import WinnowCore
import WinnowTestSupport

final class LabelLogTests: CoreTestCase {
    private var rubric: Rubric!
    private var stored: StoredRubric!
    private var log: LabelLog!

    override func setUpWithError() throws {
        try super.setUpWithError()
        rubric = try TestRubric.rubric()
        stored = StoredRubric(rubric)
        log = LabelLog(store: try store)
    }

    private func actions() throws -> [String] {
        try store.labelEvents().map(\.action.rawValue)
    }

    func testSaveThenEditThenUndoFallsBackStepByStep() throws {
        let itemId = try makeItems(["a"])[0]
        let saved = try log.save(itemId: itemId, annotator: "ann", rubric: stored, scores: #"{"quality":3,"hallucination":false}"#, activeSeconds: 5)
        XCTAssertEqual(saved.action, .save)
        let edited = try log.save(itemId: itemId, annotator: "ann", rubric: stored, scores: #"{"quality":4,"hallucination":false}"#, activeSeconds: 2)
        XCTAssertEqual(edited.action, .edit)
        XCTAssertEqual(try log.current(itemId: itemId, annotator: "ann")?.scores, #"{"quality":4,"hallucination":false}"#)

        let undoEdit = try log.undo(edited)
        XCTAssertEqual(undoEdit.action, .undo)
        XCTAssertEqual(undoEdit.undoes, edited.id)
        XCTAssertNil(undoEdit.scores)
        let current = try XCTUnwrap(log.current(itemId: itemId, annotator: "ann"))
        XCTAssertEqual(current.id, saved.id)
        XCTAssertEqual(current.scores, #"{"quality":3,"hallucination":false}"#)
        XCTAssertEqual(current.activeSeconds, 5)

        try log.undo(saved)
        XCTAssertNil(try log.current(itemId: itemId, annotator: "ann"))
        XCTAssertEqual(try actions(), ["save", "edit", "undo", "undo"], "every step is a new row")
        XCTAssertEqual(try log.currentLabels(), [])
    }

    func testStandingEventsNameExactlyWhoHasACurrentLabel() throws {
        let ids = try Synthetic.insert((0..<12).map { Synthetic.item($0, quality: 3) }, into: store)
        var generator = SeededGenerator(seed: 11)
        var events: [LabelEvent] = []
        // Saves, edits and undos (of saves and of edits) in a seeded mix, by three people in two roles.
        for _ in 0..<300 {
            let choice = generator.next() % 10
            if choice < 3, let target = events.filter({ $0.action != .undo }).randomElement(using: &generator) {
                events.append(try log.undo(target))
                continue
            }
            let id = ids[Int(generator.next() % UInt64(ids.count))]
            let who = ["ana", "ben", "cy"][Int(generator.next() % 3)]
            let role: LabelRole = generator.next() % 4 == 0 ? .gold : .annotator
            events.append(try log.save(itemId: id, annotator: who, role: role, rubric: stored, scores: #"{"quality":1}"#, activeSeconds: 1))
        }
        let viaView = try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT DISTINCT item_id, annotator, role FROM current_label ORDER BY 1, 2, 3").map { "\($0[0] as Int64) \($0[1] as String) \($0[2] as String)" }
        }
        let viaStanding = try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT DISTINCT item_id, annotator, role FROM (\(LabelLog.standingEvents)) ORDER BY 1, 2, 3").map { "\($0[0] as Int64) \($0[1] as String) \($0[2] as String)" }
        }
        XCTAssertGreaterThan(try actions().filter { $0 == "undo" }.count, 30)
        XCTAssertEqual(viaStanding, viaView)
    }

    func testSavingAfterEverythingWasUndoneIsASaveAgain() throws {
        let itemId = try makeItems(["a"])[0]
        let first = try log.save(itemId: itemId, annotator: "ann", rubric: stored, scores: #"{"quality":1}"#, activeSeconds: 0)
        try log.undo(first)
        let again = try log.save(itemId: itemId, annotator: "ann", rubric: stored, scores: #"{"quality":2}"#, activeSeconds: 0)
        XCTAssertEqual(again.action, .save)
        XCTAssertEqual(try log.current(itemId: itemId, annotator: "ann")?.scores, #"{"quality":2}"#)
    }

    func testUndoOfAnUnsavedEventIsRefused() throws {
        let itemId = try makeItems(["a"])[0]
        let unsaved = LabelEvent(itemId: itemId, annotator: "ann", role: .annotator, action: .save, rubricHash: stored.hash, scores: "{}")
        XCTAssertThrowsError(try log.undo(unsaved)) { error in
            XCTAssertEqual(error as? LabelError, .notSaved)
            XCTAssertEqual("\(error)", "the label was never saved")
        }
        XCTAssertEqual(try count("label_event"), 0)
    }

    func testSavingRecordsTheRubricOnce() throws {
        let ids = try makeItems(["a", "b"])
        for id in ids { try log.save(itemId: id, annotator: "ann", rubric: stored, scores: #"{"quality":1}"#, activeSeconds: 0) }
        let rows = try store.pool.read { db in try Row.fetchAll(db, sql: "SELECT hash, name, version, normalized FROM rubric") }
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows.first?["hash"], rubric.contentHash)
        XCTAssertEqual(rows.first?["name"], "test-rubric")
        XCTAssertEqual(rows.first?["normalized"], rubric.normalizedJSON)
    }

    func testEventFieldsAreStoredAsGiven() throws {
        let itemId = try makeItems(["a"])[0]
        let saved = try log.save(
            itemId: itemId, annotator: "ann", role: .gold, rubric: stored, scores: #"{"quality":5}"#, activeSeconds: 12.5,
            note: "looks fine", flag: true, at: "2026-01-31T12:00:00Z")
        let read = try log.event(id: XCTUnwrap(saved.id))
        XCTAssertEqual(read, saved)
        XCTAssertEqual(read?.note, "looks fine")
        XCTAssertEqual(read?.flag, true)
        XCTAssertEqual(read?.at, "2026-01-31T12:00:00Z")
        XCTAssertEqual(read?.rubricHash, rubric.contentHash)
    }

    func testRolesAreSeparateLabelsOfTheSamePerson() throws {
        let itemId = try makeItems(["a"])[0]
        try log.save(itemId: itemId, annotator: "lee", rubric: stored, scores: #"{"quality":2}"#, activeSeconds: 0)
        let gold = try log.save(itemId: itemId, annotator: "lee", role: .gold, rubric: stored, scores: #"{"quality":5}"#, activeSeconds: 0)
        XCTAssertEqual(gold.action, .save, "a gold label is not an edit of the annotator label")
        XCTAssertEqual(try log.current(itemId: itemId, annotator: "lee", role: .annotator)?.scores, #"{"quality":2}"#)
        XCTAssertEqual(try log.current(itemId: itemId, annotator: "lee", role: .gold)?.scores, #"{"quality":5}"#)
        try log.undo(gold)
        XCTAssertNil(try log.current(itemId: itemId, annotator: "lee", role: .gold))
        XCTAssertEqual(try log.current(itemId: itemId, annotator: "lee", role: .annotator)?.scores, #"{"quality":2}"#, "undoing gold leaves the annotator label")
    }

    func testAnnotatorsAreSeparate() throws {
        let itemId = try makeItems(["a"])[0]
        try log.save(itemId: itemId, annotator: "ann", rubric: stored, scores: #"{"quality":1}"#, activeSeconds: 0)
        let bob = try log.save(itemId: itemId, annotator: "bob", rubric: stored, scores: #"{"quality":4}"#, activeSeconds: 0)
        XCTAssertEqual(bob.action, .save)
        XCTAssertEqual(try log.current(itemId: itemId, annotator: "ann")?.scores, #"{"quality":1}"#)
        XCTAssertEqual(try log.current(itemId: itemId, annotator: "bob")?.scores, #"{"quality":4}"#)
    }

    func testCurrentLabelsAreInItemThenRoleThenAnnotatorOrder() throws {
        let ids = try makeItems(["first", "second"])
        try log.save(itemId: ids[1], annotator: "zed", rubric: stored, scores: #"{"quality":1}"#, activeSeconds: 0)
        try log.save(itemId: ids[0], annotator: "zed", rubric: stored, scores: #"{"quality":2}"#, activeSeconds: 0)
        try log.save(itemId: ids[0], annotator: "amy", role: .gold, rubric: stored, scores: #"{"quality":3}"#, activeSeconds: 0)
        try log.save(itemId: ids[0], annotator: "amy", rubric: stored, scores: #"{"quality":4}"#, activeSeconds: 0)
        let labels = try log.currentLabels()
        XCTAssertEqual(labels.map { "\($0.itemKey) \($0.event.role.rawValue) \($0.event.annotator)" },
                       ["first annotator amy", "first annotator zed", "first gold amy", "second annotator zed"])
    }

    func testCurrentLabelsFilterByRubricHash() throws {
        let itemId = try makeItems(["a"])[0]
        let other = try Rubric.parse(yaml: TestRubric.yaml.replacingOccurrences(of: "name: test-rubric", with: "name: other-rubric"), file: "other.yaml")
        XCTAssertNotEqual(other.contentHash, rubric.contentHash)
        try log.save(itemId: itemId, annotator: "ann", rubric: stored, scores: #"{"quality":1}"#, activeSeconds: 0)
        try log.save(itemId: itemId, annotator: "bob", rubric: StoredRubric(other), scores: #"{"quality":2}"#, activeSeconds: 0)
        XCTAssertEqual(try log.currentLabels(rubricHash: rubric.contentHash).map(\.event.annotator), ["ann"])
        XCTAssertEqual(try log.currentLabels(rubricHash: other.contentHash).map(\.event.annotator), ["bob"])
        XCTAssertEqual(try log.currentLabels(rubricHash: String(repeating: "0", count: 64)), [])
        XCTAssertEqual(try log.currentLabels().map(\.event.annotator), ["ann", "bob"])
    }

    func testScoresJSONFollowsRubricOrderAndReadsBack() throws {
        let values: [String: ScoreValue] = ["tone": .choice("rude"), "quality": .number(4), "hallucination": .flag(true)]
        let json = LabelLog.scoresJSON(values, rubric: rubric)
        XCTAssertEqual(json, #"{"quality":4,"hallucination":true,"tone":"rude"}"#)
        XCTAssertEqual(LabelLog.values(fromScores: json, rubric: rubric), values)
        XCTAssertEqual(LabelLog.values(fromScores: #"{"quality":9,"gone":1,"tone":"rude"}"#, rubric: rubric), ["tone": .choice("rude")],
                       "values the rubric does not have are left out")
        XCTAssertEqual(LabelLog.values(fromScores: nil, rubric: rubric), [:])
    }
}
