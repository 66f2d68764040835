import Foundation
import GRDB
import XCTest
@testable import WinnowCore
import WinnowTestSupport

final class ModelLearnerTests: CoreTestCase {
    private var rubric: Rubric!

    override func setUpWithError() throws {
        try super.setUpWithError()
        rubric = try TestRubric.rubric()
    }

    private func options(minimum: Int = 20) -> RewardModel.Options {
        var o = RewardModel.Options()
        o.minimumLabels = minimum
        return o
    }

    func testItLearnsASignalThatShowsInTheText() throws {
        let qualities = (0..<140).map { 1 + ($0 * 7 + $0 / 5) % 5 }
        let ids = try Synthetic.insert(qualities.enumerated().map { Synthetic.item($0.offset, quality: $0.element) }, into: store)
        let train = Array(0..<80)
        try Synthetic.label(train.map { (ids[$0], qualities[$0]) }, store: store, rubric: rubric)
        let version = try XCTUnwrap(RewardModel.refit(store: store, rubric: rubric, options: options()))
        XCTAssertEqual(version.labelsUsed, 80)
        XCTAssertEqual(version.itemsScored, 140)
        let scores = try XCTUnwrap(ModelScores.current(store: store))
        XCTAssertEqual(scores.version, version)
        let heldOut = Array(80..<140)
        let predicted = try heldOut.map { try XCTUnwrap(scores.prediction(for: ids[$0])?.criteria["quality"]?.mean) }
        let truth = heldOut.map { Double(qualities[$0]) }
        let rho = try XCTUnwrap(spearman(predicted, truth))
        XCTAssertGreaterThan(rho, 0.7, "held-out Spearman of quality")
        let overall = try heldOut.map { try XCTUnwrap(scores.prediction(for: ids[$0])?.overall?.mean) }
        XCTAssertGreaterThan(try XCTUnwrap(spearman(overall, truth)), 0.7, "held-out Spearman of the overall score")
        // The flag: probability of hallucination higher for the bad half.
        let p = try heldOut.map { try XCTUnwrap(scores.prediction(for: ids[$0])?.criteria["hallucination"]?.mean) }
        let bad = zip(p, truth).filter { $0.1 <= 2 }.map(\.0), good = zip(p, truth).filter { $0.1 >= 4 }.map(\.0)
        XCTAssertGreaterThan(bad.reduce(0, +) / Double(bad.count), good.reduce(0, +) / Double(good.count) + 0.2)
        // Metrics are recorded with the version.
        let metrics = try XCTUnwrap(version.metrics.objectValue)
        XCTAssertEqual(metrics["labels_used"]?.doubleValue, 80)
        XCTAssertEqual(metrics["targets"]?.objectValue?["quality"]?.objectValue?["kind"]?.stringValue, "ridge")
        XCTAssertEqual(metrics["targets"]?.objectValue?["hallucination"]?.objectValue?["kind"]?.stringValue, "logistic")
        XCTAssertNil(metrics["targets"]?.objectValue?["tone"], "choices are not modelled")
    }

    func testUncertaintyIsHigherForItemsUnlikeTheTrainingData() throws {
        let qualities = (0..<60).map { 1 + $0 % 5 }
        var items = qualities.enumerated().map { Synthetic.item($0.offset, quality: $0.element) }
        for k in 0..<10 {
            items.append(SyntheticItem(
                key: "odd\(k)", group: "odd", image: "odd.jpg", captions: [],
                instruction: "Пожалуйста, переведите это стихотворение \(k) на французский язык и объясните рифму подробно.",
                response: String(repeating: "Ceci est une réponse très longue et tout à fait différente numéro \(k). ", count: 6 + k)))
        }
        let ids = try Synthetic.insert(items, into: store)
        try Synthetic.label((0..<50).map { (ids[$0], qualities[$0]) }, store: store, rubric: rubric)
        try XCTUnwrap(RewardModel.refit(store: store, rubric: rubric, options: options()))
        let scores = try XCTUnwrap(ModelScores.current(store: store))
        let like = try (50..<60).map { try XCTUnwrap(scores.uncertainty(of: ids[$0])) }
        let unlike = try (60..<70).map { try XCTUnwrap(scores.uncertainty(of: ids[$0])) }
        XCTAssertGreaterThan(unlike.min()!, like.max()!, "every unfamiliar item is less certain than every familiar one")
        let labeled = try (0..<50).map { try XCTUnwrap(scores.uncertainty(of: ids[$0])) }
        XCTAssertLessThan(labeled.reduce(0, +) / 50, unlike.reduce(0, +) / 10)
    }

