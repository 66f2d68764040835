import XCTest
import WinnowCore
@testable import WinnowTUI

/// One key map per screen: input, footer and help come from it, and collisions are found from it.
final class KeyMapTests: XCTestCase {
    func testTheLabelScreensKeysAreBoundOnceAndEveryCommandIsInTheHelp() {
        let keys = LabelScreen.keys
        XCTAssertEqual(keys.duplicateKeys, [])
        XCTAssertEqual(keys.action(for: .enter), .save)
        XCTAssertEqual(keys.action(for: .char("p")), .previous)
        XCTAssertEqual(keys.action(for: .left), .previous)
        XCTAssertEqual(keys.action(for: .ctrl("c")), .quit)
        XCTAssertNil(keys.action(for: .char("3")))
        XCTAssertEqual(keys.help.map(\.keys), ["value keys"] + keys.commands.map(\.keys))
        XCTAssertEqual(keys.footer.map(\.keys), keys.commands.filter(\.inFooter).map(\.keys))
        XCTAssertFalse(keys.footer.contains { $0.keys == "Backspace" })
    }

    func testEveryLetterTheLabelScreenUsesIsReservedFromRubrics() {
        // The rubric parser refuses reserved keys; the screen's map must not take one it does not refuse.
        XCTAssertEqual(LabelScreen.keys.characterKeys.subtracting(KeyBinding.reserved), [])
    }

    func testCollisionsWithARubricsKeysAreNamed() throws {
        let rubric = try Rubric.parse(yaml: LabelFixture.rubricYAML, file: "t.yaml")
        XCTAssertTrue(LabelScreen.keys.collisions(with: rubric).isEmpty)
        let map = KeyMap<Int>([KeyCommand(.char("1"), 1, help: "one", short: "one"), KeyCommand(.char("x"), 2, help: "x", short: "x")])
        let found = map.collisions(with: rubric)
        XCTAssertEqual(found.map(\.key), ["1", "1", "1"])
        XCTAssertEqual(found.map(\.criterion), ["correctness", "hallucination", "tone"])
    }

    func testDuplicatesAreFound() {
        let map = KeyMap<Int>([KeyCommand(.char("a"), 1, help: "", short: ""), KeyCommand("a/b", [(.char("b"), 2), (.char("a"), 3)], help: "", short: "")])
        XCTAssertEqual(map.duplicateKeys, [.char("a")])
        XCTAssertEqual(map.action(for: .char("a")), 1, "the first binding wins")
    }

    func testTheEmptyQueueKeepsOnlyTheKeysThatStillWork() {
        let actions = Set(LabelScreen.emptyQueueKeys.commands.flatMap { $0.bindings.map(\.action) })
        XCTAssertTrue(actions.isSuperset(of: [.undo, .previous, .goTo, .help, .quit]))
        XCTAssertNil(LabelScreen.emptyQueueKeys.action(for: .enter))
    }

    func testKeysAreNamedForHelp() {
        XCTAssertEqual(Key.ctrl("u").label, "Ctrl-U")
        XCTAssertEqual(Key.backTab.label, "Shift-Tab")
        XCTAssertEqual(KeyCommand(nil, [(Key.left, 1), (Key.right, 2)], help: "", short: "").keys, "←/→")
    }
}
