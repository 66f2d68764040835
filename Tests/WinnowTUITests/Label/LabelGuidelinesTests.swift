import XCTest
import WinnowCore
@testable import WinnowTUI

/// The rubric's instructions on the grading screen: on `i`, scrollable, any other key closes them.
final class LabelGuidelinesTests: XCTestCase {
    func testIShowsTheInstructionsAndAnyOtherKeyGoesBackToGrading() throws {
        let paragraph = "Grade the answer, not the question. " + String(repeating: "Read every turn before you grade. ", count: 120)
        let yaml = LabelFixture.rubricYAML.replacingOccurrences(of: "version: \"1\"\n", with: "version: \"1\"\ninstructions: \"\(paragraph)\\n\\nSecond paragraph \\e[31m here.\"\n")
        let fixture = try LabelFixture(rubricYAML: yaml)
        let screen = try fixture.controller()
        XCTAssertNotNil(screen.controller.guidelines)
        try screen.press(.char("i"))
        XCTAssertTrue(screen.app.top is TextScreen)
        var text = screen.frame().text
        XCTAssertTrue(text.contains("test-rubric v1: guidelines"))
        XCTAssertTrue(text.contains("Grade the answer, not the question."))
        XCTAssertFalse(text.contains("Second paragraph"), "the end is below the box at 120x40")
        XCTAssertTrue(text.contains("more (j/PgDn)"))
        try screen.press(.pageDown, .pageDown, .pageDown)
        text = screen.frame().text
        XCTAssertTrue(text.contains("Second paragraph ␛[31m here."), "scrolled to the end; control characters shown, not sent")
        XCTAssertFalse(text.contains("more (j/PgDn)"))
        let item = screen.state.item?.key
        try screen.press(.char("3"))
        XCTAssertTrue(screen.app.top === screen.controller, "any other key closes the guidelines")
        XCTAssertNil(screen.state.values["correctness"], "and goes no further")
        XCTAssertEqual(screen.state.item?.key, item)
    }

    func testARubricWithoutInstructionsSaysSo() throws {
        let screen = try LabelFixture().controller()
        XCTAssertNil(screen.controller.guidelines)
        try screen.press(.char("i"))
        XCTAssertTrue(screen.app.top === screen.controller)
        XCTAssertEqual(screen.state.message, "This rubric has no instructions (add `instructions:` to its YAML)")
    }
}
