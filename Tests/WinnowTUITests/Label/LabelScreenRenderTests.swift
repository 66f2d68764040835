import XCTest
import WinnowCore
@testable import WinnowTUI

/// The labeling screen rendered from states, asserted on the cell grid.
final class LabelScreenRenderTests: XCTestCase {
    private func state(turns: [Turn] = [Turn(from: .human, value: "What is this?"), Turn(from: .gpt, value: "A ball.")],
                       captions: [String] = ["A red ball."]) throws -> LabelScreenState {
        var state = LabelScreenState(rubric: try Rubric.parse(yaml: LabelFixture.rubricYAML, file: "t.yaml"), annotator: "ana")
        state.item = .init(key: "k1", group: "turn:k/t0", image: "a.png", imageMissing: true, captions: captions, turns: turns)
        state.progress.total = 10
        state.progress.labeled = 3
        state.reason = "cold start: spread order (4 of 10)"
        return state
    }

    func testBelowTheMinimumSizeTheScreenSaysHowMuchItNeeds() throws {
        let grid = LabelScreen.render(try state(), width: 60, height: 20)
        XCTAssertTrue(grid.text.contains("terminal too small (needs 80x24)"))
        XCTAssertFalse(grid.text.contains("Correctness"))
        let tiny = LabelScreen.render(try state(), width: 10, height: 3)
        XCTAssertEqual(tiny.width, 10)
        XCTAssertTrue(tiny.text.contains("terminal"))
    }

    func testHeaderShowsRubricProgressAndWhyTheItemWasServed() throws {
        let grid = LabelScreen.render(try state(), width: 120, height: 40)
        let header = grid.row(0)
        XCTAssertTrue(header.contains("test-rubric v1"))
        XCTAssertTrue(header.contains("3/10 labeled"))
        XCTAssertTrue(header.contains("cold start: spread order (4 of 10)"))
    }

    func testItemPaneShowsKeyMissingImageCaptionsAndEveryTurnWithItsSpeaker() throws {
        let text = LabelScreen.render(try state(), width: 120, height: 40).text
        XCTAssertTrue(text.contains("item k1  group turn:k/t0"))
        XCTAssertTrue(text.contains("a.png (missing)"))
        XCTAssertTrue(text.contains("• A red ball."))
        XCTAssertTrue(text.contains("Human  (turn 1)"))
        XCTAssertTrue(text.contains("Assistant  (turn 2)"))
        XCTAssertTrue(text.contains("(image file not found)"))
    }

    func testTheItemPaneFollowsChangesToTheItemAndToTheWidth() throws {
        var s = try state()
        XCTAssertTrue(LabelScreen.render(s, width: 120, height: 40).text.contains("A ball."))
        let copy = s
        s.item?.turns[1] = Turn(from: .gpt, value: "A green cube.")
        XCTAssertTrue(LabelScreen.render(s, width: 120, height: 40).text.contains("A green cube."), "a changed item is wrapped anew")
        XCTAssertFalse(LabelScreen.render(s, width: 120, height: 40).text.contains("A ball."))
        XCTAssertTrue(LabelScreen.render(copy, width: 120, height: 40).text.contains("A ball."), "the copy kept its own lines")
        s.item?.captions = [String(repeating: "wide words ", count: 150)]
        let narrow = LabelScreen.render(s, width: 90, height: 40)
        XCTAssertGreaterThan(LabelScreen.maxScroll(s, width: 160, height: 24), 0)
        XCTAssertGreaterThan(LabelScreen.maxScroll(s, width: 90, height: 24), LabelScreen.maxScroll(s, width: 160, height: 24),
                             "narrower means more wrapped lines")
        XCTAssertTrue(narrow.text.contains("• wide words"))
    }

    func testRubricPaneShowsValuesWithKeysAndTheFocusedCriterionsAnchors() throws {
        var s = try state()
        s.values["correctness"] = .number(5)
        let text = LabelScreen.render(s, width: 120, height: 40).text
        XCTAssertTrue(text.contains("▸ Correctness"))
        XCTAssertTrue(text.contains("[1] [2] [3] [4] [5]"))
        XCTAssertTrue(text.contains("Is it right?"))
        XCTAssertTrue(text.contains("5 Right"))
        XCTAssertTrue(text.contains("[0] no [1] yes"))
        XCTAssertTrue(text.contains("[1] plain [2] warm [3] rude"))
    }

    func testFooterListsTheKeysThatWorkNowAndPromptKeysInAPrompt() throws {
        var s = try state()
        let footer = LabelScreen.render(s, width: 120, height: 40).row(39)
        XCTAssertTrue(footer.contains("1-5 set"))
        XCTAssertTrue(footer.contains("Enter save"))
        XCTAssertTrue(footer.contains("? keys"))
        XCTAssertTrue(footer.contains("q quit"))
        let prompt = PromptScreen(label: "note:", text: "hello", accept: { _ in })
        let grid = prompt.render(width: 120, height: 40, below: LabelScreen.render(s, width: 120, height: 40))
        XCTAssertTrue(grid.row(39).contains("Esc cancel"))
        XCTAssertTrue(grid.row(38).contains("note: hello█"))
        XCTAssertTrue(grid.row(1).contains("item k1"), "the prompt is drawn over the screen below it")
    }

    func testHelpOverlayListsEveryKey() throws {
        let s = try state()
        let help = HelpScreen(LabelScreen.keys.help)
        let text = help.render(width: 120, height: 40, below: LabelScreen.render(s, width: 120, height: 40)).text
        XCTAssertEqual(LabelScreen.keys.help.count, LabelScreen.keys.commands.count + 1)
        for entry in LabelScreen.keys.help { XCTAssertTrue(text.contains(entry.keys), entry.keys) }
        for entry in LabelScreen.keys.help { XCTAssertTrue(text.contains(String(entry.help.prefix(30))), entry.help) }
    }

    func testLongCJKAndEmojiTextWrapsWithinThePaneAndScrolls() throws {
        let long = String(repeating: "这是一个很长的句子，用来测试换行。🙂 ", count: 60)
        var s = try state(turns: [Turn(from: .human, value: "问题？"), Turn(from: .gpt, value: long)])
        let width = 100, height = 30
        let left = LabelScreen.itemPaneWidth(totalWidth: width)
        let grid = LabelScreen.render(s, width: width, height: height)
        for y in 1..<(height - 2) {
            // Nothing of the item pane spills over the separator.
            XCTAssertEqual(grid[left, y]?.text, "│", "row \(y)")
        }
        XCTAssertTrue(grid.text.contains("more (j/PgDn)"))
        let maxScroll = LabelScreen.maxScroll(s, width: width, height: height)
        XCTAssertGreaterThan(maxScroll, 0)
        s.scroll = maxScroll
        let bottom = LabelScreen.render(s, width: width, height: height).text
        XCTAssertFalse(bottom.contains("more (j/PgDn)"))
        XCTAssertTrue(bottom.contains("more"))
    }
}
