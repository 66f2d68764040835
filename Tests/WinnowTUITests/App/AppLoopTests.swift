import XCTest
@testable import WinnowTUI

/// A terminal that plays keys (nil: the read timed out) and keeps what was painted.
@MainActor
final class ScriptedTerminal: TerminalDevice {
    var keys: [Key?]
    var painted: [Grid] = []
    var reads = 0
    var invalidations = 0
    let width: Int, height: Int

    init(_ keys: [Key?], width: Int = 80, height: Int = 24) {
        self.keys = keys
        self.width = width
        self.height = height
    }

    func size() -> (width: Int, height: Int) { (width, height) }
    func paint(_ grid: Grid) { painted.append(grid) }
    func invalidate() { invalidations += 1 }
    func readKey(timeoutMilliseconds: Int32) -> Key? {
        reads += 1
        // Out of script: quit, so a wrong loop ends instead of hanging.
        return keys.isEmpty ? .char("q") : keys.removeFirst()
    }
}

/// A screen that shows a counter: + adds, h pushes help, q quits; ticks and messages are counted.
final class CounterScreen: Screen {
    struct Bump: AppMessage {}
    var count = 0
    var ticks = 0
    var bumps = 0
    var sizes: [Int] = []

    func render(width: Int, height: Int, below: Grid?) -> Grid {
        var grid = Grid(width: width, height: height)
        grid.put("count \(count) bumps \(bumps)", x: 0, y: 0)
        return grid
    }

    func resize(width: Int, height: Int) { sizes.append(width) }

    func handle(_ event: ScreenEvent) throws -> ScreenTransition {
        switch event {
        case .key(.char("+")): count += 1
        case .key(.char("h")): return .push(HelpScreen([KeyHint(keys: "+", help: "add one", short: "add")]))
        case .key(.char("q")): return .quit
        case .key: break
        case .tick: ticks += 1
        case .message(let m): if m is Bump { bumps += 1 }
        }
        return .stay
    }
}

final class AppLoopTests: XCTestCase {
    func testPushedOverlaysDrawOverTheScreenBelowAndPopOnAKey() throws {
        let screen = CounterScreen()
        let app = AppLoop(root: screen)
        app.resize(width: 80, height: 24)
        try app.send(.char("h"))
        XCTAssertEqual(app.stack.count, 2)
        let frame = app.frame()
        XCTAssertTrue(frame.row(0).hasPrefix("count 0"), "the screen below shows through")
        XCTAssertTrue(frame.text.contains("add one"))
        XCTAssertEqual(screen.sizes, [80], "a pushed screen gets the size; the one below keeps its own")
        try app.send(.char("+"))
        XCTAssertEqual(screen.count, 0, "the key closed the help and went no further")
        XCTAssertEqual(app.stack.count, 1)
        try app.send(.char("+"))
        XCTAssertEqual(screen.count, 1)
        XCTAssertFalse(try app.send(.char("q")))
    }

    func testBelowTheMinimumSizeTheLoopSaysSoForEveryScreenOverlaysIncluded() throws {
        let app = AppLoop(root: CounterScreen())
        try app.send(.char("h"))
        try app.send(.resize(width: 60, height: 20))
        XCTAssertTrue(app.frame().text.contains("terminal too small (needs 80x24)"))
        XCTAssertFalse(app.frame().text.contains("add one"), "the help is not drawn into a broken layout")
        try app.send(.resize(width: 80, height: 24))
        XCTAssertTrue(app.frame().text.contains("add one"))
    }

    func testAResizeReachesEveryScreenOnTheStack() throws {
        let screen = CounterScreen()
        let app = AppLoop(root: screen)
        try app.send(.char("h"))
        try app.send(.resize(width: 100, height: 30))
        XCTAssertEqual(screen.sizes.last, 100)
        XCTAssertEqual(app.stack.count, 2, "a resize does not close the help")
        XCTAssertEqual(app.frame().width, 100)
    }

    func testAPromptEditsALineAndHandsItOverOnEnter() throws {
        var accepted: String?
        let prompt = PromptScreen(label: "go to:", text: "ab") { accepted = $0 }
        let loop = AppLoop(root: prompt)
        loop.resize(width: 80, height: 24)
        for key: Key in [.left, .char("X"), .end, .char("c")] { try loop.send(key) }
        XCTAssertTrue(loop.frame().row(22).contains("go to: aXbc█"), loop.frame().row(22))
        try loop.send(.enter)
        XCTAssertEqual(accepted, "aXbc")
        XCTAssertTrue(loop.isDone)
    }
}

/// The loop on a (scripted) terminal: what it paints, when.
final class AppLoopRunTests: XCTestCase {
    func testTheLoopRepaintsOnlyWhenTheFrameChangesAndTicksWithoutKeys() throws {
        try MainActor.assumeIsolated {
            let screen = CounterScreen()
            let app = AppLoop(root: screen)
            let terminal = ScriptedTerminal([.char("+"), nil, nil, .char("x"), .char("+")])
            try app.run(on: terminal)
            XCTAssertEqual(screen.count, 2)
            XCTAssertEqual(terminal.painted.map { $0.row(0).hasPrefix("count 2") }.last, true)
            // First frame, after the first +, after the second +: the timeouts and x changed nothing.
            XCTAssertEqual(terminal.painted.count, 3)
            XCTAssertEqual(screen.ticks, 5, "a tick after every read, key or timeout (the quit ends the loop first)")
            XCTAssertTrue(app.isDone)
        }
    }

