import Foundation
import XCTest
@testable import WinnowCore
import WinnowTestSupport

final class StatusTests: CoreTestCase {
    func testAnEmptyDatabaseHasNothing() throws {
        let status = try Status.read(store)
        XCTAssertEqual(status.items, 0)
        XCTAssertEqual(status.groups, 0)
        XCTAssertEqual(status.labeled, 0)
        XCTAssertEqual(status.unlabeled, 0)
        XCTAssertTrue(status.annotators.isEmpty)
        XCTAssertEqual(status.json.serialized(), #"{"items":0,"groups":0,"labeled":0,"unlabeled":0,"annotators":{}}"#)
    }

    func testCountsItemsGroupsLabeledAndPerAnnotator() throws {
        // One record with three candidate answers (3 items, 1 group) and three plain records.
        let candidates = #"{"id":"c","conversations":[{"from":"human","value":"q"},{"from":"gpt","value":["x","y","z"]}]}"#
        try runImport([try sandbox.write("cand.jsonl", candidates + "\n")])
        let ids = try makeItems(["p1", "p2", "p3"])
        let candidateIds = try ["c/t0/c0", "c/t0/c1", "c/t0/c2"].map { try XCTUnwrap(item($0)?.id) }

        let stored = StoredRubric(try TestRubric.rubric())
        let log = LabelLog(store: try store)
        let scores = #"{"quality":3}"#
        try log.save(itemId: ids[0], annotator: "bob", rubric: stored, scores: scores, activeSeconds: 0)
        try log.save(itemId: ids[0], annotator: "ann", rubric: stored, scores: scores, activeSeconds: 0)
        try log.save(itemId: ids[0], annotator: "ann", rubric: stored, scores: #"{"quality":4}"#, activeSeconds: 0)  // an edit
        try log.save(itemId: candidateIds[1], annotator: "ann", rubric: stored, scores: scores, activeSeconds: 0)
        // Gold counts as labeled but not as an annotator's.
        try log.save(itemId: ids[1], annotator: "lead", role: .gold, rubric: stored, scores: scores, activeSeconds: 0)
        // Imported scores do not count as labeled.
        try log.save(itemId: ids[2], annotator: "gpt4", role: .imported, source: "gpt4", rubric: stored, scores: scores, activeSeconds: 0)
        // An undone label does not count.
        let undone = try log.save(itemId: candidateIds[2], annotator: "cy", rubric: stored, scores: scores, activeSeconds: 0)
        try log.undo(undone)

        let status = try Status.read(store)
        XCTAssertEqual(status.items, 6)
        XCTAssertEqual(status.groups, 4)
        XCTAssertEqual(status.labeled, 3)
        XCTAssertEqual(status.unlabeled, 3)
        XCTAssertEqual(status.annotators.map(\.name), ["ann", "bob"])
        XCTAssertEqual(status.annotators.map(\.count), [2, 1])
        XCTAssertEqual(status.json.serialized(), #"{"items":6,"groups":4,"labeled":3,"unlabeled":3,"annotators":{"ann":2,"bob":1}}"#)
    }
}
