import Foundation
import GRDB

/// Why an item is on screen; the labeling header shows it.
public enum ServeReason: Sendable, Equatable {
    /// The queue's order: the spread order at cold start, else the reward model's (uncertainty first,
    /// with exploration), with the model version.
    case queue(QueueEntry)
    /// An overlap item someone else has graded: served early so agreement can be measured.
    case overlap
    /// The annotator's own lease from an earlier run: the item they were on.
    case resumed
    /// Skipped earlier in this session and served again.
    case skippedEarlier
    /// Asked for by key (`g`).
    case jumped
    /// Walking this session's history.
    case history
    /// Brought back by an undo.
    case undone
    /// Drawn at random (seeded) because the queue was still being ordered (a large pool, just opened).
    case whileOrdering
    /// A control item: one that already has gold, served unmarked (config `control_fraction`) so the
    /// annotator's agreement with gold can be measured. The screen shows it as an exploration pick.
    case control

    /// The reason as `serve_log` records it.
    public var logName: String {
        switch self {
        case .queue(let entry): return entry.reason.rawValue
        case .overlap: return "overlap"
        case .resumed: return "resumed"
        case .skippedEarlier: return "skipped earlier"
        case .jumped: return "jumped"
        case .history: return "history"
        case .undone: return "undone"
        case .whileOrdering: return "random while ordering"
        case .control: return "control"
        }
    }

    public var text: String {
        switch self {
        case .queue(let entry): return entry.text
        case .overlap: return "overlap: graded by another annotator too"
        case .resumed: return "resumed: where you left off"
        case .skippedEarlier: return "skipped earlier"
        case .jumped: return "jumped to by key"
        case .history: return "history: your saved label"
        case .undone: return "undone: back to edit"
        case .whileOrdering: return "random pick (queue being ordered)"
        // Unmarked: what an exploration pick says, so the annotator grades it like any other item.
        case .control: return "explore: random pick"
        }
    }
}

/// Serves items to one annotator: the next in queue order that is still open to them and that this
/// session has not skipped (skipped items come last).
///
/// Open means: for most items, nobody has labeled it and no one else holds a lease on it. For the
/// overlap sample (config `overlap`: a seeded random share of the items, chosen by hashing each key
/// with `seed`, so it is random rather than the hardest items), fewer than `min_annotators` people have
/// labeled or are holding it, and this annotator has not labeled it: those items are graded by several
/// people, for agreement statistics. No item is served to more people than that asks.
///
/// Taking an item is one write transaction that checks and leases it, so two annotators on one database
/// are not served the same item: the second sees the first's lease and moves on. A lease lasts
/// `lease_seconds` and is renewed while the annotator works, so an abandoned session holds nothing
/// for long.
///
/// The queue's order is computed on a background thread (`QueueBuild`): when a new server's order is not
/// ready within `orderingWait`, items are drawn at random (seeded probes over the item ids, reason
/// `whileOrdering`) until it is; a new model version is ordered in the background while the old order
/// goes on serving.
public final class ItemServer {
    public typealias Served = (id: Int64, reason: ServeReason)

    public let store: Store
    public let annotator: String
    /// The queue this server walks: every item unlabeled when it was ordered, in the model's order.
    public private(set) var entries: [QueueEntry] = []
    /// The model version `entries` came from; nil at cold start.
    public private(set) var modelVersion: Int64?
    /// Whether `entries` holds a finished order yet.
    public private(set) var isOrdered = false
    /// How long serving waits for a new server's order before drawing items at random instead.
    public var orderingWait = 0.02
    private var servedOne = false
    private var cursor = 0
    private var build: BackgroundResult<QueueBuild.Built>?
    /// The model version `build` is ordering for (nil: cold start).
    private var buildVersion: Int64?
    private var skipped: [Int64] = []
    private var skippedSet: Set<Int64> = []
    /// Overlap items someone else has graded that are still open to this annotator: served first.
    private var overlapOpen: [Int64] = []
    /// Items known not to be open to this annotator; refreshed as items are checked.
    private var taken: Set<Int64> = []
    /// Items whose overlap-sample membership has been looked up (by key).
    private var overlapMembership: [Int64: Bool] = [:]
    private var probes: SeededGenerator
    private var idRange: ClosedRange<Int64>?
    public let minAnnotators: Int
    public let overlap: Double
    /// Share of servings that are control items (config `control_fraction`).
    public let controlFraction: Double
    /// Items with gold this annotator has not labeled, in a seeded random order (served from the end).
    private var controlPool: [Int64] = []
    private var controlDraws: SeededGenerator
    public let seed: UInt64
    public var leaseSeconds: Double