    func testBackgroundMessagesRepaintWithoutAKeyPress() throws {
        try MainActor.assumeIsolated {
            let screen = CounterScreen()
            let app = AppLoop(root: screen)
            app.inbox.post(CounterScreen.Bump())
            let terminal = ScriptedTerminal([nil])
            try app.run(on: terminal)
            XCTAssertEqual(screen.bumps, 1)
            XCTAssertTrue(terminal.painted.last?.row(0).contains("bumps 1") ?? false, "painted after a timeout, no key pressed")
        }
    }

    func testAResizeRepaintsEverythingEvenWhenTheFrameIsTheSame() throws {
        try MainActor.assumeIsolated {
            let screen = CounterScreen()
            let app = AppLoop(root: screen)
            let terminal = ScriptedTerminal([.resize(width: 80, height: 24), .resize(width: 80, height: 24), nil])
            try app.run(on: terminal)
            XCTAssertEqual(terminal.invalidations, 2)
            XCTAssertEqual(terminal.painted.count, 3, "the first frame and one full repaint per resize; none for the timeout")
        }
    }

    func testCtrlLRedrawsEverythingAndNeverReachesTheScreen() throws {
        try MainActor.assumeIsolated {
            let screen = CounterScreen()
            let app = AppLoop(root: screen)
            let terminal = ScriptedTerminal([.char("+"), .ctrl("l"), nil, .char("h"), .ctrl("l")])
            try app.run(on: terminal)
            XCTAssertEqual(terminal.invalidations, 2, "one full repaint per Ctrl-L")
            XCTAssertEqual(terminal.painted.count, 6, "first frame, +, Ctrl-L, help, Ctrl-L over the help, help closed; none for the timeout")
            XCTAssertEqual(screen.count, 1)
            XCTAssertEqual(terminal.painted[2], terminal.painted[1], "the same frame, painted again in full")
            XCTAssertTrue(terminal.painted[3].text.contains("Ctrl-L") && terminal.painted[3].text.contains("redraw the whole screen"),
                          "the help lists it:\n\(terminal.painted[3].text)")
            XCTAssertTrue(terminal.painted[4].text.contains("redraw the whole screen"), "Ctrl-L does not close the help")
        }
    }
}

final class HelpScreenTests: XCTestCase {
    func testLongHelpEndsInAnEllipsisAndKeysThatDoNotFitAreCounted() {
        let hints = (1...30).map { KeyHint(keys: "k\($0)", help: "help number \($0) " + String(repeating: "long ", count: 30), short: "") }
        let grid = HelpScreen(hints).render(width: 80, height: 24, below: nil)
        let text = grid.text
        XCTAssertTrue(text.contains("k1 "), text)
        XCTAssertTrue(text.split(separator: "\n").contains { $0.contains("help number 1 ") && $0.contains("…") }, "a cut help text ends in …:\n\(text)")
        // 24 rows: 22 for the box, 19 for hints: 18 shown and a line for the other 13 (31 with Ctrl-L).
        XCTAssertTrue(text.contains("… 13 more keys: a taller terminal shows them"), text)
        XCTAssertTrue(text.contains("k18 ") && !text.contains("k19 "), text)
        let roomy = HelpScreen(Array(hints.prefix(5))).render(width: 200, height: 60, below: nil).text
        XCTAssertFalse(roomy.contains("more keys"), roomy)
        XCTAssertTrue(roomy.contains("Ctrl-L"), roomy)
    }
}

final class ChooserScreenTests: XCTestCase {
    func testTypingFiltersArrowsMoveAndEnterChoosesTheEntry() throws {
        var chosen: Int?
        let entries = ["000000000110", "000000000111/q0", "000000000111/q1", "000000000210"]
        let chooser = ChooserScreen(title: "items matching 11", entries: entries) { chosen = $0 }
        let app = AppLoop(root: chooser)
        app.resize(width: 80, height: 24)
        XCTAssertTrue(app.frame().text.contains("(4 of 4)"))
        for c in "111" { try app.send(.char(c)) }
        XCTAssertEqual(chooser.shown, [1, 2])
        XCTAssertTrue(app.frame().text.contains("(2 of 4)"))
        XCTAssertTrue(app.frame().text.contains("▸ 000000000111/q0"))
        try app.send(.down)
        try app.send(.down)  // stops at the last entry
        XCTAssertEqual(chooser.selection, 1)
        try app.send(.enter)
        XCTAssertEqual(chosen, 2, "the index into all entries")
        XCTAssertTrue(app.isDone, "closed after choosing")
    }

    func testNothingMatchingSaysSoAndEnterDoesNothingAndEscCancels() throws {
        var chosen: Int?
        let chooser = ChooserScreen(title: "t", entries: ["a", "b"]) { chosen = $0 }
        let app = AppLoop(root: chooser)
        app.resize(width: 80, height: 24)
        try app.send(.char("z"))
        XCTAssertTrue(app.frame().text.contains("nothing matches"))
        try app.send(.enter)
        XCTAssertNil(chosen)
        XCTAssertFalse(app.isDone)
        try app.send(.escape)
        XCTAssertTrue(app.isDone)
        XCTAssertNil(chosen)
    }
}
