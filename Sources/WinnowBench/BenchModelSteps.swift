import Foundation
import WinnowCore

/// The reward-model steps of `winnow bench`: the generated set's true scores as labels, the feature cache,
/// and refit + re-rank timings.
public enum BenchModelSteps {
    /// The one rubric every bench grades with (`winnow bench`, `winnow worker --bench`): the bundled
    /// llava-quality criteria, kept here so the bench does not depend on the current folder.
    public static let rubricYAML = """
        name: llava-quality-bench
        version: "1.0"
        criteria:
          - id: image_relevance
            title: Image relevance
            question: Does the instruction concern the image?
            kind: scale
            values: [1, 2, 3, 4, 5]
            required: true
          - id: instruction_clarity
            title: Instruction clarity
            question: Is the instruction clear, specific and answerable?
            kind: scale
            values: [1, 2, 3, 4, 5]
            required: true
          - id: answer_correctness
            title: Answer correctness
            question: Is the answer correct with respect to the image and its caption?
            kind: scale
            values: [1, 2, 3, 4, 5]
            weight: 2
            required: true
          - id: hallucination
            title: Hallucination
            question: Does the answer mention things that are not in the image?
            kind: flag
            values: [false, true]
            weight: 2
            required: true
            better: false
          - id: helpfulness
            title: Helpfulness
            question: How well does the answer serve the person who gave the instruction?
            kind: scale
            values: [1, 2, 3, 4, 5]
            weight: 1.5
            required: true
          - id: language_quality
            title: Language quality
            question: Is the answer fluent and in the language of the instruction?
            kind: scale
            values: [1, 2, 3, 4, 5]
            weight: 0.5
        """

    /// `rubricYAML`, parsed.
    public static func rubric() throws -> Rubric { try Rubric.parse(yaml: rubricYAML, file: "llava-quality-bench.yaml") }

    /// Saves `count` labels by `annotator` on seeded random unlabeled items, in one transaction: each the
    /// true scores of its record in the bench's generated set (`BenchDataGenerator.truth`, by the item's
    /// record index); returns how many were saved.
    @discardableResult
    public static func seedLabels(store: Store, rubric: Rubric, annotator: String, count: Int, seed: UInt64 = 7,
                                  data: BenchDataGenerator = BenchDataGenerator()) throws -> Int {
        let log = LabelLog(store: store)
        var ids = try log.unlabeledItemIds()
        var rng = SeededGenerator(seed: seed)
        ids.shuffle(using: &rng)
        let labels = try ids.prefix(count).compactMap { id in
            try store.item(id: id).map { item in
                (itemId: id, scores: LabelLog.scoresJSON(data.truth(recordIndex: item.recordIndex, rubric: rubric), rubric: rubric))
            }
        }
        return try log.saveAll(labels, annotator: annotator, rubric: StoredRubric(rubric), activeSeconds: 20)
    }

    /// One refit of the whole pool (with `matrix`, the worker's in-memory feature cache) and the queue's
    /// re-rank from the new model; returns the seconds it took, or nil when the model stays cold.
    public static func refitAndRerank(store: Store, rubric: Rubric, matrix: FeatureMatrix) throws -> Double? {
        let started = BenchProcess.now()
        guard try RewardModel.refit(store: store, rubric: rubric, matrix: matrix) != nil else { return nil }
        _ = try QueuePolicy.order(store: store)
        return BenchProcess.now() - started
    }
}