    /// Tests pass `beforeOrdering` to hold every background ordering until they let it go.
    private let beforeOrdering: (@Sendable () -> Void)?

    public convenience init(store: Store, annotator: String) throws {
        try self.init(store: store, annotator: annotator, beforeOrdering: nil)
    }

    init(store: Store, annotator: String, beforeOrdering: (@Sendable () -> Void)?) throws {
        self.store = store
        self.beforeOrdering = beforeOrdering
        self.annotator = annotator
        let config = Config(store: store)
        leaseSeconds = try config.double(.leaseSeconds)
        seed = UInt64(try config.integer(.seed))
        overlap = try config.double(.overlap)
        minAnnotators = try config.integer(.minAnnotators)
        probes = SeededGenerator(seed: seed ^ FNV1a.hash(annotator))
        controlFraction = try config.double(.controlFraction)
        controlDraws = SeededGenerator(seed: seed ^ FNV1a.hash("control:" + annotator))
        // Only labeled items can be closed to this annotator or be overlap items waiting for them, so this
        // reads the labels, not the pool.
        var open: [Int64] = []
        (taken, idRange) = try store.read { [annotator, minAnnotators, overlap, seed] db in
            var taken: Set<Int64> = []
            for labeled in try LeaseQueries.labeledItems(db, annotator: annotator, withKeys: overlap > 0) {
                let inSample = overlap > 0 && ItemServer.isInOverlapSample(key: labeled.key, overlap: overlap, seed: seed)
                if labeled.mine || !inSample || labeled.people >= minAnnotators { taken.insert(labeled.id) } else { open.append(labeled.id) }
            }
            let range = try LeaseQueries.idRange(db)
            return (taken, range)
        }
        overlapOpen = open
        if controlFraction > 0 {
            var pool = try store.read { [annotator] db in try LeaseQueries.controlCandidates(db, annotator: annotator) }
            pool.shuffle(using: &controlDraws)
            controlPool = pool
        }
        startOrdering(for: try store.read { db in try ModelVersion.currentId(db) })
    }

    private func startOrdering(for version: Int64?) {
        build = QueueBuild.start(store: store, beforeOrdering: beforeOrdering)
        buildVersion = version
    }

    /// Takes a finished order (waiting up to `seconds` for it).
    private func adoptOrder(waiting seconds: Double) throws {
        guard let build, let built = try build.value(waiting: seconds) else { return }
        self.build = nil
        entries = built.entries
        modelVersion = built.modelVersion
        cursor = 0
        isOrdered = true
    }

    /// Starts ordering the queue anew when a newer model version has become current (the worker refits
    /// in the background); the current order serves until the new one is ready. Returns true when it did.
    @discardableResult
    public func refreshIfModelChanged() throws -> Bool {
        try noteModel(try store.read { db in try ModelVersion.currentId(db) })
    }

    private func noteModel(_ current: Int64?) throws -> Bool {
        let ordering = build != nil ? buildVersion : modelVersion
        guard current != ordering else { return false }
        startOrdering(for: current)
        return true
    }

    /// Waits for the order in progress (tests, and callers that need the model's order now).
    public func waitForOrder() throws { try adoptOrder(waiting: .infinity) }

    /// Whether an item belongs to the overlap sample: a seeded hash of its key, so the sample is random,
    /// the same for everyone sharing the database, and stable as items are added.
    public static func isInOverlapSample(key: String, overlap: Double, seed: UInt64) -> Bool {
        overlap > 0 && StableHash.unitInterval(key, seed: seed) < overlap
    }

    /// The item this annotator still holds a lease on (from a run that ended), if it is still unlabeled.
    public func resumable() throws -> Int64? {
        try store.read { [annotator] db in try LeaseQueries.resumable(db, annotator: annotator, now: Date().timeIntervalSince1970) }
    }

