import Foundation
import GRDB
import WinnowCore
@testable import WinnowTUI
import XCTest

/// The group screen headless: keys through the app loop, frames read back as text and styles, labels
/// read back from the SQLite file.
final class GroupScreenTests: XCTestCase {
    static let rubricYAML = """
        name: group-test
        version: "1"
        criteria:
          - id: quality
            title: Quality
            question: How good is the answer?
            kind: scale
            values: [1, 2, 3, 4, 5]
            required: true
          - id: hallucination
            title: Hallucination
            question: Does it invent things?
            kind: flag
            required: true
            better: false
          - id: order
            title: Order
            question: Best to worst?
            kind: rank
            required: true
        """

    var directory: URL!
    var store: Store!
    var rubric: Rubric!
    var clock = 1_000_000.0

    /// `groups` records, each one gpt turn of `candidates` answers; answer c of record r says "answer c of rR"
    /// plus a word of its own ("unique-c").
    func makeFixture(groups: Int = 2, candidates: Int = 3, rubricYAML: String = GroupScreenTests.rubricYAML) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-group-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try Store(path: directory.appendingPathComponent("db.sqlite").path)
        rubric = try Rubric.parse(yaml: rubricYAML, file: "group.yaml")
        let records = (1...groups).map { r in
            let answers = (0..<candidates).map { c in "\"answer \(c) of r\(r) unique\(c)\"" }.joined(separator: ", ")
            return #"{"id": "r\#(r)", "conversations": [{"from": "human", "value": "Question \#(r)?"}, {"from": "gpt", "value": [\#(answers)]}]}"#
        }
        let file = directory.appendingPathComponent("candidates.json")
        try Data(("[" + records.joined(separator: ",") + "]").utf8).write(to: file)
        _ = try Importer(store: store).run(Importer.Options(files: [file.path]))
    }

    override func tearDown() {
        store = nil
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    func driver(annotator: String = "ana", width: Int = 120, height: Int = 40) throws -> (AppLoop, GroupController) {
        let controller = try GroupController(store: store, rubric: rubric, annotator: annotator, imagesDirectory: nil, colorMode: .none,
                                             now: { self.clock })
        try controller.start()
        let app = AppLoop(root: controller, now: { self.clock })
        app.resize(width: width, height: height)
        return (app, controller)
    }

    func press(_ app: AppLoop, _ keys: Key...) throws {
        for key in keys { _ = try app.send(key) }
    }

    func type(_ app: AppLoop, _ text: String) throws {
        for c in text { _ = try app.send(.char(c)) }
    }

    func frame(_ app: AppLoop) -> Grid { app.frame() }

    func labels(_ annotator: String = "ana") throws -> [String: String] {
        var result: [String: String] = [:]
        for label in try LabelLog(store: store).currentLabels() where label.event.annotator == annotator { result[label.itemKey] = label.event.scores }
        return result
    }

    // MARK: grading

    func testValueKeysGoAcrossTheCandidatesThenToTheNextCriterionAndEnterSavesTheWholeGroup() throws {
        try makeFixture()
        let (app, controller) = try driver()
        let group = try XCTUnwrap(controller.state.group)
        // Quality of 1, 2, 3; hallucination of 1, 2, 3; the ranking 3 then 1 (2 is placed last by itself).
        try type(app, "425")
        XCTAssertEqual(controller.state.focus, 1, "after the last candidate's quality, the next criterion")
        XCTAssertEqual(controller.state.candidate, 0)
        try type(app, "010")
        XCTAssertEqual(controller.state.focus, 2)
        try type(app, "31")
        XCTAssertEqual(controller.state.rankings["order"], [2, 0, 1])
        XCTAssertTrue(frame(app).text.contains("3 > 1 > 2"))
        try press(app, .enter)
        XCTAssertNotEqual(controller.state.group, group, "the next group is on screen")
        let saved = try labels()
        let name = GroupKey(parsing: group).name
        XCTAssertEqual(saved["\(name)/c0"], #"{"quality":4,"hallucination":false,"order":2}"#)
        XCTAssertEqual(saved["\(name)/c1"], #"{"quality":2,"hallucination":true,"order":3}"#)
        XCTAssertEqual(saved["\(name)/c2"], #"{"quality":5,"hallucination":false,"order":1}"#)
        let events = try store.labelEvents()
        XCTAssertEqual(events.map(\.mode), [.group, .group, .group])
        XCTAssertEqual(Set(events.map(\.activeSeconds)).count, 1, "the group's time split evenly")
        XCTAssertTrue(controller.state.message?.contains("Saved 3 labels") == true)
    }

    func testEnterIsRefusedUntilEveryCandidateHasItsRequiredValuesAndTheRankingIsComplete() throws {
        try makeFixture()
        let (app, controller) = try driver()
        try type(app, "42")
        try press(app, .enter)
        XCTAssertTrue(controller.state.message?.hasPrefix("Not saved") == true, controller.state.message ?? "")
        XCTAssertEqual(controller.state.candidate, 2, "focus goes to the first missing value")
        XCTAssertEqual(try store.labelEvents().count, 0)
        try type(app, "5010")
        try type(app, "3")
        try press(app, .enter)
        XCTAssertTrue(controller.state.message?.contains("ranking Order is not complete") == true, controller.state.message ?? "")
        try type(app, "1")
        try press(app, .enter)
        XCTAssertEqual(try store.labelEvents().count, 3)
    }

    func testRankKeysRefuseARepeatAndBackspaceStartsTheRankingAgain() throws {
        try makeFixture()
        let (app, controller) = try driver()
        try press(app, .up)  // to the ranking, the last criterion
        XCTAssertEqual(controller.state.focusedCriterion?.id, "order")
        try type(app, "22")
        XCTAssertTrue(controller.state.message?.contains("already placed 1") == true, controller.state.message ?? "")
        try type(app, "7")
        XCTAssertTrue(controller.state.message?.contains("is not a candidate") == true, controller.state.message ?? "")
        try press(app, .backspace)
        XCTAssertNil(controller.state.rankings["order"])
    }

    func testUndoTakesBackTheWholeGroupAndShowsItsValues() throws {
        try makeFixture()
        let (app, controller) = try driver()
        let group = controller.state.group
        try type(app, "123" + "000" + "12")
        try press(app, .enter)
        let second = controller.state.group
        XCTAssertNotEqual(second, group)
        try type(app, "u")
        XCTAssertEqual(controller.state.group, group)
        XCTAssertTrue(try labels().isEmpty)
        XCTAssertEqual(controller.state.candidates.map { $0.values["quality"] }, [.number(1), .number(2), .number(3)])
        XCTAssertEqual(controller.state.rankings["order"], [0, 1, 2])
        try press(app, .enter)
        XCTAssertEqual(try labels().count, 3)
        XCTAssertEqual(controller.state.group, second, "the group the undo set aside comes back")
    }

    func testHistoryWalksBackToASavedGroupEditsItAndReturnsToTheQueue() throws {
        try makeFixture(groups: 3)
        let (app, controller) = try driver()
        let first = controller.state.group
        try type(app, "111" + "000" + "12")
        try press(app, .enter)
        let queued = controller.state.group
        try type(app, "p")
        XCTAssertEqual(controller.state.group, first)
        XCTAssertTrue(controller.state.editing)
        try press(app, .left)  // candidate 3 of 3
        try type(app, "5")
        try press(app, .enter)
        XCTAssertEqual(controller.state.group, queued, "after the edit, back to the queue's group")
        let name = GroupKey(parsing: first!).name
        XCTAssertEqual(try labels()["\(name)/c2"], #"{"quality":5,"hallucination":false,"order":3}"#)
        XCTAssertEqual(try store.labelEvents().filter { $0.action == .edit }.count, 3)
    }

    func testValuesTypedButNotSavedComeBackAsDraftsInANewSession() throws {
        try makeFixture()
        do {
            let (app, controller) = try driver()
            try type(app, "43")
            XCTAssertTrue(controller.state.unsaved)
            try type(app, "q")
        }
        let (_, again) = try driver()
        XCTAssertEqual(again.state.candidates.map { $0.values["quality"] }, [.number(4), .number(3), nil])
        XCTAssertEqual(again.state.candidate, 2, "on where the expert stopped")
        XCTAssertTrue(again.state.unsaved)
        XCTAssertTrue(try labels().isEmpty, "a draft is never a label")
    }

    // MARK: the layout

    func testSharedPromptOnceAndCardsPagedAt80x24AndSideBySideAt200x60() throws {
        try makeFixture(groups: 1, candidates: 7)
        let (app, controller) = try driver(width: 80, height: 24)
        let small = frame(app).text
        XCTAssertEqual(small.components(separatedBy: "Question 1?").count - 1, 1, "the prompt is shown once")
        XCTAssertTrue(small.contains("candidates 1-2 of 7"), small)
        XCTAssertTrue(small.contains("answer 0 of r1"))
        XCTAssertFalse(small.contains("answer 3 of r1"))
        try press(app, .right, .right, .right)
        let paged = frame(app).text
        XCTAssertTrue(paged.contains("candidates 3-4 of 7"), paged)
        XCTAssertTrue(paged.contains("answer 3 of r1"))
        XCTAssertEqual(controller.state.candidate, 3)
        app.resize(width: 200, height: 60)
        let large = frame(app).text
        XCTAssertTrue(large.contains("candidates 1-5 of 7") || large.contains("candidates 6-7 of 7") || large.contains("7 candidates"), large)
        XCTAssertTrue(large.contains("answer 4 of r1") || large.contains("answer 6 of r1"), large)
    }

    func testWordsNoOtherCandidateHasAreMarked() throws {
        try makeFixture(groups: 1, candidates: 2)
        let (app, _) = try driver()
        let grid = frame(app)
        var own: CellStyle?
        var shared: CellStyle?
        for y in 0..<grid.height {
            let row = grid.row(y)
            if let range = row.range(of: "unique0") {
                own = grid[row.distance(from: row.startIndex, to: range.lowerBound), y]?.style
            }
            if let range = row.range(of: "answer 0") {
                shared = grid[row.distance(from: row.startIndex, to: range.lowerBound), y]?.style
            }
        }
        XCTAssertEqual(own, Theme.distinct)
        XCTAssertEqual(shared, .plain)
        XCTAssertEqual(GroupScreen.ownWords(["a red ball.", "A blue ball"]), [["red"], ["blue"]])
    }

    func testTheKeyMapIsDeclaredOnceAndTheFooterAndHelpComeFromIt() throws {
        XCTAssertTrue(GroupScreen.keys.duplicateKeys.isEmpty)
        XCTAssertEqual(GroupScreen.keys.action(for: .right), .nextCandidate)
        XCTAssertEqual(GroupScreen.keys.action(for: .char("p")), .previous)
        XCTAssertTrue(GroupScreen.keys.help.contains { $0.keys == "1-9 on a ranking" })
        try makeFixture()
        let (app, _) = try driver()
        let footer = frame(app).row(39)
        for hint in GroupScreen.keys.footer.prefix(4) { XCTAssertTrue(footer.contains(hint.short), footer) }
    }

    func testARubricBindingAGroupScreenKeyIsRefused() throws {
        let yaml = """
            name: clash
            version: "1"
            criteria:
              - id: a
                title: A
                question: Q?
                kind: choice
                values: [x, y]
                keys: {x: J, y: v}
            """
        try makeFixture(rubricYAML: yaml)
        XCTAssertThrowsError(try driver()) { error in
            XCTAssertTrue("\(error)".contains("binds J"), "\(error)")
        }
    }

    func testAGroupOfMoreThanNineCandidatesCannotBeRankedAndSaysSo() throws {
        let yaml = Self.rubricYAML.replacingOccurrences(of: "kind: rank\n    required: true", with: "kind: rank")
        try makeFixture(groups: 1, candidates: 10, rubricYAML: yaml)
        let (app, controller) = try driver(width: 200, height: 60)
        try press(app, .up)
        try type(app, "1")
        XCTAssertTrue(controller.state.message?.contains("cannot be ranked") == true, controller.state.message ?? "")
        XCTAssertTrue(frame(app).text.contains("not rankable"))
    }

    func testANewModelVersionShowsInTheHeaderWithoutAKey() throws {
        try makeFixture(groups: 4)
        let (app, _) = try driver()
        XCTAssertFalse(frame(app).row(0).contains("model"))
        // Another annotator's groups, then a refit elsewhere (`winnow worker`).
        let ben = try GroupServer(store: store, annotator: "ben")
        for _ in 0..<2 {
            let served = try XCTUnwrap(try ben.next())
            _ = try ben.saveAndNext(current: served, serveNext: false) { db in
                try LabelLog.saveGroup(db, members: served.members.enumerated().map { i, id in
                    .init(itemId: id, scores: #"{"quality":\#(i + 2),"hallucination":\#(i == 0)}"#)
                }, annotator: "ben", rubric: StoredRubric(rubric), activeSeconds: 3)
            }
        }
        var options = RewardModel.Options()
        options.minimumLabels = 5
        options.minimumTargetLabels = 5
        let version = try XCTUnwrap(try RewardModel.refit(store: store, rubric: rubric, options: options))
        clock += 3
        try app.tick()
        XCTAssertTrue(frame(app).row(0).contains("model \(version.id)"), frame(app).row(0))
    }
}
