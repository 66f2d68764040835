import XCTest
import WinnowCore
@testable import WinnowTUI

final class RubricPaneTests: XCTestCase {
    func testOtherRatersAndGoldAreShownBesideEachCriterion() throws {
        let rubric = try Rubric.parse(yaml: LabelFixture.rubricYAML, file: "t.yaml")
        let pane = RubricPane(rubric: rubric, values: [:], focus: nil, columns: [
            .init(title: "ana", values: ["correctness": .number(4), "hallucination": .flag(false)]),
            .init(title: "ben", values: ["correctness": .number(2)]),
            .init(title: "gold", values: ["correctness": .number(3)], isGold: true),
        ])
        var grid = Grid(width: 70, height: 12)
        pane.draw(into: &grid, rect: Rect(x: 0, y: 0, width: 70, height: 12))
        let text = grid.text
        XCTAssertTrue(text.contains("Correctness *  ana 4  ben 2  gold 3"), text)
        XCTAssertTrue(text.contains("Hallucination *  ana no  ben ·  gold ·"), text)
        XCTAssertFalse(text.contains("▸"), "nothing focused")
    }

    func testAnchorsAreShownWholeAsFarAsThePaneHasRowsTheChosenOneFirst() throws {
        let long = { (n: Int) in "Anchor \(n) " + String(repeating: "words that wrap ", count: 6) + "END\(n)" }
        let yaml = """
            name: t
            version: 1
            criteria:
              - id: q
                title: Quality
                question: How good?
                kind: scale
                values: [1, 2, 3, 4, 5]
                anchors: {1: "\(long(1))", 2: "\(long(2))", 3: "\(long(3))", 4: "\(long(4))", 5: "\(long(5))"}
            """
        let rubric = try Rubric.parse(yaml: yaml, file: "t.yaml")
        let pane = RubricPane(rubric: rubric, values: ["q": .number(4)], focus: 0)
        // 40 columns: each anchor wraps to 4 lines. Full needs 3 + 20 rows; one line each needs 8, and each
        // whole anchor 3 more: 17 rows hold three whole anchors.
        var grid = Grid(width: 40, height: 17)
        pane.draw(into: &grid, rect: Rect(x: 0, y: 0, width: 40, height: 17))
        let rows = (0..<17).map { grid.row($0) }
        XCTAssertTrue(rows.joined().contains("END4"), "the chosen value's anchor is whole:\n" + rows.joined(separator: "\n"))
        XCTAssertTrue(rows.joined().contains("END1"), "then the first values' anchors, while rows are left")
        XCTAssertTrue(rows.joined().contains("END2"))
        XCTAssertFalse(rows.joined().contains("END3"), "no room left for a third whole anchor")
        XCTAssertTrue(rows.contains { $0.contains("5 Anchor 5") }, "the rest still show on one line:\n" + rows.joined(separator: "\n"))
        let empty = rows.reversed().prefix { $0.trimmingCharacters(in: .whitespaces).isEmpty }.count
        XCTAssertLessThan(empty, 2, "no more rows left empty than a whole anchor would need")
    }
}
