import Foundation
import GRDB
import XCTest
@_spi(Testing) @testable import WinnowCore
import WinnowTestSupport

/// A stored value outside its column's enum (a role or an action written by another tool or a newer
/// version) is an error naming the table and row, never read as a default.
final class UnknownValueTests: CoreTestCase {
    private var rubric: Rubric!

    override func setUpWithError() throws {
        try super.setUpWithError()
        rubric = try TestRubric.rubric()
    }

    /// Saves one good label, then writes row 2 with `role`/`action` as given, past the schema's checks.
    private func writeRow(role: String, action: String = "save") throws {
        let itemId = try makeItems(["a"])[0]
        try LabelLog(store: store).save(itemId: itemId, annotator: "ann", rubric: StoredRubric(rubric),
                                        scores: #"{"quality":3,"hallucination":false}"#, activeSeconds: 1)
        try store.testWrite { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            defer { try? db.execute(sql: "PRAGMA ignore_check_constraints = OFF") }
            try db.execute(sql: """
                INSERT INTO label_event(item_id, annotator, role, action, rubric_hash, scores, at, active_seconds, flag)
                VALUES (?, 'bob', ?, ?, ?, '{"quality":2,"hallucination":true}', '2026-01-05T10:00:00Z', 1, 0)
                """, arguments: [itemId, role, action, rubric.contentHash])
        }
    }

    private func message(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            try body()
            XCTFail("expected an error", file: file, line: line)
            return nil
        } catch {
            return "\(error)"
        }
    }

    func testAnUnknownRoleInTheLogIsAnErrorNamingTheRow() throws {
        try writeRow(role: "foo")
        XCTAssertEqual(message { _ = try store.labelEvents() }, "label_event row 2: unknown role 'foo'")
    }

    func testAnUnknownActionInTheLogIsAnErrorNamingTheRow() throws {
        try writeRow(role: "annotator", action: "redo")
        XCTAssertEqual(message { _ = try store.labelEvents() }, "label_event row 2: unknown action 'redo'")
    }

    func testCurrentLabelsRefuseAnUnknownRole() throws {
        try writeRow(role: "foo")
        XCTAssertEqual(message { _ = try LabelLog(store: store).currentLabels() }, "label_event row 2: unknown role 'foo'")
    }
}

/// A stored turn whose speaker is neither human nor gpt is an error naming the item row, never dropped.
final class UnknownSpeakerTests: CoreTestCase {
    func testAnUnknownSpeakerInAStoredItemIsAnErrorNamingTheRow() throws {
        let ids = try makeItems(["a"])
        try store.testWrite { db in
            try db.execute(sql: #"UPDATE item SET turns = '[{"from":"robot","value":"hi"}]' WHERE id = ?"#, arguments: [ids[0]])
        }
        XCTAssertThrowsError(try store.item(id: ids[0])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("item") && text.contains("robot") && text.contains("\(ids[0])"), text)
        }
    }
}
