/// The lead's review as of one moment: the queue, the counts, and what automatic acceptance just did.
public struct ReviewSnapshot: Sendable {
    public var queue: ReviewQueue.Result
    /// Items accepted as gold automatically by this load.
    public var acceptedNow: Int
    /// The model version whose predictions the queue used (nil without a model for this rubric).
    public var modelVersion: Int64?
    /// The newest label event seen: a later one means the queue may have changed.
    public var lastEventId: Int64
    /// The model's predictions for the items in the queue.
    public var predictions: [Int64: Prediction]
    /// Everyone with an annotator label under the rubric, by name (for the filter).
    public var annotators: [String]
}

public enum Review {
    /// Reads the current labels and the current model (when it was fitted under `rubric`), builds the
    /// queue, and with `autoAccept` writes gold for the unanimous items first (one transaction).
    public static func load(store: Store, rubric: Rubric, filter: ReviewQueue.Filter = .init(), autoAccept: Bool) throws -> ReviewSnapshot {
        let log = LabelLog(store: store)
        let lastEventId = try log.lastEventId()
        let labels = try log.reviewLabels(rubric: rubric)
        if let problem = check(filter, rubric: rubric, labels: labels) { throw ReviewError(message: problem) }
        var scores = try? ModelScores.current(store: store)
        if scores?.version.rubricHash != rubric.contentHash { scores = nil }
        var predictions: [Int64: Prediction] = [:]
        if let scores {
            for id in Set(labels.map(\.itemId)) { predictions[id] = scores.prediction(for: id) }
        }
        var queue = ReviewQueue.build(labels: labels, rubric: rubric, model: scores == nil ? nil : predictions, filter: filter)
        var accepted = 0
        if autoAccept, !queue.unanimous.isEmpty {
            accepted = try log.acceptUnanimous(queue.unanimous, rubric: rubric)
            queue.settled += accepted
            queue.settledAutomatically += accepted
            queue.unanimous = []
        }
        return ReviewSnapshot(queue: queue, acceptedNow: accepted, modelVersion: scores?.version.id,
                              lastEventId: accepted > 0 ? try log.lastEventId() : lastEventId, predictions: predictions,
                              annotators: Set(labels.filter { $0.role == .annotator }.map(\.annotator)).sorted())
    }

    /// Names in a filter that match nothing are an error, not an empty queue.
    static func check(_ filter: ReviewQueue.Filter, rubric: Rubric, labels: [ReviewLabel]) -> String? {
        if let c = filter.criterion, rubric.criterion(c) == nil {
            return "no criterion '\(c)' in rubric \(rubric.name) (\(rubric.criteria.map(\.id).joined(separator: ", ")))"
        }
        if let a = filter.annotator, !labels.contains(where: { $0.role == .annotator && $0.annotator == a }) {
            let names = Set(labels.filter { $0.role == .annotator }.map(\.annotator)).sorted()
            return "no annotator '\(a)' has labels under rubric \(rubric.name)"
                + (names.isEmpty ? "" : " (annotators: \(names.joined(separator: ", ")))")
        }
        return nil
    }
}

/// A review that cannot be built as asked (a filter naming nothing).
public struct ReviewError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var description: String { message }
}