    /// Leases and returns the next item to grade, or nil when none is left for this annotator.
    public func next() throws -> Served? {
        try saveAndNext(item: nil) { _ in () }.next
    }

    /// Runs `save` (the label of `item`, the item on screen), releases this annotator's lease on `item`
    /// and leases the next item, in one write transaction: one commit per Enter, and the label is
    /// committed before the next item can be shown. If anything fails, nothing of it is written.
    public func saveAndNext<T>(item: Int64?, save: (Database) throws -> T) throws -> (saved: T, next: Served?) {
        // Only the first item waits (briefly) for the order; until it is ready, items are drawn at random.
        try adoptOrder(waiting: servedOne ? 0 : orderingWait)
        servedOne = true
        // At the end of an order while a newer one is being made: wait for it rather than run dry.
        if isOrdered, build != nil, !hasQueuedCandidate() { try adoptOrder(waiting: .infinity) }
        let wasTaken = item.map { taken.contains($0) } ?? true
        if let item { taken.insert(item) }
        // Where the walk stood, to stand there again if the transaction fails (its lease is not written).
        let walk = (cursor, overlapOpen, skipped, skippedSet)
        do {
            var served: Served?
            var newModel: Int64?
            let saved = try store.write(waitingForCheck: false) { db -> T in
                served = nil
                let saved = try save(db)
                if let item { try release(db, item) }
                newModel = try ModelVersion.currentId(db)
                served = try take(db)
                return saved
            }
            _ = try noteModel(newModel)
            if served == nil, build != nil {
                // Ran out of random picks or of the order while one is being made.
                try adoptOrder(waiting: .infinity)
                return (saved, try next())
            }
            return (saved, served)
        } catch {
            if let item, !wasTaken { taken.remove(item) }
            (cursor, overlapOpen, skipped, skippedSet) = walk
            throw error
        }
    }

    private func hasQueuedCandidate() -> Bool {
        entries[cursor...].contains { !taken.contains($0.itemId) && !skippedSet.contains($0.itemId) }
            || !overlapOpen.isEmpty || !skipped.isEmpty
    }

    /// Walks the overlap items, the order (or random picks while there is none) and the skipped items,
    /// leasing the first that is open, inside `db`'s write transaction.
    private func take(_ db: Database) throws -> Served? {
        // A control item in `control_fraction` of the servings, while there are any.
        if controlFraction > 0, !controlPool.isEmpty, Double(controlDraws.next() >> 11) / Double(1 << 53) < controlFraction {
            while let id = controlPool.popLast() {
                if skippedSet.contains(id) { continue }
                if try leaseControl(db, id) { return (id, .control) }
            }
        }
        while !overlapOpen.isEmpty {
            let id = overlapOpen.removeFirst()
            if taken.contains(id) || skippedSet.contains(id) { continue }
            if try lease(db, id, served: .overlap) { return (id, .overlap) }
            taken.insert(id)
        }
        if isOrdered {
            while cursor < entries.count {
                let entry = entries[cursor]
                cursor += 1
                let id = entry.itemId
                if taken.contains(id) || skippedSet.contains(id) { continue }
                if try lease(db, id, served: .queue(entry)) { return (id, .queue(entry)) }
                taken.insert(id)
            }
        } else if let id = try randomOpenItem(db) {
            return (id, .whileOrdering)
        } else if build != nil {
            return nil  // the caller waits for the order
        }
        // Then the skipped ones, oldest first.
        while let id = skipped.first {
            skipped.removeFirst()
            skippedSet.remove(id)
            if taken.contains(id) { continue }
            if try lease(db, id, served: .skippedEarlier) { return (id, .skippedEarlier) }
            taken.insert(id)
        }
        return nil
    }

    /// Leases an open item found by seeded probes over the id range; nil after a few misses (the pool is
    /// mostly taken, and the order is worth waiting for).
    private func randomOpenItem(_ db: Database) throws -> Int64? {
        guard let idRange else { return nil }
        let span = UInt64(idRange.upperBound - idRange.lowerBound) + 1
        for _ in 0..<32 {
            let probe = idRange.lowerBound + Int64(probes.next() % span)
            guard let id = try LeaseQueries.itemId(db, atOrAfter: probe) else { continue }
            if taken.contains(id) || skippedSet.contains(id) { continue }
            if try lease(db, id, served: .whileOrdering) { return id }
            taken.insert(id)
        }
        return nil
    }

