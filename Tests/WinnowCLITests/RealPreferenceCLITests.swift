import Foundation
import XCTest
import WinnowCore

/// The reward model on real human preferences: Align2LLaVA's released answer-set scores in
/// ../shared/data/align2llava-dev (not in the repository; skipped without it).
final class RealPreferenceCLITests: CLITestCase {
    func testTheModelBeatsLengthAloneAndItsIntervalsCoverHeldOutScores() throws {
        let answers = WinnowProcess.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/align2llava-dev/answers.json").path
        guard FileManager.default.fileExists(atPath: answers) else { throw XCTSkip("no ../shared/data/align2llava-dev beside the clone (CI has it)") }
        let rubric = bundled("rubrics/human-preference.yaml")
        try succeed(["import", answers, "--scores-as", "align2llava", "--scores-criterion", "preference", "--rubric", rubric])
        let worker = try XCTUnwrap(json(try succeed(["worker", "--once", "--use-imported", "--rubric", rubric, "--json"]).stdout).objectValue)
        let overall = try XCTUnwrap(worker["metrics"]?.objectValue?["targets"]?.objectValue?["overall"]?.objectValue)
        XCTAssertNotNil(overall["objective"]?.stringValue, "the version says which objective was chosen")
        XCTAssertNotNil(overall["inner_cv_pairwise"]?.objectValue, "and the inner cross-validation that chose it")
        let report = try XCTUnwrap(json(try succeed(["model", "report", "--json"]).stdout).objectValue)
        let cv = try XCTUnwrap(report["cv"]?.objectValue)
        let length = try XCTUnwrap(report["baselines"]?.objectValue?["length"]?.objectValue)
        let modelPairwise = try XCTUnwrap(cv["pairwise_accuracy"]?.doubleValue)
        let modelSpearman = try XCTUnwrap(cv["spearman"]?.objectValue?["overall"]?.doubleValue)
        XCTAssertGreaterThan(modelPairwise, try XCTUnwrap(length["pairwise_accuracy"]?.doubleValue))
        XCTAssertGreaterThan(modelSpearman, try XCTUnwrap(length["spearman"]?.doubleValue))
        let coverage = try XCTUnwrap(cv["coverage"]?.doubleValue)
        XCTAssertGreaterThanOrEqual(coverage, 0.90)
        XCTAssertLessThanOrEqual(coverage, 0.98)
    }
}
