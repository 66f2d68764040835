import Foundation
import GRDB
import XCTest
@testable import WinnowCore
import WinnowTestSupport

/// The group-relative model, the penalty chosen by marginal likelihood, and the baselines of the report.
final class ModelGroupRelativeTests: CoreTestCase {
    private var rubric: Rubric!

    override func setUpWithError() throws {
        try super.setUpWithError()
        rubric = try TestRubric.rubric()
    }

    /// Groups of four candidates, all with the same instruction. Within every group a longer answer is
    /// better; across groups it is the other way round: the "long" groups (odd) are worse than the "short"
    /// ones (even), so a model that only sees each item on its own learns that length hurts.
    private func confoundedGroups(_ count: Int) throws -> (ids: [Int64], quality: [Int]) {
        var items: [SyntheticItem] = []
        var quality: [Int] = []
        for g in 0..<count {
            for c in 0..<4 {
                let long = g % 2 == 1
                var generator = SeededGenerator(seed: UInt64(g * 4 + c) &* 31 &+ 5)
                let length = (long ? 40 : 6) + 5 * c
                let words = (0..<length).map { _ in Synthetic.filler[Int(generator.next() % UInt64(Synthetic.filler.count))] }
                items.append(SyntheticItem(key: "g\(g)c\(c)", group: "g\(g)", image: "img\(g).jpg", captions: [],
                                           instruction: "Describe the picture.", response: words.joined(separator: " ") + "."))
                quality.append(long ? 1 + c / 2 : 2 + c)
            }
        }
        return (try Synthetic.insert(items, into: store), quality)
    }

    private func snapshot() throws -> ([TargetLabel], FeatureMatrix, [Int64: EvaluationItem]) {
        try FeatureCache.update(store: store)
        let matrix = FeatureMatrix()
        let (labels, items) = try store.pool.read { db -> ([TargetLabel], [Int64: EvaluationItem]) in
            try matrix.update(db)
            return (try Targets.labels(db, rubric: rubric, useImported: false).labels, try EvaluationItem.all(db))
        }
        return (labels, matrix, items)
    }

    private func heldOutPairwise(relative: Bool, labels: [TargetLabel], matrix: FeatureMatrix, items: [Int64: EvaluationItem]) throws -> Double {
        var options = RewardModel.Options()
        options.relativeFeatures = relative
        let labeled = Array(Set(labels.map(\.itemId))).sorted().map { items[$0]! }
        let folds = CrossValidation.folds(items: labeled, k: 4, seed: 3)
        let result = CrossValidation.run(labels: labels, rubric: rubric, matrix: matrix, foldOf: folds, k: 4, options: options)
        let metrics = EvaluationMetrics.compute(items: result.items, predictions: result.predictions, targets: result.targets,
                                                specs: result.specs, groupOf: { items[$0]?.group })
        XCTAssertEqual(metrics.count, labeled.count, "every item predicted out of fold")
        return try XCTUnwrap(metrics.pairwiseAccuracy)
    }

    func testTheGroupRelativeModelLearnsTheOrderWithinGroupsBetterThanThePointwiseOne() throws {
        let (ids, quality) = try confoundedGroups(24)
        try Synthetic.label(zip(ids, quality).map { ($0, $1) }, store: store, rubric: rubric)
        let (labels, matrix, items) = try snapshot()
        let relative = try heldOutPairwise(relative: true, labels: labels, matrix: matrix, items: items)
        let pointwise = try heldOutPairwise(relative: false, labels: labels, matrix: matrix, items: items)
        XCTAssertGreaterThan(relative, 0.85, "held-out within-group pairwise accuracy, group-relative")
        XCTAssertGreaterThan(relative, pointwise + 0.2, "the pointwise model (\(pointwise)) mixes in the between-group trend")
    }

    func testThePoolScorerGivesTheFittedModelsPredictionsForItemsInGroupsAndAlone() throws {
        let (ids, quality) = try confoundedGroups(8)
        // Items alone in their group take the same path as every item did before groups counted.
        let alone = try Synthetic.insert((0..<6).map { Synthetic.item(100 + $0, quality: 1 + $0 % 5, group: "alone\($0)") }, into: store)
        try Synthetic.label(zip(ids, quality).map { ($0, $1) } + alone.enumerated().map { ($0.element, 1 + $0.offset % 5) },
                            store: store, rubric: rubric)
        let (labels, matrix, _) = try snapshot()
        let fitted = try XCTUnwrap(RewardModel.fit(labels: labels, rubric: rubric, matrix: matrix, options: RewardModel.Options()))
        let output = fitted.scorer.score(matrix: matrix, mean: fitted.mean, scale: fitted.scale)
        let all = ids + alone
        let (rows, width) = RewardModel.learnerRows(all, matrix: matrix, mean: fitted.mean, scale: fitted.scale, relative: true)
        XCTAssertEqual(width, matrix.width + matrix.relativeColumns.count)
        for (c, fit) in fitted.scorer.fits.enumerated() where fit.spec.kind == .ridge {
            var compared = 0
            for (i, id) in all.enumerated() {
                var direct = 0.0
                for j in 0..<width { direct += Double(rows[i * width + j]) * fit.weights[j] }
                let scored = Double(output.mean[c][matrix.row[id]!])
                guard direct > fit.spec.low + 1e-3, direct < fit.spec.high - 1e-3 else {
                    XCTAssertEqual(scored, min(max(direct, fit.spec.low), fit.spec.high), accuracy: 1e-3, "clamped to the range")
                    continue
                }
                XCTAssertEqual(scored, direct, accuracy: 1e-3 * max(1, abs(direct)), "\(fit.spec.id), item \(id)")
                compared += 1
            }
            XCTAssertGreaterThan(compared, all.count / 2)
        }
    }