    /// Leases `id` for this annotator if it is open to them (see the type's comment); one transaction,
    /// so two annotators asking at once cannot both get an item meant for one. `ignoreLabels` leases an
    /// item the annotator asked for by key or returns to, when only another's live lease stops it.
    @discardableResult
    public func lease(_ id: Int64, ignoreLabels: Bool = false, served reason: ServeReason? = nil) throws -> Bool {
        try store.write(waitingForCheck: false) { db in try lease(db, id, ignoreLabels: ignoreLabels, served: reason) }
    }

    private func lease(_ db: Database, _ id: Int64, ignoreLabels: Bool = false, served reason: ServeReason? = nil) throws -> Bool {
        let now = Date().timeIntervalSince1970
        let allowed = try isOverlapItem(db, id) ? minAnnotators : 1
        let labelers = try LeaseQueries.labelers(db, item: id)
        let holders = try LeaseQueries.holders(db, item: id, except: annotator, now: now)
        if ignoreLabels {
            if !holders.isEmpty && allowed == 1 { return false }
        } else {
            if labelers.contains(annotator) { return false }
            if Set(labelers).union(holders).count >= allowed { return false }
        }
        try LeaseQueries.lease(db, item: id, annotator: annotator, expiresAt: now + leaseSeconds)
        if let reason { try Self.logServe(db, item: id, annotator: annotator, reason: reason) }
        return true
    }

    /// Records in `serve_log` why `id` was served to `annotator` (with the model and uncertainty of a queue pick).
    static func logServe(_ db: Database, item id: Int64, annotator: String, reason: ServeReason) throws {
        var model: Int64?
        var uncertainty: Double?
        if case .queue(let entry) = reason {
            model = entry.modelVersion
            uncertainty = entry.uncertainty
        }
        try LeaseQueries.logServe(
            db, item: id, annotator: annotator, reason: reason.logName, modelVersion: model, uncertainty: uncertainty, at: Timestamp.now())
    }

    /// Leases a control item: open to this annotator unless they labeled it or set its gold (the gold,
    /// and other annotators' labels or leases, do not close it).
    private func leaseControl(_ db: Database, _ id: Int64) throws -> Bool {
        guard try !LeaseQueries.labelers(db, item: id).contains(annotator) else { return false }
        try LeaseQueries.lease(db, item: id, annotator: annotator, expiresAt: Date().timeIntervalSince1970 + leaseSeconds)
        try LeaseQueries.logServe(db, item: id, annotator: annotator, reason: ServeReason.control.logName, modelVersion: nil,
                                  uncertainty: nil, at: Timestamp.now())
        return true
    }

    /// Whether `id` is in the overlap sample (its key, hashed; remembered).
    public func isOverlapItem(_ id: Int64) throws -> Bool {
        try store.read { db in try isOverlapItem(db, id) }
    }

    private func isOverlapItem(_ db: Database, _ id: Int64) throws -> Bool {
        guard overlap > 0 else { return false }
        if let known = overlapMembership[id] { return known }
        guard let key = try LeaseQueries.key(db, item: id) else { return false }
        let member = ItemServer.isInOverlapSample(key: key, overlap: overlap, seed: seed)
        overlapMembership[id] = member
        return member
    }

    /// Who else holds a live lease on `id`, if anyone.
    public func holder(of id: Int64) throws -> String? {
        try store.read { [annotator] db in
            try LeaseQueries.holders(db, item: id, except: annotator, now: Date().timeIntervalSince1970).first
        }
    }

    public func release(_ id: Int64) throws {
        try store.write(waitingForCheck: false) { db in try release(db, id) }
    }

    private func release(_ db: Database, _ id: Int64) throws {
        try LeaseQueries.release(db, item: id, annotator: annotator)
    }

    /// The item goes to the back of this session's queue.
    public func skip(_ id: Int64) throws {
        try release(id)
        if !skippedSet.contains(id) {
            skipped.append(id)
            skippedSet.insert(id)
        }
    }

    /// A saved item is labeled: not served again.
    public func markLabeled(_ id: Int64) { taken.insert(id) }

    /// An undone item may be served again.
    public func markUnlabeled(_ id: Int64) { taken.remove(id) }
}
