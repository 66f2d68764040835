import Foundation
import GRDB
import XCTest
@_spi(Testing) @testable import WinnowCore
@testable import WinnowBench
import WinnowTestSupport

/// The synthetic pool `winnow simulate --synthetic` runs on, and the evaluation run on generated pools.
final class SyntheticPoolTests: CoreTestCase {
    // MARK: - Synthetic pool

    func testSyntheticPoolIsDeterministicGroupedAndGroundedInCaptions() throws {
        let a = SyntheticPool.generate(items: 40, seed: 3)
        let b = SyntheticPool.generate(items: 40, seed: 3)
        XCTAssertEqual(a.records, b.records)
        XCTAssertEqual(a.oracle, b.oracle)
        XCTAssertNotEqual(a.records, SyntheticPool.generate(items: 40, seed: 4).records)
        XCTAssertEqual(a.records.count, 10, "4 candidates per question")
        XCTAssertEqual(a.oracle.count, 40)
        XCTAssertEqual(Set(a.oracle.keys), Set(a.truth.keys))
        XCTAssertTrue(a.oracle.keys.contains("syn000001/t0/c3"))
        // Scores are valid for the built-in rubric; noise changes some but not most.
        let rubric = SyntheticPool.builtinRubric()
        for (_, scores) in a.oracle {
            for c in rubric.criteria { XCTAssertTrue(c.values.contains(try XCTUnwrap(scores[c.id]))) }
        }
        let big = SyntheticPool.generate(items: 400, seed: 1)
        let changed = big.oracle.keys.filter { big.oracle[$0] != big.truth[$0] }.count
        XCTAssertGreaterThan(changed, 40)
        XCTAssertLessThan(changed, 300)
        // Hallucinated answers name objects the captions do not: the model's grounding feature sees it.
        let folder = sandbox.path("pool")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let (records, captions) = try big.write(folder: folder)
        try runImport([records], captions: captions)
        let items = try store.pool.read { db in try Item.fetchAll(db, sql: "SELECT * FROM item") }
        XCTAssertEqual(items.count, 400)
        var withFlag: [Double] = [], without: [Double] = []
        for item in items {
            let grounding = Grounding(response: item.turns.last!.value, captions: item.captions)
            let hallucinated = big.truth[item.key]?["hallucination"] == .flag(true)
            (hallucinated ? { withFlag.append(Double(grounding.unsupportedObjects + grounding.unsupportedNumbers)) }
                          : { without.append(Double(grounding.unsupportedObjects + grounding.unsupportedNumbers)) })()
        }
        XCTAssertFalse(items[0].captions.isEmpty)
        let meanWith = withFlag.reduce(0, +) / Double(withFlag.count), meanWithout = without.reduce(0, +) / Double(without.count)
        XCTAssertGreaterThan(meanWith, meanWithout + 0.5, "hallucinations show as unsupported objects and numbers")
    }

    // MARK: - Simulation

    private func smallOptions() -> Simulation.Options {
        var options = Simulation.Options()
        options.seeds = 2
        options.budget = 60
        options.strategies = [.uncertainty, .random]
        return options
    }

    func testSimulationOnASmallSyntheticPoolLearnsAndIsDeterministic() throws {
        let pool = try Simulation.syntheticPool(items: 200, seed: 1, folder: sandbox.directory.path)
        XCTAssertEqual(pool.oracle.labels.count, 200)
        let options = smallOptions()
        let result = Simulation.run(pool: pool, options: options)
        XCTAssertEqual(result.curves.map(\.name), ["uncertainty", "random"])
        for (_, curve) in result.curves {
            XCTAssertEqual(curve.map(\.labels), [20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60])
        }
        let final = try XCTUnwrap(result.curve("random")?.last?.spearman)
        XCTAssertGreaterThan(final, 0.3, "the model learns the latent quality")
        XCTAssertGreaterThan(try XCTUnwrap(result.curve("uncertainty")?.last?.spearman), 0.3)
        XCTAssertNotNil(result.curve("uncertainty")?.last?.pairwiseAccuracy)
        XCTAssertGreaterThan(result.heldOutItems, 30)
        XCTAssertLessThan(result.heldOutItems, 60)

        let again = Simulation.run(pool: pool, options: options)
        XCTAssertEqual(again.json(), result.json(), "same seed, same curves")

        let json = try XCTUnwrap(result.json().objectValue)
        let curve = try XCTUnwrap(json["strategies"]?.objectValue?["uncertainty"]?.objectValue?["curve"]?.arrayValue)
        XCTAssertEqual(curve.first?.objectValue?.keys, ["labels", "spearman", "pairwise_accuracy"])
        XCTAssertNotNil(json["label_share_to_match_random"])
        if let share = result.labelShareToMatchRandom {
            XCTAssertGreaterThan(share, 0)
            XCTAssertLessThanOrEqual(share, 1)
        }
        XCTAssertTrue(result.table().contains("uncertainty"))
    }