    func testThePenaltyChosenByMarginalLikelihoodIsSmallForAClearSignalAndLargeForNoise() throws {
        let n = 200, k = 11
        var gauss = GaussianSource(seed: 4)
        var rows = [Float](repeating: 0, count: n * k)
        for i in 0..<n {
            for j in 0..<(k - 1) { rows[i * k + j] = Float(gauss.next()) }
            rows[i * k + k - 1] = 1
        }
        let signal = (0..<n).map { i in (0..<(k - 1)).reduce(0.0) { $0 + Double(rows[i * k + $1]) * Double($1 % 3 - 1) } + 0.05 * gauss.next() }
        let noise = (0..<n).map { _ in gauss.next() }
        func chosen(_ y: [Double]) throws -> Double {
            var learner = Learner(width: k, lambda: 1, biasColumn: k - 1, samples: 4, seed: 1, choosePenalty: true)
            let fit = try XCTUnwrap(learner.fitRidge(spec: TargetSpec(id: "y", kind: .ridge, low: -100, high: 100), rows: rows,
                                                     use: Array(0..<n), y: y))
            XCTAssertEqual(fit.metrics["lambda_chosen_by"]?.stringValue, "marginal likelihood")
            return try XCTUnwrap(fit.metrics["lambda"]?.doubleValue)
        }
        let clear = try chosen(signal), random = try chosen(noise)
        XCTAssertLessThan(clear, 1, "a clear signal is barely penalised")
        XCTAssertGreaterThan(random, 100, "noise is shrunk to nothing")
        var fixed = Learner(width: k, lambda: 3, biasColumn: k - 1, samples: 4, seed: 1, choosePenalty: false)
        let fit = try XCTUnwrap(fixed.fitRidge(spec: TargetSpec(id: "y", kind: .ridge, low: -100, high: 100), rows: rows, use: Array(0..<n), y: noise))
        XCTAssertEqual(fit.metrics["lambda"]?.doubleValue, 3)
        XCTAssertEqual(fit.metrics["lambda_chosen_by"]?.stringValue, "fixed")
    }

    // MARK: - Baselines

    func testBaselinesUseLengthAloneAndTheBestFeatureChosenOnTrainingFoldsOnly() throws {
        // Every group: the shorter answer is the better one.
        var items: [SyntheticItem] = []
        var quality: [Int] = []
        for g in 0..<20 {
            for c in 0..<3 {
                let words = (0..<(5 + 4 * c + g % 3)).map { Synthetic.filler[($0 * 7 + g + c) % Synthetic.filler.count] }
                items.append(SyntheticItem(key: "b\(g)c\(c)", group: "b\(g)", image: "b\(g).jpg", captions: [],
                                           instruction: "What is shown?", response: words.joined(separator: " ") + "."))
                quality.append(5 - c)
            }
        }
        let ids = try Synthetic.insert(items, into: store)
        try Synthetic.label(zip(ids, quality).map { ($0, $1) }, store: store, rubric: rubric)
        let (labels, matrix, evaluationItems) = try snapshot()
        let targets = Targets.compute(labels: labels, rubric: rubric)
        let folds = CrossValidation.folds(items: ids.map { evaluationItems[$0]! }, k: 4, seed: 1)
        let groupOf: (Int64) -> String? = { evaluationItems[$0]?.group }

        let length = Baseline.length(items: ids, targets: targets, matrix: matrix, groupOf: groupOf)
        XCTAssertEqual(length.metrics.pairs, 20 * 3)
        XCTAssertEqual(length.metrics.pairwiseAccuracy, 0, "longer is always worse here")
        let best = Baseline.bestSingleFeature(items: ids, targets: targets, matrix: matrix, foldOf: folds, k: 4, groupOf: groupOf)
        XCTAssertEqual(best.metrics.pairwiseAccuracy, 1, "some length feature, reversed, orders every group")
        XCTAssertTrue(best.feature?.hasPrefix("-") == true, best.feature ?? "nil")
        XCTAssertEqual(best.foldsAgreeing, 4)
        XCTAssertNil(best.metrics.coverage, "a baseline has no interval")

        // A feature that is perfect on the held-out fold but not on the training folds is not chosen:
        // the choice never looks at the items it is measured on.
        let heldOut = Set(ids.filter { folds[$0] == 0 })
        var flipped = targets
        for id in ids where !heldOut.contains(id) {
            let q = quality[ids.firstIndex(of: id)!]
            flipped[id]!.overall = Double(q) / 5 + (q == 3 ? 0 : 0)
        }
        for (i, id) in ids.enumerated() where !heldOut.contains(id) { flipped[id]!.overall = 1 - Double(quality[i]) / 5 }
        let chosenOnTraining = Baseline.bestSingleFeature(items: ids, targets: flipped, matrix: matrix, foldOf: folds, k: 4, groupOf: groupOf)
        let heldOutItems = ids.filter { heldOut.contains($0) }
        let heldOutMetrics = EvaluationMetrics.compute(
            items: heldOutItems,
            predictions: Dictionary(uniqueKeysWithValues: heldOutItems.map { id in
                (id, [RewardModel.overallTarget: Estimate(mean: Double(matrix.values[matrix.row[id]! * matrix.width + matrix.denseOffset + 1]), std: 0)])
            }),
            targets: flipped, specs: [TargetSpec(id: RewardModel.overallTarget, kind: .ridge, low: 0, high: 1)], groupOf: groupOf)
        XCTAssertEqual(heldOutMetrics.pairwiseAccuracy, 0, "on the held-out fold longer is still worse")
        XCTAssertEqual(chosenOnTraining.metrics.pairwiseAccuracy.map { $0 < 1 }, true,
                       "fold 0 is predicted with the sign its training folds preferred, which is wrong there")
    }
}
