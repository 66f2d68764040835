import Foundation
import GRDB
import XCTest
@testable import WinnowCore
import WinnowTestSupport

/// Grouped folds, the held-out metrics, the synthetic pool, the report and the simulation.
final class EvaluationTests: CoreTestCase {
    // MARK: - Folds and metrics

    func testFoldsNeverSplitAGroupOrAnImageAndBalanceLabels() {
        // a-b share a group, b-c an image: one component {1,2,3}; 4 alone; 5-6 share an image; 7..12 alone.
        var items = [
            EvaluationItem(id: 1, group: "a", image: "x.jpg"), EvaluationItem(id: 2, group: "a", image: "y.jpg"),
            EvaluationItem(id: 3, group: "c", image: "y.jpg"), EvaluationItem(id: 4, group: "d", image: nil),
            EvaluationItem(id: 5, group: "e", image: "z.jpg"), EvaluationItem(id: 6, group: "f", image: "z.jpg"),
        ]
        for id in 7...12 { items.append(EvaluationItem(id: Int64(id), group: "g\(id)", image: "i\(id).jpg")) }
        let components = CrossValidation.components(items)
        XCTAssertEqual(components.first, [1, 2, 3])
        XCTAssertTrue(components.contains([5, 6]))
        XCTAssertEqual(components.count, 9)
        let folds = CrossValidation.folds(items: items, k: 3, seed: 4)
        XCTAssertEqual(folds.count, 12)
        XCTAssertEqual(Set([folds[1], folds[2], folds[3]]).count, 1)
        XCTAssertEqual(folds[5], folds[6])
        var load = [0, 0, 0]
        for (_, f) in folds { load[f] += 1 }
        XCTAssertEqual(load.sorted(), [4, 4, 4], "12 items in 3 balanced folds")
        XCTAssertEqual(folds, CrossValidation.folds(items: items, k: 3, seed: 4), "deterministic with a seed")
    }

    func testMetricsPairwiseTiesCountHalfAndCoverageUsesTheInterval() {
        let spec = TargetSpec(id: RewardModel.overallTarget, kind: .ridge, low: 0, high: 1)
        func targets(_ y: Double) -> ItemTargets {
            var t = ItemTargets()
            t.overall = y
            return t
        }
        // Group g: truths 0.1, 0.5, 0.9, 0.9 → 5 pairs with different truths.
        // Predictions 0.2, 0.2, 0.8, 0.1: (1,2) tie → ½; (1,3) ✓; (1,4) ✗; (2,3) ✓; (2,4) ✗ → 2.5 / 5.
        let truth: [Int64: ItemTargets] = [1: targets(0.1), 2: targets(0.5), 3: targets(0.9), 4: targets(0.9), 5: targets(0.3)]
        let predictions: [Int64: [String: Estimate]] = [
            1: ["overall": Estimate(mean: 0.2, std: 0.1)], 2: ["overall": Estimate(mean: 0.2, std: 0.1)],
            3: ["overall": Estimate(mean: 0.8, std: 0.01)], 4: ["overall": Estimate(mean: 0.1, std: 0.5)],
            5: ["overall": Estimate(mean: 0.3, std: 0.1)],
        ]
        let m = EvaluationMetrics.compute(items: [1, 2, 3, 4, 5], predictions: predictions, targets: truth, specs: [spec],
                                          groupOf: { $0 == 5 ? "h" : "g" })
        XCTAssertEqual(m.count, 5)
        XCTAssertEqual(m.pairs, 5)
        XCTAssertEqual(try XCTUnwrap(m.pairwiseAccuracy), 0.5, accuracy: 1e-12)
        // Inside mean ± 1.96·std: 1 (0.1 vs 0.2±0.196) ✓, 2 (0.5 vs 0.2±0.196) ✗, 3 (0.9 vs 0.8±0.0196) ✗, 4 ✓, 5 ✓.
        XCTAssertEqual(try XCTUnwrap(m.coverage), 0.6, accuracy: 1e-12)
        XCTAssertNotNil(m.spearmanOf("overall"))
        // Too few items: Spearman undefined (null), no pairs.
        let few = EvaluationMetrics.compute(items: [1, 5], predictions: predictions, targets: truth, specs: [spec], groupOf: { _ in "g" })
        XCTAssertNil(few.spearmanOf("overall"))
        XCTAssertEqual(few.json().objectValue?["spearman"]?.objectValue?["overall"], .null)
        XCTAssertEqual(few.pairs, 1)
    }
}
