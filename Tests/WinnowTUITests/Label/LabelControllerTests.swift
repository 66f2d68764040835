import XCTest
import WinnowCore
@testable import WinnowTUI

/// The labeling screen driven headless against a real SQLite file: keys in, label log out.
final class LabelControllerTests: XCTestCase {
    func testEnterCommitsTheLabelBeforeTheNextItemAppears() throws {
        let fixture = try LabelFixture()
        let screen = try fixture.controller()
        let first = try XCTUnwrap(screen.state.item?.key)
        try screen.type("40")  // correctness 4, hallucination false
        try screen.press(.enter)
        XCTAssertEqual(try fixture.labels()[first], #"{"correctness":4,"hallucination":false}"#)
        XCTAssertNotEqual(screen.state.item?.key, first)
        XCTAssertEqual(screen.state.progress.labeled, 1)
        XCTAssertEqual(screen.state.progress.session, 1)
    }

    func testSaveIsRefusedWhileARequiredCriterionIsEmpty() throws {
        let fixture = try LabelFixture()
        let screen = try fixture.controller()
        let first = screen.state.item?.key
        try screen.type("4")
        try screen.press(.enter)
        XCTAssertEqual(screen.state.item?.key, first)
        XCTAssertEqual(screen.state.missing, ["hallucination"])
        XCTAssertEqual(screen.state.focusedCriterion?.id, "hallucination")
        XCTAssertTrue(screen.state.message?.contains("Hallucination") ?? false)
        XCTAssertTrue(try fixture.events().isEmpty)
        let frame = screen.frame()
        XCTAssertTrue(frame.text.contains("Hallucination * required"))
    }

    func testValueKeysSetTheFocusedCriterionAndMoveFocusOn() throws {
        let screen = try LabelFixture().controller()
        try screen.type("3")
        XCTAssertEqual(screen.state.values["correctness"], .number(3))
        XCTAssertEqual(screen.state.focus, 1)
        try screen.type("1")
        XCTAssertEqual(screen.state.values["hallucination"], .flag(true))
        try screen.type("2")
        XCTAssertEqual(screen.state.values["tone"], .choice("warm"))
        try screen.type("9")
        XCTAssertNil(screen.state.values["tone"].flatMap { $0 == .choice("warm") ? nil : $0 })
        XCTAssertTrue(screen.state.message?.contains("not a key of Tone") ?? false)
        try screen.press(.backTab, .backTab)
        XCTAssertEqual(screen.state.focus, 0)
        try screen.press(.backspace)
        XCTAssertNil(screen.state.values["correctness"])
    }

    func testUndoReturnsToTheSavedItemWithItsValuesAndTakesTheLabelBack() throws {
        let fixture = try LabelFixture()
        let screen = try fixture.controller()
        let first = try XCTUnwrap(screen.state.item?.key)
        try screen.type("51")
        try screen.press(.enter)
        let second = screen.state.item?.key
        try screen.press(.char("u"))
        XCTAssertEqual(screen.state.item?.key, first)
        XCTAssertEqual(screen.state.values["correctness"], .number(5))
        XCTAssertEqual(screen.state.values["hallucination"], .flag(true))
        XCTAssertNil(try fixture.labels()[first])
        XCTAssertEqual(try fixture.events().map(\.action), [.save, .undo])
        // Saving again, the displaced item comes back next.
        try screen.press(.enter)
        XCTAssertEqual(screen.state.item?.key, second)
        XCTAssertEqual(try fixture.events().map(\.action), [.save, .undo, .save])
    }

    func testHistoryShowsTheSavedLabelAndAnEditIsANewLogRow() throws {
        let fixture = try LabelFixture()
        let screen = try fixture.controller()
        let first = try XCTUnwrap(screen.state.item?.key)
        try screen.type("20")
        try screen.press(.enter)
        let current = screen.state.item?.key
        try screen.press(.left)
        XCTAssertEqual(screen.state.item?.key, first)
        XCTAssertTrue(screen.state.editing)
        XCTAssertEqual(screen.state.values["correctness"], .number(2))
        XCTAssertEqual(screen.state.focus, 0)
        try screen.type("5")
        try screen.press(.enter)
        XCTAssertEqual(try fixture.labels()[first], #"{"correctness":5,"hallucination":false}"#)
        XCTAssertEqual(try fixture.events().map(\.action), [.save, .edit])
        XCTAssertEqual(screen.state.item?.key, current, "after the edit the queue's item is back")
        try screen.press(.right)
        XCTAssertEqual(screen.state.message, "This is the queue's next item; ← walks your labels, newest first")
    }

    func testSkippedItemComesBackAfterTheOthers() throws {
        let fixture = try LabelFixture()
        let screen = try fixture.controller()
        let skipped = try XCTUnwrap(screen.state.item?.key)
        try screen.press(.char("s"))
        var seen: [String] = []
        for _ in 0..<3 {
            seen.append(try XCTUnwrap(screen.state.item?.key))
            try screen.type("30")
            try screen.press(.enter)
        }
        XCTAssertFalse(seen.contains(skipped))
        XCTAssertEqual(screen.state.item?.key, skipped)
        XCTAssertEqual(screen.state.reason, "skipped earlier")
        try screen.type("30")
        try screen.press(.enter)
        XCTAssertNil(screen.state.item)
        XCTAssertTrue(screen.frame().text.contains("Nothing left to grade for ana"))
    }

    func testGoToJumpsByKeyAndSaysWhenThereIsNoSuchKey() throws {
        let fixture = try LabelFixture()
        let screen = try fixture.controller()
        try screen.press(.char("g"))
        try screen.type("item3")
        XCTAssertTrue(screen.frame().text.contains("go to item key (or part of it): item3"))
        try screen.press(.enter)
        XCTAssertEqual(screen.state.item?.key, "item3")
        XCTAssertEqual(screen.state.reason, "jumped to by key")
        try screen.press(.char("g"))
        try screen.type("nope")
        try screen.press(.enter)
        XCTAssertEqual(screen.state.message, "No item key contains nope")
        XCTAssertEqual(screen.state.item?.key, "item3")
    }

    func testGoToAPartOfAKeyGoesToTheOneMatchOrListsSeveral() throws {
        let fixture = try LabelFixture(records: ["alpha-110", "alpha-111", "beta-2"].map { key in
            #"{"id": "\#(key)", "conversations": [{"from": "human", "value": "Q \#(key)?"}, {"from": "gpt", "value": "A."}]}"#
        })
        let screen = try fixture.controller()
        try screen.press(.char("g"))
        try screen.type("beta")
        try screen.press(.enter)
        XCTAssertEqual(screen.state.item?.key, "beta-2", "one key contains it: straight there")
        try screen.press(.char("g"))
        try screen.type("11")
        try screen.press(.enter)
        let chooser = try XCTUnwrap(screen.app.top as? ChooserScreen, "several match: a list")
        XCTAssertEqual(chooser.entries, ["alpha-110", "alpha-111"])
        XCTAssertTrue(screen.frame().text.contains("keys containing 11 (2 of 2)"))
        try screen.press(.down, .enter)
        XCTAssertTrue(screen.app.top === screen.controller)
        XCTAssertEqual(screen.state.item?.key, "alpha-111")
        XCTAssertEqual(screen.state.reason, "jumped to by key")
        // Keys starting with the text come first.
        XCTAssertEqual(try fixture.store.itemKeys(containing: "a", limit: 10).keys, ["alpha-110", "alpha-111", "beta-2"])
        XCTAssertEqual(try fixture.store.itemKeys(containing: "a", limit: 2).more, true)
    }

    func testSlashSearchesTheItemsTextAndListsTheMatchesWithAnExcerpt() throws {
        let fixture = try LabelFixture()
        let screen = try fixture.controller()
        try screen.press(.char("/"))
        try screen.type("ANSWER 3")
        try screen.press(.enter)
        XCTAssertEqual(screen.state.item?.key, "item3", "one match (case ignored): straight there")
        try screen.press(.char("/"))
        try screen.type("question")
        try screen.press(.enter)
        let chooser = try XCTUnwrap(screen.app.top as? ChooserScreen)
        XCTAssertEqual(chooser.entries.count, 4)
        XCTAssertTrue(chooser.entries[1].hasPrefix("item2  "), chooser.entries[1])
        XCTAssertTrue(chooser.entries[1].contains("Question 2?"), chooser.entries[1])
        try screen.press(.escape)
        XCTAssertTrue(screen.app.top === screen.controller)
        try screen.press(.char("/"))
        try screen.type("zebra")
        try screen.press(.enter)
        XCTAssertEqual(screen.state.message, "No item's text contains zebra")
    }

    func testNoteAndFlagAreSavedWithTheLabel() throws {
        let fixture = try LabelFixture()
        let screen = try fixture.controller()
        try screen.press(.char("c"))
        try screen.type("caption disagrees")
        try screen.press(.enter)
        try screen.press(.char("f"))
        try screen.type("41")
        try screen.press(.enter)
        let event = try XCTUnwrap(fixture.events().last)
        XCTAssertEqual(event.note, "caption disagrees")
        XCTAssertTrue(event.flag)
    }

    func testEscapeLeavesTheNoteUnchanged() throws {
        let screen = try LabelFixture().controller()
        try screen.press(.char("c"))
        try screen.type("draft")
        try screen.press(.escape)
        XCTAssertEqual(screen.state.note, "")
        XCTAssertTrue(screen.app.top === screen.controller, "the prompt is closed")
        XCTAssertEqual(screen.state.message, "Note unchanged")
    }

    func testTwoAnnotatorsOnOneDatabaseAreNotServedTheSameItem() throws {
        let fixture = try LabelFixture()
        let ana = try fixture.controller(annotator: "ana")
        let ben = try fixture.controller(annotator: "ben")
        XCTAssertNotNil(ana.state.item)
        XCTAssertNotNil(ben.state.item)
        XCTAssertNotEqual(ana.state.item?.key, ben.state.item?.key)
        var served = Set([ana.state.item!.key, ben.state.item!.key])
        try ana.type("30")
        try ana.press(.enter)
        try ben.type("30")
        try ben.press(.enter)
        for screen in [ana, ben] { if let key = screen.state.item?.key { XCTAssertTrue(served.insert(key).inserted) } }
    }

    func testARestartResumesOnTheItemTheAnnotatorWasOn() throws {
        let fixture = try LabelFixture()
        let first = try fixture.controller()
        try first.type("30")
        try first.press(.enter)
        let onScreen = try XCTUnwrap(first.state.item?.key)
        XCTAssertFalse(try first.press(.char("q")))
        let again = try fixture.controller()
        XCTAssertEqual(again.state.item?.key, onScreen)
        XCTAssertEqual(again.state.reason, "resumed: where you left off")
    }

    func testActiveTimeStopsCountingAfterIdleSeconds() throws {
        let fixture = try LabelFixture()
        let screen = try fixture.controller()
        fixture.clock += 5
        try screen.type("3")
        fixture.clock += 600  // a long break: only idle_seconds (60) count
        try screen.type("0")
        try screen.press(.enter)
        XCTAssertEqual(try fixture.events().last?.activeSeconds, 65)
    }

    func testHostileTextNeverReachesTheGridAsControlCharacters() throws {
        let hostile = #"{"id": "evil", "conversations": [{"from": "human", "value": "hi \u001b[2J\u001b]52;c;AAAA\u0007 \u202eevil\u202c \u009b31m"}, {"from": "gpt", "value": "ok"}]}"#
        let screen = try LabelFixture(records: [hostile]).controller()
        let text = screen.frame().text
        XCTAssertTrue(text.contains("␛[2J"))
        for scalar in text.unicodeScalars where scalar != "\n" {
            XCTAssertFalse(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || (0x202A...0x202E).contains(scalar.value),
                           "control U+\(String(scalar.value, radix: 16)) in the grid")
        }
    }
}

final class ImageOpenerTests: XCTestCase {
    func testOpensTheImageInTheConfiguredViewerWithThePathAsItsArgument() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-open-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = dir.appendingPathComponent("pic with space.png").path
        FileManager.default.createFile(atPath: image, contents: Data([1]))
        let marker = dir.appendingPathComponent("opened.txt").path
        let viewer = "printf '%s' > '\(marker)'"
        let result = ImageOpener.open(image, environment: ["WINNOW_IMAGE_VIEWER": viewer])
        XCTAssertEqual(result, .success(viewer))
        // The viewer runs detached; wait for what it writes, with a deadline.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, (try? String(contentsOfFile: marker, encoding: .utf8)) != image { usleep(20_000) }
        XCTAssertEqual(try String(contentsOfFile: marker, encoding: .utf8), image)
    }

    func testAViewerThatDoesNotExistIsAMessageNotAFalseOpened() throws {
        let image = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-view-\(UUID().uuidString).png").path
        FileManager.default.createFile(atPath: image, contents: Data([1]))
        defer { try? FileManager.default.removeItem(atPath: image) }
        let result = ImageOpener.open(image, environment: ["WINNOW_IMAGE_VIEWER": "nosuchviewer -F", "PATH": "/usr/bin:/bin"])
        XCTAssertEqual(result, .failure(.init(message: "cannot open the image: no program nosuchviewer (check WINNOW_IMAGE_VIEWER)")))
        XCTAssertEqual(ImageOpener.open(image, environment: ["PATH": "/nonexistent"]),
                       .failure(.init(message: "cannot open the image: no program xdg-open (install xdg-utils or set WINNOW_IMAGE_VIEWER (e.g. feh))")))
    }

    func testAMissingImageIsAMessageNotALaunch() {
        XCTAssertEqual(ImageOpener.open("/nonexistent/x.png", environment: [:]), .failure(.init(message: "no image file at /nonexistent/x.png")))
    }
}
