/// One queue order (`QueuePolicy.order` under the current model, or the spread order without one)
/// computed on a background thread. Ordering every item takes about half a second at 158k items: the
/// labeling screen must not wait for it to show its first item, nor stall on Enter when the worker
/// publishes a new model.
enum QueueBuild {
    struct Built {
        var entries: [QueueEntry]
        /// The model version the order came from; nil at cold start.
        var modelVersion: Int64?
    }

    /// Starts ordering; `beforeOrdering` runs on the background thread first (tests hold the build there).
    static func start(store: Store, beforeOrdering: (@Sendable () -> Void)? = nil) -> BackgroundResult<Built> {
        BackgroundResult {
            beforeOrdering?()
            let scores = try ModelScores.current(store: store)
            return Built(entries: try QueuePolicy.order(store: store, scores: scores), modelVersion: scores?.version.id)
        }
    }
}
