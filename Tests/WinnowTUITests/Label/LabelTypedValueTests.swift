import XCTest
import WinnowCore
@testable import WinnowTUI

/// A scale of more than 9 values (0.0–1.0 in steps of 0.1) is set by typing the value; candidate answers
/// mark the turn being graded and show earlier candidate turns as context.
final class LabelTypedValueTests: XCTestCase {
    private let yaml = """
        name: decimal
        version: "1"
        criteria:
          - id: score
            title: Score
            question: How good is the answer?
            kind: scale
            values: [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
            anchors: {0.0: Useless., 1.0: Perfect.}
            required: true
          - id: fine
            title: Fine
            question: Fine?
            kind: flag
            better: false
        """

    private func state() throws -> LabelScreenState {
        var state = LabelScreenState(rubric: try Rubric.parse(yaml: yaml, file: "d.yaml"), annotator: "ana")
        state.item = .init(key: "k", group: "turn:k/t1", image: nil, imageMissing: false, captions: [],
                           turns: [Turn(from: .human, value: "Q1"), Turn(from: .gpt, value: "First candidate of turn one."),
                                   Turn(from: .human, value: "Q2"), Turn(from: .gpt, value: "The answer graded here.")])
        return state
    }

    private func type(_ text: String, _ state: inout LabelScreenState) {
        for c in text { _ = LabelScreen.reduce(&state, .char(c)) }
    }

    func testTypingZeroPointSevenSetsSevenTenthsAndMovesOn() throws {
        var s = try state()
        type("0", &s)
        XCTAssertEqual(s.typed, "0")
        XCTAssertNil(s.values["score"], "0 is also the start of 0.1 … 0.9: it waits")
        XCTAssertTrue(LabelScreen.render(s, width: 80, height: 24).text.contains("type a value: 0█"))
        type(".", &s)
        XCTAssertEqual(s.typed, "0.")
        type("7", &s)
        XCTAssertEqual(s.values["score"], .number(0.7))
        XCTAssertEqual(s.typed, "")
        XCTAssertEqual(s.focus, 1)
    }

    func testOneIsSetAtOnceAndZeroNeedsEnter() throws {
        var s = try state()
        type("1", &s)
        XCTAssertEqual(s.values["score"], .number(1))
        s.focus = 0
        type("0", &s)
        XCTAssertEqual(LabelScreen.reduce(&s, .enter), nil, "Enter finishes the typed value; it does not save")
        XCTAssertEqual(s.values["score"], .number(0))
    }

    func testAWrongValueIsRefusedAndBackspaceEditsWhatIsTyped() throws {
        var s = try state()
        type("0.", &s)
        _ = LabelScreen.reduce(&s, .backspace)
        XCTAssertEqual(s.typed, "0")
        type("5", &s)
        XCTAssertEqual(s.message, "05 is not a value of Score (0 to 1)")
        XCTAssertNil(s.values["score"])
        XCTAssertEqual(s.typed, "0")
        type("x", &s)
        XCTAssertNotNil(s.message)
        XCTAssertNil(s.values["score"])
    }

    func testEveryValueIsShownAndTheFooterSaysToType() throws {
        var s = try state()
        s.values["score"] = .number(0.3)
        let grid = LabelScreen.render(s, width: 80, height: 24)
        for value in ["0.1", "0.5", "0.9"] { XCTAssertTrue(grid.text.contains(value), value) }
        XCTAssertTrue(grid.row(23).contains("0-9 . type value"), grid.row(23))
        XCTAssertFalse(grid.text.contains("[?]"))
    }

    func testACandidateMarksTheGradedTurnAndDimsEarlierCandidateTurns() throws {
        var s = try state()
        s.item?.gradedTurn = 3
        s.item?.contextCandidateTurns = [1]
        let grid = LabelScreen.render(s, width: 120, height: 40)
        XCTAssertTrue(grid.text.contains("Assistant  (turn 2)  context, not graded"), grid.text)
        XCTAssertTrue(grid.text.contains("Assistant  (turn 4)  ◀ graded"), grid.text)
        // The context turn's text is drawn dim, the graded answer plain.
        let contextRow = try XCTUnwrap((0..<40).first { grid.row($0).contains("First candidate of turn one.") })
        let gradedRow = try XCTUnwrap((0..<40).first { grid.row($0).contains("The answer graded here.") })
        let cx = try XCTUnwrap(grid.row(contextRow).range(of: "First")).lowerBound.utf16Offset(in: grid.row(contextRow))
        let gx = try XCTUnwrap(grid.row(gradedRow).range(of: "The answer")).lowerBound.utf16Offset(in: grid.row(gradedRow))
        XCTAssertEqual(grid[cx, contextRow]?.style, Theme.dim)
        XCTAssertNotEqual(grid[gx, gradedRow]?.style, Theme.dim)
    }
}