    func testColdStartBelowTheMinimumOrWithOneValueOnly() throws {
        let ids = try Synthetic.insert((0..<40).map { Synthetic.item($0, quality: 1 + $0 % 5) }, into: store)
        try Synthetic.label((0..<19).map { (ids[$0], 1 + $0 % 5) }, store: store, rubric: rubric)
        XCTAssertNil(try RewardModel.refit(store: store, rubric: rubric, options: options()), "19 labeled items: cold")
        XCTAssertNil(try ModelScores.current(store: store))
        XCTAssertEqual(try QueuePolicy.order(store: store).map(\.reason), Array(repeating: .coldStart, count: 21))

        // 25 labels, all the same value: nothing to learn.
        let sameStore = try Store(path: sandbox.path("same.sqlite"))
        let same = try Synthetic.insert((0..<30).map { Synthetic.item($0, quality: 3) }, into: sameStore)
        try Synthetic.label((0..<25).map { (same[$0], 3) }, store: sameStore, rubric: rubric)
        XCTAssertNil(try RewardModel.refit(store: sameStore, rubric: rubric, options: options()))

        // The 20th label ends the cold start.
        try Synthetic.label([(ids[19], 5)], store: store, rubric: rubric)
        XCTAssertNotNil(try RewardModel.refit(store: store, rubric: rubric, options: options()))
    }

    func testTheOrderChangesAfterLabelsArrive() throws {
        let qualities = (0..<120).map { 1 + ($0 * 3) % 5 }
        let ids = try Synthetic.insert(qualities.enumerated().map { Synthetic.item($0.offset, quality: $0.element) }, into: store)
        let cold = try QueuePolicy.order(store: store)
        XCTAssertEqual(Set(cold.map(\.reason)), [.coldStart])
        XCTAssertEqual(cold.count, 120)

        try Synthetic.label((0..<30).map { (ids[$0], qualities[$0]) }, store: store, rubric: rubric)
        let first = try XCTUnwrap(RewardModel.refit(store: store, rubric: rubric, options: options()))
        let warm = try QueuePolicy.order(store: store)
        XCTAssertEqual(warm.count, 90, "labeled items are not queued")
        XCTAssertTrue(warm.allSatisfy { $0.modelVersion == first.id && $0.uncertainty != nil })
        XCTAssertTrue(warm.contains { $0.reason == .uncertainty })
        XCTAssertNotEqual(warm.map(\.itemId), cold.map(\.itemId).filter { warm.map(\.itemId).contains($0) })

        // More labels, a new version, a different order.
        try Synthetic.label((30..<60).map { (ids[$0], qualities[$0]) }, store: store, rubric: rubric)
        let second = try XCTUnwrap(RewardModel.refit(store: store, rubric: rubric, options: options()))
        XCTAssertEqual(second.id, first.id + 1)
        XCTAssertGreaterThan(second.lastLabelEventId, first.lastLabelEventId)
        let after = try QueuePolicy.order(store: store)
        XCTAssertEqual(after.count, 60)
        XCTAssertEqual(after.first?.modelVersion, second.id)
        let remaining = Set(after.map(\.itemId))
        XCTAssertNotEqual(after.map(\.itemId), warm.map(\.itemId).filter(remaining.contains))
        XCTAssertEqual(after.map(\.rank), Array(1...60))
    }

    func testEmbeddingsAreAppendedWhenEveryItemHasOne() throws {
        let ids = try Synthetic.insert((0..<30).map { Synthetic.item($0, quality: 1 + $0 % 5) }, into: store)
        try Synthetic.label((0..<25).map { (ids[$0], 1 + $0 % 5) }, store: store, rubric: rubric)
        let lines = (0..<30).map { #"{"item": "s\#($0)", "vector": [\#(Double($0 % 5)), 1, -0.5]}"# }
        let file = try sandbox.write("emb.jsonl", lines.prefix(10).joined(separator: "\n"))
        let partial = try Embeddings.importFile(path: file, store: store)
        XCTAssertEqual(partial.itemsWithEmbedding, 10)
        let v1 = try XCTUnwrap(RewardModel.refit(store: store, rubric: rubric, options: options()))
        XCTAssertEqual(v1.metrics.objectValue?["embedding_dimension"]?.doubleValue, 0, "not every item has one yet")
        try Embeddings.importFile(path: try sandbox.write("all.jsonl", lines.joined(separator: "\n")), store: store)
        let v2 = try XCTUnwrap(RewardModel.refit(store: store, rubric: rubric, options: options()))
        XCTAssertEqual(v2.metrics.objectValue?["embedding_dimension"]?.doubleValue, 3)

        let bad = try sandbox.write("bad.jsonl", #"{"item": "s1", "vector": [1, 2]}"# + "\n" + #"{"item": "nope", "vector": [1, 2]}"#)
        XCTAssertThrowsError(try Embeddings.importFile(path: bad, store: store)) { error in
            XCTAssertEqual("\(error)", "\(bad):1: vector: 2 numbers, but the database's embeddings have 3")
        }
    }
}
