import XCTest
import WinnowCore
@testable import WinnowTUI

/// The header follows the database while the expert does not type: other annotators' saves and new
/// model versions arrive on the app loop's ticks.
final class LabelLiveHeaderTests: XCTestCase {
    private func fixture() throws -> LabelFixture {
        try LabelFixture(records: (1...12).map { i in
            #"{"id": "item\#(i)", "conversations": [{"from": "human", "value": "Question \#(i)?"}, {"from": "gpt", "value": "Answer \#(i) \#(String(repeating: "long ", count: i))."}]}"#
        })
    }

    /// `count` labels by `annotator` on items other than `except`, with varied scores.
    private func label(_ fixture: LabelFixture, by annotator: String, count: Int, except: Int64?) throws {
        let log = LabelLog(store: fixture.store)
        let rubric = StoredRubric(fixture.rubric)
        var done = 0
        for id in Int64(1)...12 where id != except && done < count {
            let scores = #"{"correctness":\#(1 + Int(id) % 5),"hallucination":\#(id % 3 == 0)}"#
            _ = try log.save(itemId: id, annotator: annotator, rubric: rubric, scores: scores, activeSeconds: 5)
            done += 1
        }
    }

    func testAnotherAnnotatorsSavesShowInTheHeaderWithoutAKeyPress() throws {
        let fixture = try fixture()
        let ana = try fixture.controller(annotator: "ana")
        XCTAssertTrue(ana.frame().row(0).contains("0/12 labeled"))
        try label(fixture, by: "ben", count: 3, except: ana.currentItem)
        try ana.idle()
        XCTAssertTrue(ana.frame().row(0).contains("0/12 labeled"), "counts are read at most every \(ProgressTracker.interval) s")
        fixture.clock += ProgressTracker.interval + 1
        try ana.idle()
        XCTAssertTrue(ana.frame().row(0).contains("3/12 labeled"), ana.frame().row(0))
    }

    func testTheHeaderShowsYourOwnCountAndWhatIsLeftForYouOverlapIncluded() throws {
        let fixture = try fixture()
        // Every item is an overlap item for two people: ben's three labels leave them open to ana.
        _ = try Config(store: fixture.store).set("overlap", "1")
        let ana = try fixture.controller(annotator: "ana")
        XCTAssertTrue(ana.frame().row(0).contains("you 0, 12 left"), ana.frame().row(0))
        try label(fixture, by: "ben", count: 3, except: nil)
        fixture.clock += ProgressTracker.interval + 1
        try ana.idle()
        let header = ana.frame().row(0)
        XCTAssertTrue(header.contains("3/12 labeled") && header.contains("you 0, 12 left"), header)
        try ana.type("40")
        try ana.press(.enter)
        XCTAssertTrue(ana.frame().row(0).contains("you 1, 11 left"), ana.frame().row(0))
        // Without overlap, ben's items are closed to ana: they are not left for her.
        _ = try Config(store: fixture.store).set("overlap", "0")
        fixture.clock += ProgressTracker.interval + 1
        try ana.idle()
        XCTAssertTrue(ana.frame().row(0).contains("you 1, 8 left"), ana.frame().row(0))
    }

    func testANewModelVersionShowsInTheHeaderWithoutAKeyPress() throws {
        let fixture = try fixture()
        let ana = try fixture.controller(annotator: "ana")
        XCTAssertFalse(ana.frame().row(0).contains("model"))
        try label(fixture, by: "ben", count: 10, except: ana.currentItem)
        var options = RewardModel.Options()
        options.minimumLabels = 5
        options.minimumTargetLabels = 5
        let version = try XCTUnwrap(try RewardModel.refit(store: fixture.store, rubric: fixture.rubric, options: options))
        try ana.idle()
        XCTAssertFalse(ana.frame().row(0).contains("model"), "the version is polled every \(ModelWatch.interval) s")
        // The worker of this session posts its refits: the screen looks at once.
        ana.app.inbox.post(ModelRefitted(version: version.id))
        try ana.idle()
        XCTAssertTrue(ana.frame().row(0).contains("model \(version.id)"), ana.frame().row(0))
        // A refit made elsewhere (`winnow worker`) shows at the next poll.
        let second = try XCTUnwrap(try RewardModel.refit(store: fixture.store, rubric: fixture.rubric, options: options))
        fixture.clock += ModelWatch.interval + 0.5
        try ana.idle()
        XCTAssertTrue(ana.frame().row(0).contains("model \(second.id)"), ana.frame().row(0))
    }

    func testShowModelPutsTheOverallPredictionInTheHeader() throws {
        let fixture = try fixture()
        try label(fixture, by: "ben", count: 10, except: nil)
        var options = RewardModel.Options()
        options.minimumLabels = 5
        options.minimumTargetLabels = 5
        XCTAssertNotNil(try RewardModel.refit(store: fixture.store, rubric: fixture.rubric, options: options))
        let lead = try fixture.controller(annotator: "lead", showModel: true)
        let overall = try XCTUnwrap(lead.state.modelHints["overall"])
        // The header is wider than 120 columns with everything in it; at 200 the prediction fits.
        lead.app.resize(width: 200, height: 50)
        XCTAssertTrue(lead.frame().row(0).contains("overall " + overall), lead.frame().row(0))
        let annotator = try fixture.controller(annotator: "ana")
        annotator.app.resize(width: 200, height: 50)
        XCTAssertFalse(annotator.frame().row(0).contains("overall"), "hidden without --show-model")
    }
}
