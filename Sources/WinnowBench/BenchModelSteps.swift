import Foundation
import WinnowCore

/// The reward-model steps of `winnow bench`: synthetic labels with a learnable rule, the feature cache,
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

    /// Scores by a fixed rule of the item's text (so the model has signal), as the log stores them.
    static func syntheticScores(_ item: Item, rubric: Rubric) -> String {
        let answer = item.turns.filter { $0.from == .gpt }.map(\.value).joined(separator: " ")
        let question = item.turns.first?.value ?? ""
        let words = answer.split(separator: " ").count
        func clamp(_ v: Int) -> Int { min(5, max(1, v)) }
        var values: [String: ScoreValue] = [
            "image_relevance": .number(Double(clamp(item.turns.count / 2 + 1))),
            "instruction_clarity": .number(Double(clamp(question.count / 20))),
            "answer_correctness": .number(Double(clamp(words / 40 + (answer.contains("umbrella") ? -1 : 1)))),
            "hallucination": .flag(answer.contains("giraffe") || answer.contains("zebra")),
            "helpfulness": .number(Double(clamp(words / 50 + 1))),
        ]
        values["language_quality"] = .number(answer.unicodeScalars.contains { $0.value > 0x2E80 } ? 2 : 5)
        return LabelLog.scoresJSON(values, rubric: rubric)
    }

    /// Saves `count` labels by `annotator` on seeded random unlabeled items, in one transaction; returns
    /// how many were saved.
    @discardableResult
    public static func seedLabels(store: Store, rubric: Rubric, annotator: String, count: Int, seed: UInt64 = 7) throws -> Int {
        let log = LabelLog(store: store)
        var ids = try log.unlabeledItemIds()
        var rng = SeededGenerator(seed: seed)
        ids.shuffle(using: &rng)
        let labels = try ids.prefix(count).compactMap { id in
            try store.item(id: id).map { (itemId: id, scores: syntheticScores($0, rubric: rubric)) }
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
