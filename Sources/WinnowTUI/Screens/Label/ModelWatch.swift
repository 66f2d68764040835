import Foundation
import WinnowCore

/// Posted when the background worker wrote a new model version: the screen looks at once instead of
/// at its next poll.
public struct ModelRefitted: AppMessage {
    public let version: Int64
    public init(version: Int64) { self.version = version }
}

/// The reward model as the labeling screen sees it: the current version (polled every `interval`
/// seconds, so a refit by this session's worker or by `winnow worker` elsewhere shows in the header
/// without a key press), and, with `--show-model`, its predictions for an item.
final class ModelWatch {
    static let interval = 2.0
    private let store: Store
    private let rubric: Rubric
    private var scores: ModelScores?
    private var checkedAt = -Double.infinity
    private(set) var version: Int64?

    init(store: Store, rubric: Rubric) {
        self.store = store
        self.rubric = rubric
    }

    /// Reads the current version when `interval` has passed (or `force`); true when it changed.
    func check(now: Double, force: Bool = false) -> Bool {
        guard force || now - checkedAt >= Self.interval else { return false }
        checkedAt = now
        let current = (try? ModelVersion.current(store: store))?.id
        defer { version = current }
        return current != version
    }

    /// The current model's predictions for an item, as short texts ("3.4 ±0.5", "p=0.82", and "overall").
    func hints(for id: Int64) -> [String: String] {
        if let current = try? ModelVersion.current(store: store), scores?.version.id != current.id {
            scores = try? ModelScores.load(version: current, databasePath: store.path)
        }
        guard let prediction = scores?.prediction(for: id) else { return [:] }
        return Self.hints(prediction, rubric: rubric)
    }

    /// A prediction as the rubric pane's short texts.
    static func hints(_ prediction: Prediction, rubric: Rubric) -> [String: String] {
        var hints: [String: String] = [:]
        for criterion in rubric.criteria {
            guard let e = prediction.criteria[criterion.id] else { continue }
            hints[criterion.id] = criterion.kind == .flag
                ? String(format: "p=%.2f", e.mean) : String(format: "%.1f ±%.1f", e.mean, e.std)
        }
        if let overall = prediction.overall { hints["overall"] = String(format: "%.2f ±%.2f", overall.mean, overall.std) }
        return hints
    }
}
