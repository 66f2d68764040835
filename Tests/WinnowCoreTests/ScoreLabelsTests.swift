import Foundation
import GRDB
import XCTest
@testable import WinnowCore
import WinnowTestSupport

/// `import --scores-as`: a file's `score` values become labels with role `imported`.
final class ScoreLabelsTests: CoreTestCase {
    private var rubric: Rubric!

    override func setUpWithError() throws {
        try super.setUpWithError()
        rubric = try TestRubric.rubric()
    }

    /// Accepts the scale values 1–5; rounds other numbers from 1 to 5 to the nearest, ties upward.
    private func scoreLabels(source: String = "align2llava") -> Importer.ScoreLabels {
        Importer.ScoreLabels(source: source, criterion: "quality", rubric: StoredRubric(rubric)) { value in
            guard let x = value.doubleValue, x >= 1, x <= 5 else { return .failure(RubricValueProblem("allowed: 1, 2, 3, 4, 5")) }
            let nearest = (x + 0.5).rounded(.down)
            return .success((.number(nearest), nearest != x))
        }
    }

    private func labelRows() throws -> [Row] {
        try store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT i.key, e.annotator, e.role, e.source, e.action, e.rubric_hash, e.scores FROM label_event e
                JOIN item i ON i.id = e.item_id ORDER BY e.id
                """)
        }
    }

    private static let candidates = #"{"id": "r", "conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": ["A", "B", "C"], "score": [5, 3.5, 1.0]}]}"#

    func testCandidateScoresBecomeImportedLabels() throws {
        let path = try sandbox.write("cand.jsonl", Self.candidates)
        let summary = try runImport([path], scoreLabels: scoreLabels())
        XCTAssertEqual(summary.itemsAdded, 3)
        XCTAssertEqual(summary.labelsAdded, 3)
        XCTAssertEqual(summary.scoresRounded, 1)
        let rows = try labelRows()
        XCTAssertEqual(rows.map { $0["key"] as String }, ["r/t0/c0", "r/t0/c1", "r/t0/c2"])
        XCTAssertEqual(rows.map { $0["scores"] as String }, [#"{"quality":5}"#, #"{"quality":4}"#, #"{"quality":1}"#])
        for row in rows {
            XCTAssertEqual(row["annotator"], "align2llava")
            XCTAssertEqual(row["role"], "imported")
            XCTAssertEqual(row["source"], "align2llava")
            XCTAssertEqual(row["action"], "save")
            XCTAssertEqual(row["rubric_hash"], rubric.contentHash)
        }
        XCTAssertEqual(try store.pool.read { db in try String.fetchAll(db, sql: "SELECT hash FROM rubric") }, [rubric.contentHash])
        // The labels are current labels of role imported, not annotator labels.
        let current = try LabelLog(store: store).currentLabels()
        XCTAssertEqual(current.map(\.event.role), [.imported, .imported, .imported])
        XCTAssertEqual(try Status.read(store).labeled, 0)
    }

    func testReimportingTheSameScoresAddsNoLabels() throws {
        let path = try sandbox.write("cand.jsonl", Self.candidates)
        try runImport([path], scoreLabels: scoreLabels())
        let summary = try runImport([path], scoreLabels: scoreLabels())
        XCTAssertEqual(summary.itemsAdded, 0)
        XCTAssertEqual(summary.labelsAdded, 0)
        XCTAssertEqual(try count("label_event"), 3)
    }

    func testAnotherSourceGetsLabelsOfItsOwnOnTheSameItems() throws {
        let path = try sandbox.write("cand.jsonl", Self.candidates)
        try runImport([path], scoreLabels: scoreLabels(source: "one"))
        let summary = try runImport([path], scoreLabels: scoreLabels(source: "two"))
        XCTAssertEqual(summary.itemsAdded, 0)
        XCTAssertEqual(summary.unchanged, 3)
        XCTAssertEqual(summary.labelsAdded, 3)
        XCTAssertEqual(try labelRows().map { $0["source"] as String }, ["one", "one", "one", "two", "two", "two"])
    }

    func testChangedScoresOfAnUnchangedItemAreAnEdit() throws {
        // The file is unchanged, but the check now maps its score to another value: the imported label is edited.
        let path = try sandbox.write("one.jsonl", #"{"id": "a", "conversations": [{"from": "human", "value": "Q"}], "score": 2}"#)
        try runImport([path], scoreLabels: scoreLabels())
        let shifted = Importer.ScoreLabels(source: "align2llava", criterion: "quality", rubric: StoredRubric(rubric)) { _ in .success((.number(5), false)) }
        let summary = try runImport([path], scoreLabels: shifted)
        XCTAssertEqual(summary.labelsAdded, 1)
        XCTAssertEqual(try labelRows().map { $0["action"] as String }, ["save", "edit"])
        XCTAssertEqual(try labelRows().map { $0["scores"] as String }, [#"{"quality":2}"#, #"{"quality":5}"#])
    }

    func testWholeRecordAndQuestionSetScoresBecomeLabels() throws {
        let llava = try sandbox.write("rec.jsonl", [
            #"{"id": "a", "conversations": [{"from": "human", "value": "Q"}], "score": 3}"#,
            #"{"id": "b", "conversations": [{"from": "human", "value": "Q"}], "score": [1, 2]}"#,
            #"{"id": "c", "conversations": [{"from": "human", "value": "Q"}]}"#,
        ].joined(separator: "\n"))
        let questions = try sandbox.write("qs.jsonl", #"{"id": "q", "questions": [["A?", "a"], ["B?", "b"]], "score": [4, 1.5]}"#)
        let summary = try runImport([llava, questions], scoreLabels: scoreLabels())
        XCTAssertEqual(summary.labelsAdded, 3)
        XCTAssertEqual(summary.scoresRounded, 1)
        let rows = try labelRows()
        XCTAssertEqual(rows.map { $0["key"] as String }, ["a", "q/q0", "q/q1"], "a list on a plain record is not a score; no score, no label")
        XCTAssertEqual(rows.map { $0["scores"] as String }, [#"{"quality":3}"#, #"{"quality":4}"#, #"{"quality":2}"#])
    }

    func testScoresAreNotLabelsWithoutTheOption() throws {
        try runImport([try sandbox.write("cand.jsonl", Self.candidates)])
        XCTAssertEqual(try count("label_event"), 0)
        XCTAssertEqual(try count("rubric"), 0)
    }

    func testAScoreTheRubricRefusesIsAnError() throws {
        let path = try sandbox.write("bad.jsonl", #"{"id": "r", "conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": ["A", "B"], "score": [2, 7]}]}"#)
        XCTAssertThrowsError(try runImport([path], scoreLabels: scoreLabels())) { error in
            XCTAssertEqual("\(error)", "\(path):1:1: record 0: score: 7 is not a value of criterion 'quality': allowed: 1, 2, 3, 4, 5")
        }
        XCTAssertEqual(try count("item"), 0)
        XCTAssertEqual(try count("label_event"), 0)
        XCTAssertEqual(try count("rubric"), 0)
    }
}
