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
}
