import Foundation
import GRDB

/// The background worker: computes missing features, and refits the reward model when enough new
/// labels have arrived (`refit_every_labels`) or some have and `refit_every_seconds` have passed since the
/// last refit. Only one worker per database refits at a time (`WorkerLock`, renewed in the background
/// while a step holds it).
///
/// Safe to run on a background thread: it shares nothing mutable with its caller; everything it says
/// goes through the database (new model versions) and the `log` callback. `stop()` may be called from
/// any thread.
public final class Worker: @unchecked Sendable {
    public enum Outcome: Sendable, Equatable {
        /// A new model version is current.
        case refitted(ModelVersion)
        /// Too few labels (or one value only): no model; the spread order stays.
        case cold
        /// No new labels worth a refit yet.
        case notDue
        /// Another worker holds the refit lock.
        case locked(holder: String)
    }

    public let store: Store
    public let rubric: Rubric
    public var options: RewardModel.Options
    public let lock: WorkerLock
    /// How often `run` looks for new labels.
    public var pollSeconds: Double = 1
    /// One line per refit (and per problem) for `winnow worker` to print.
    public var log: @Sendable (String) -> Void = { _ in }
    /// An external scorer in place of the built-in model (`winnow worker --scorer CMD`): run when a refit
    /// is due (and once at the start, when there is no model yet); no features are computed for it.
    public var scorer: ExternalScorer?
    /// Called (on the worker's thread) after each refit with the new model version's id.
    public var refitted: @Sendable (Int64) -> Void = { _ in }
    /// Told (items done, items missing) while features are computed (`winnow worker` draws a progress bar).
    public var featureProgress: ((Int, Int) -> Void)?

    private let matrix: FeatureMatrix
    private let condition = NSCondition()
    private var stopped = false
    private var running = false
    /// The label event count at the last cold attempt, so a cold database is not refitted every poll.
    private var coldAt: Int64?
    private let clock: @Sendable () -> Double
    private let queue = DispatchQueue(label: "winnow-worker", qos: .utility)

    /// `store` may be the caller's: GRDB's pool gives each use its own connection. For a fully separate
    /// set of connections use `init(databasePath:…)`.
    public init(store: Store, rubric: Rubric, options: RewardModel.Options = RewardModel.Options(), lockSeconds: Double = 30,
                holder: String = WorkerLock.defaultHolder(), now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.store = store
        self.rubric = rubric
        self.options = options
        self.clock = now
        lock = WorkerLock(store: store, holder: holder, seconds: lockSeconds, now: now)
        matrix = FeatureMatrix(foldedBuckets: options.foldedBuckets)
    }

    public convenience init(databasePath: String, rubric: Rubric, options: RewardModel.Options = RewardModel.Options()) throws {
        self.init(store: try Store(path: databasePath), rubric: rubric, options: options)
    }

    /// Whether a refit is due: new labels since the current model, at least `refit_every_labels` of them
    /// or any once `refit_every_seconds` have passed since it was made. Without a model: any new labels.
    public func isDue() throws -> Bool {
        let config = Config(store: store)
        let current = try ModelVersion.current(store: store)
        let newLabels = try RewardModel.newLabels(store: store, since: current, useImported: options.useImported)
        guard newLabels > 0 else { return false }
        guard let current else {
            let last = try LabelLog(store: store).lastEventId()
            return coldAt != last
        }
        if newLabels >= (try config.integer(.refitEveryLabels)) { return true }
        let age = clock() - (Timestamp.parse(current.createdAt)?.timeIntervalSince1970 ?? 0)
        return age >= (try config.double(.refitEverySeconds))
    }

    /// One step: features for new items, then a refit if due (or `force`). Holds the lock only meanwhile.
    @discardableResult
    public func runOnce(force: Bool = false) throws -> Outcome {
        if let scorer {
            let due = try force || ModelVersion.current(store: store) == nil || isDue()
            guard due else { return .notDue }
            guard try lock.acquire() else { return .locked(holder: try lock.current()?.holder ?? "?") }
            defer { try? lock.release() }
            return .refitted(try lock.renewing { try scorer.refit(store: store, rubric: rubric, keepFiles: options.keepFiles, lock: lock) })
        }
        guard try force || isDue() || FeatureCache.missing(store: store) > 0 else { return .notDue }
        guard try lock.acquire() else { return .locked(holder: try lock.current()?.holder ?? "?") }
        defer { try? lock.release() }
        return try lock.renewing { try stepHoldingTheLock(force: force) }
    }

    /// Features, then the refit if due: `runOnce`'s work once it holds the lock.
    private func stepHoldingTheLock(force: Bool) throws -> Outcome {
        try FeatureCache.update(store: store, shouldContinue: { [lock] in
            guard try lock.renew() else { throw ModelError.lockLost }
            return !self.isStopped
        }, progress: featureProgress)
        guard try force || isDue() else { return .notDue }
        let lastEvent = try LabelLog(store: store).lastEventId()
        var options = self.options
        if options.seed == 0 { options.seed = UInt64(try Config(store: store).integer(.seed)) }
        guard let version = try RewardModel.refit(store: store, rubric: rubric, options: options, matrix: matrix, lock: lock) else {
            coldAt = lastEvent
            return .cold
        }
        coldAt = nil
        return .refitted(version)
    }

    /// Loops until `stop()` or `shouldStop` says so, looking for new labels every `pollSeconds`. Errors of
    /// one step are logged and the loop goes on (a locked database, a lost lock).
    public func run(until shouldStop: @escaping @Sendable () -> Bool = { false }) {
        condition.lock()
        running = true
        condition.unlock()
        defer {
            condition.lock()
            running = false
            condition.broadcast()
            condition.unlock()
        }
        while !isStopped && !shouldStop() {
            do {
                let started = Date()
                switch try runOnce() {
                case .refitted(let v):
                    refitted(v.id)
                    log("model \(v.id): \(v.labelsUsed) labels used, \(v.itemsScored) items scored, "
                        + String(format: "%.2f s", Date().timeIntervalSince(started)))
                case .cold, .notDue, .locked: break
                }
            } catch {
                log("refit failed: \(error)")
            }
            condition.lock()
            if !stopped { _ = condition.wait(until: Date(timeIntervalSinceNow: pollSeconds)) }
            condition.unlock()
        }
    }

    /// Starts `run` in the background (a dispatch queue of its own) and returns at once; `stop(wait:)`
    /// ends it. (A dispatch queue rather than a `Thread`: on Linux, a `Thread` that exits while holding
    /// the last reference to the worker's database pool crashes in the pool's teardown.)
    public func start() {
        condition.lock()
        running = true
        condition.unlock()
        queue.async { [self] in run() }
    }

    /// Asks `run` to return (after the step under way, if any); wakes it from its poll wait. With
    /// `wait`, returns only once `run` has returned (the step under way finished or abandoned).
    public func stop(wait: Bool = false) {
        condition.lock()
        stopped = true
        condition.broadcast()
        while wait && running { condition.wait() }
        condition.unlock()
    }

    public var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }
}