    func testOraclePoolReadsALabelsFileOverImportedItems() throws {
        let synthetic = SyntheticPool.generate(items: 80, seed: 2)
        let (records, captions) = try synthetic.write(folder: sandbox.directory.path)
        try runImport([records], captions: captions)
        let lines = synthetic.oracle.keys.sorted().map { key in
            JSONValue.object(JSONObject([
                "item": .string(key), "annotator": .string("oracle"),
                "scores": .object(JSONObject(synthetic.oracle[key]!.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: $0.value.json) })),
            ])).serialized()
        }
        let path = try sandbox.write("oracle.jsonl", lines.joined(separator: "\n") + "\n")
        let pool = try Simulation.oraclePool(path: path, rubric: synthetic.rubric, store: store)
        XCTAssertEqual(pool.oracle.labels.count, 80)
        XCTAssertEqual(pool.oracle.truth.count, 80)
        XCTAssertEqual(try count("label_event"), 0, "the oracle is not written to the database")
        let bad = try sandbox.write("bad.jsonl", #"{"item": "nope", "annotator": "a", "scores": {"correctness": 3, "helpfulness": 3, "hallucination": false}}"# + "\n")
        XCTAssertThrowsError(try Simulation.oraclePool(path: bad, rubric: synthetic.rubric, store: store)) { error in
            XCTAssertTrue("\(error)".contains("no item with key"), "\(error)")
        }
    }

    // MARK: - Report

    func testReportCrossValidatesTheCurrentModel() throws {
        let synthetic = SyntheticPool.generate(items: 240, seed: 5)
        let (records, captions) = try synthetic.write(folder: sandbox.directory.path)
        try runImport([records], captions: captions)
        XCTAssertNil(try ModelReport.make(store: store), "no model yet")
        let rubric = synthetic.rubric
        let stored = StoredRubric(rubric)
        let log = LabelLog(store: try store)
        let keyed = try store.pool.read { db in try Row.fetchAll(db, sql: "SELECT id, key FROM item ORDER BY id LIMIT 160") }
        for row in keyed {
            let key: String = row["key"]
            try log.save(itemId: row["id"], annotator: "oracle", rubric: stored,
                         scores: LabelLog.scoresJSON(synthetic.oracle[key]!, rubric: rubric), activeSeconds: 1)
        }
        // Every third labeled item was served at random first (and later again for another reason).
        try store.pool.write { db in
            for (i, row) in keyed.enumerated() {
                try db.execute(sql: "INSERT INTO serve_log(item_id, annotator, reason, at) VALUES (?, 'oracle', ?, '2026-01-01T00:00:00Z')",
                               arguments: [row["id"] as Int64, i % 3 == 0 ? "explore" : "uncertainty"])
            }
            try db.execute(sql: "INSERT INTO serve_log(item_id, annotator, reason, at) VALUES (?, 'x', 'explore', '2026-01-02T00:00:00Z')",
                           arguments: [keyed[1]["id"] as Int64])
        }
        try FeatureCache.update(store: store)
        let version = try XCTUnwrap(try RewardModel.refit(store: store, rubric: rubric))

        let report = try XCTUnwrap(try ModelReport.make(store: store, folds: 4, seed: 9))
        XCTAssertEqual(report.modelVersion, version.id)
        XCTAssertEqual(report.labels, 160)
        XCTAssertEqual(report.cv.count, 160, "every labeled item is predicted out of fold")
        XCTAssertEqual(report.cv.spearman.map(\.id), ["overall", "correctness", "helpfulness", "hallucination"])
        XCTAssertGreaterThan(try XCTUnwrap(report.cv.spearmanOf("overall")), 0.3)
        XCTAssertGreaterThan(try XCTUnwrap(report.cv.pairwiseAccuracy), 0.5)
        let coverage = try XCTUnwrap(report.cv.coverage)
        XCTAssertTrue(coverage > 0.3 && coverage <= 1, "\(coverage)")
        XCTAssertEqual(report.exploredLabeled, 54, "first serve decides: the later explore row does not count")
        XCTAssertEqual(report.explored.count, 54)
        XCTAssertNotNil(report.explored.spearmanOf("overall"))
        XCTAssertEqual(report.learningCurve.map(\.share), [0.25, 0.5, 0.75, 1])
        XCTAssertEqual(report.learningCurve.map(\.labels), [40, 80, 120, 160])
        XCTAssertEqual(report.learningCurve.last?.metrics, report.cv)
        XCTAssertEqual(report.topFeatures.count, 10)
        XCTAssertTrue(report.topFeatures.allSatisfy { !$0.name.isEmpty && $0.name != "bias" })
        XCTAssertTrue(report.topFeatures.contains { FeatureExtractor.denseNames.contains($0.name) || $0.name.hasPrefix("hashed n-gram bucket ") })

        let json = try XCTUnwrap(report.json().objectValue)
        XCTAssertEqual(Array(json.keys.prefix(3)), ["model_version", "rubric", "labels"])
        for key in ["cv", "explored", "learning_curve", "top_features"] { XCTAssertNotNil(json[key], key) }
        XCTAssertEqual(json["explored"]?.objectValue?["count"]?.doubleValue, 54)
        XCTAssertNotNil(json["cv"]?.objectValue?["spearman"]?.objectValue?["overall"]?.doubleValue)
        XCTAssertEqual(try ModelReport.make(store: store, folds: 4, seed: 9)?.json(), report.json(), "deterministic with a seed")
        XCTAssertTrue(report.text().contains("explored only"))
    }
}
