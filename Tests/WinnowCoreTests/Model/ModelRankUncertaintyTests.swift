import Foundation
import XCTest
@testable import WinnowCore
import WinnowTestSupport

final class ModelRankUncertaintyTests: CoreTestCase {
    func testAnUncertainItemAmongManySimilarScoresComesBeforeAMoreUncertainOutlier() {
        // An outlier at 0 with four times the std of five items crowded around 0.5, and a certain item at 1.
        let mean: [Float] = [0.0, 0.48, 0.49, 0.50, 0.51, 0.52, 1.0]
        let std: [Float] = [0.1, 0.025, 0.025, 0.025, 0.025, 0.025, 0]
        let shares = RankUncertainty.shares(mean: mean, std: std)
        XCTAssertEqual(shares, [1, 3, 4, 5, 4, 3, 1].map { Float($0) / 7 })
        let rules = QueuePolicy.Rules(exploreFraction: 0, seed: 1)
        let candidates = (0..<7).map { QueuePolicy.Candidate(id: Int64($0), group: "g\($0)") }
        let order = QueuePolicy.order(candidates: candidates, uncertainty: { Double(shares[Int($0)]) }, modelVersion: 1,
                                      spreadOrder: [], rules: rules).map(\.itemId)
        XCTAssertEqual(order.first, 3, "the middle of the crowd first")
        XCTAssertLessThan(order.firstIndex(of: 5)!, order.firstIndex(of: 0)!, "the outlier after the crowd despite its larger std")
    }

    func testEqualPredictionsCountEachOtherAndTheShareIsAtMostOne() {
        XCTAssertEqual(RankUncertainty.shares(mean: [0.3, 0.3, 0.3, 0.9], std: [0, 0, 0, 0]), [0.75, 0.75, 0.75, 0.25])
        XCTAssertEqual(RankUncertainty.shares(mean: [0.2, 0.4, 0.6], std: [5, 0, 0]), [1, Float(1) / 3, Float(1) / 3])
        XCTAssertEqual(RankUncertainty.shares(mean: [], std: []), [])
    }

    func testTheQueueRanksByTheRankUncertaintyOfTheOverallPrediction() throws {
        let rubric = try TestRubric.rubric()
        let qualities = (0..<90).map { 1 + ($0 * 3 + $0 / 7) % 5 }
        let ids = try Synthetic.insert(qualities.enumerated().map { Synthetic.item($0.offset, quality: $0.element) }, into: store)
        try Synthetic.label((0..<40).map { (ids[$0], qualities[$0]) }, store: store, rubric: rubric)
        try XCTUnwrap(RewardModel.refit(store: store, rubric: rubric))
        let scores = try XCTUnwrap(ModelScores.current(store: store))
        let overall = try ids.map { try XCTUnwrap(scores.prediction(for: $0)?.overall) }
        // The stored std is predictive (the noise σ and the std of the mean in quadrature); the queue ranks by
        // the std of the mean alone. σ is in the metrics, rounded to 1e-6, so a share may differ by an item or two.
        let sigma = try XCTUnwrap(scores.version.metrics.objectValue?["targets"]?.objectValue?["overall"]?.objectValue?["sigma"]?.doubleValue)
        XCTAssertTrue(overall.allSatisfy { $0.std >= sigma - 1e-5 }, "the predictive std includes the noise")
        let ofMean = overall.map { Float(max($0.std * $0.std - sigma * sigma, 0).squareRoot()) }
        let expected = RankUncertainty.shares(mean: overall.map { Float($0.mean) }, std: ofMean)
        let stored = try ids.map { try XCTUnwrap(scores.uncertainty(of: $0)) }
        let meanDifference = zip(stored, expected).map { abs($0 - Double($1)) }.reduce(0, +) / Double(ids.count)
        XCTAssertLessThan(meanDifference, 0.03, "every item's stored uncertainty is the rank uncertainty of the std of its mean")
        XCTAssertGreaterThan(Set(stored).count, 3, "the shares differ between items")
    }
}
