import Foundation

/// One queue order (`QueuePolicy.order` under the current model, or the spread order without one)
/// computed on a background thread. Ordering every item takes about half a second at 158k items: the
/// labeling screen must not wait for it to show its first item, nor stall on Enter when the worker
/// publishes a new model.
final class QueueBuild: @unchecked Sendable {
    struct Built {
        var entries: [QueueEntry]
        /// The model version the order came from; nil at cold start.
        var modelVersion: Int64?
    }

    private let condition = NSCondition()
    private var outcome: Result<Built, any Error>?

    /// `beforeOrdering` runs on the background thread first (tests hold the build there).
    init(store: Store, beforeOrdering: (@Sendable () -> Void)? = nil) {
        // A dispatch queue, not a Foundation Thread: the build may drop the last reference to the store's
        // pool, which crashed on a Thread (see Worker).
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            beforeOrdering?()
            let result = Result { () throws -> Built in
                let scores = try ModelScores.current(store: store)
                return Built(entries: try QueuePolicy.order(store: store, scores: scores), modelVersion: scores?.version.id)
            }
            condition.lock()
            outcome = result
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The finished order, waiting at most `seconds` for it (nil: still building).
    func result(waiting seconds: Double) throws -> Built? {
        condition.lock()
        defer { condition.unlock() }
        if seconds == .infinity {
            // wait(until: .distantFuture) traps in swift-corelibs-foundation (the timespec overflows).
            while outcome == nil { condition.wait() }
        } else if outcome == nil && seconds > 0 {
            let deadline = Date(timeIntervalSinceNow: seconds)
            while outcome == nil && condition.wait(until: deadline) {}
        }
        return try outcome?.get()
    }
}
