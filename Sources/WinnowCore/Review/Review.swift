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

/// The review queue kept current for a screen without blocking it: `poll` starts a load in the
/// background when the label log or the current model changed since the last load (and none is
/// running), and hands over each finished snapshot once. At 60k labels a load takes 8 s in a debug build
/// (0.3 s of it the SQL), far too long to run between two keys.
public final class ReviewWatch {
    private let store: Store
    private let rubric: Rubric
    private let autoAccept: Bool
    private var running: BackgroundResult<ReviewSnapshot>?
    private var runningFilter: ReviewQueue.Filter?
    /// What the last load saw.
    private var seen: (event: Int64, model: Int64?)?

    public init(store: Store, rubric: Rubric, autoAccept: Bool) {
        self.store = store
        self.rubric = rubric
        self.autoAccept = autoAccept
    }

    /// Loads now, on the caller's thread (the first frame, a new filter, a refresh the lead asked for).
    public func load(filter: ReviewQueue.Filter) throws -> ReviewSnapshot {
        let modelId = try ModelVersion.current(store: store)?.id
        let snapshot = try Review.load(store: store, rubric: rubric, filter: filter, autoAccept: autoAccept)
        seen = (snapshot.lastEventId, modelId)
        running = nil
        return snapshot
    }

    /// A snapshot loaded in the background since the last call, for `filter`; nil otherwise.
    public func poll(filter: ReviewQueue.Filter) throws -> ReviewSnapshot? {
        if let running {
            guard let done = try running.value(waiting: 0) else { return nil }
            self.running = nil
            // A load for a filter no longer asked for is dropped; the next poll starts one for this filter.
            if runningFilter != filter {
                seen = nil
                return nil
            }
            return done
        }
        let event = try LabelLog(store: store).lastEventId()
        let model = try ModelVersion.current(store: store)?.id
        if let seen, seen.event == event, seen.model == model { return nil }
        seen = (event, model)
        let (store, rubric, autoAccept) = (store, rubric, autoAccept)
        runningFilter = filter
        running = BackgroundResult {
            var snapshot = try Review.load(store: store, rubric: rubric, filter: filter, autoAccept: autoAccept)
            // Its own acceptances are not news: the next poll compares against the log after them.
            snapshot.lastEventId = max(snapshot.lastEventId, event)
            return snapshot
        }
        return nil
    }

    /// Waits for the load in progress (tests).
    public func wait(filter: ReviewQueue.Filter) throws -> ReviewSnapshot? {
        guard let running else { return nil }
        _ = try running.value()
        return try poll(filter: filter)
    }
}
