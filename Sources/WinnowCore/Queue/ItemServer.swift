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
public final class ItemServer {
    public let store: Store
    public let annotator: String
    /// The queue this server walks: every unlabeled item once, in the current model's order.
    public private(set) var entries: [QueueEntry] = []
    /// The model version `entries` came from; nil at cold start.
    public private(set) var modelVersion: Int64?
    private var cursor = 0
    private var skipped: [Int64] = []
    private var skippedSet: Set<Int64> = []
    /// Overlap items someone else has graded that are still open to this annotator (served first).
    private var overlapOpen: Set<Int64> = []
    /// Items known not to be open to this annotator; refreshed as items are checked.
    private var taken: Set<Int64> = []
    /// Items of the overlap sample.
    public private(set) var overlapItems: Set<Int64> = []
    public let minAnnotators: Int
    public var leaseSeconds: Double

    public init(store: Store, annotator: String) throws {
        self.store = store
        self.annotator = annotator
        let config = Config(store: store)
        leaseSeconds = try config.double(.leaseSeconds)
        let seed = UInt64(try config.integer(.seed))
        let overlap = try config.double(.overlap)
        minAnnotators = try config.integer(.minAnnotators)
        (overlapItems, taken) = try store.pool.read { [annotator, minAnnotators] db in
            var overlapItems: Set<Int64> = []
            if overlap > 0 {
                for row in try Row.fetchAll(db, sql: "SELECT id, key FROM item") {
                    if ItemServer.isInOverlapSample(key: row["key"], overlap: overlap, seed: seed) { overlapItems.insert(row["id"]) }
                }
            }
            var taken: Set<Int64> = []
            for row in try Row.fetchAll(db, sql: """
                SELECT item_id, count(DISTINCT annotator) AS people, max(annotator = ?) AS mine
                FROM current_label WHERE role IN ('annotator', 'gold') GROUP BY item_id
                """, arguments: [annotator])
            {
                let id: Int64 = row["item_id"]
                let people: Int = row["people"]
                let mine: Bool = row["mine"]
                if mine || !overlapItems.contains(id) || people >= minAnnotators { taken.insert(id) }
            }
            return (overlapItems, taken)
        }
        try rebuildQueue()
    }

    /// Orders the queue anew from the current model (or the spread order without one): items this
    /// annotator may still grade. Overlap items someone else has graded come first, so agreement data
    /// arrives early.
    private func rebuildQueue() throws {
        let scores = try ModelScores.current(store: store)
        let queue = try QueuePolicy.order(store: store, scores: scores)
        modelVersion = scores?.version.id
        let queued = Set(queue.map(\.itemId))
        let open = overlapItems.subtracting(taken).subtracting(queued).sorted()
        entries = open.enumerated().map { QueueEntry(itemId: $0.element, reason: .coldStart, modelVersion: nil, uncertainty: nil, rank: $0.offset + 1) }
            + queue
        overlapOpen = Set(open)
        cursor = 0
    }

    /// Re-ranks the queue when a newer model version has become current (the worker refits in the
    /// background); returns true when it did.
    @discardableResult
    public func refreshIfModelChanged() throws -> Bool {
        let current = try ModelVersion.current(store: store)?.id
        guard current != modelVersion else { return false }
        try rebuildQueue()
        return true
    }

    /// Whether an item belongs to the overlap sample: a seeded hash of its key, so the sample is random,
    /// the same for everyone sharing the database, and stable as items are added.
    public static func isInOverlapSample(key: String, overlap: Double, seed: UInt64) -> Bool {
        overlap > 0 && StableHash.unitInterval(key, seed: seed) < overlap
    }

    /// The item this annotator still holds a lease on (from a run that ended), if it is still unlabeled.
    public func resumable() throws -> Int64? {
        try store.pool.read { db in
            try Int64.fetchOne(db, sql: """
                SELECT l.item_id FROM lease l
                WHERE l.annotator = ? AND l.expires_at > ?
                  AND NOT EXISTS (SELECT 1 FROM current_label c WHERE c.item_id = l.item_id AND c.role IN ('annotator', 'gold'))
                ORDER BY l.expires_at DESC LIMIT 1
                """, arguments: [annotator, Date().timeIntervalSince1970])
        }
    }

    /// Leases and returns the next item to grade, or nil when none is left for this annotator.
    public func next() throws -> (id: Int64, reason: ServeReason)? {
        try refreshIfModelChanged()
        while cursor < entries.count {
            let entry = entries[cursor]
            cursor += 1
            let id = entry.itemId
            if taken.contains(id) || skippedSet.contains(id) { continue }
            let reason: ServeReason = overlapOpen.contains(id) ? .overlap : .queue(entry)
            if try lease(id, served: reason) { return (id, reason) }
            taken.insert(id)
        }
        // Then the skipped ones, oldest first.
        while let id = skipped.first {
            skipped.removeFirst()
            skippedSet.remove(id)
            if taken.contains(id) { continue }
            if try lease(id, served: .skippedEarlier) { return (id, .skippedEarlier) }
            taken.insert(id)
        }
        return nil
    }

    /// Leases `id` for this annotator if it is open to them (see the type's comment); one transaction,
    /// so two annotators asking at once cannot both get an item meant for one. `ignoreLabels` leases an
    /// item the annotator asked for by key or returns to, when only another's live lease stops it.
    @discardableResult
    public func lease(_ id: Int64, ignoreLabels: Bool = false, served reason: ServeReason? = nil) throws -> Bool {
        let now = Date().timeIntervalSince1970
        let allowed = overlapItems.contains(id) ? minAnnotators : 1
        return try store.pool.write { db in
            let labelers = try String.fetchAll(db.cachedStatement(sql: """
                SELECT DISTINCT annotator FROM current_label WHERE item_id = ? AND role IN ('annotator', 'gold')
                """), arguments: [id])
            let holders = try String.fetchAll(db.cachedStatement(sql: """
                SELECT annotator FROM lease WHERE item_id = ? AND annotator <> ? AND expires_at > ?
                """), arguments: [id, annotator, now])
            if ignoreLabels {
                if !holders.isEmpty && allowed == 1 { return false }
            } else {
                if labelers.contains(annotator) { return false }
                if Set(labelers).union(holders).count >= allowed { return false }
            }
            try db.cachedStatement(sql: """
                INSERT INTO lease(item_id, annotator, expires_at) VALUES (?, ?, ?)
                ON CONFLICT(item_id, annotator) DO UPDATE SET expires_at = excluded.expires_at
                """).execute(arguments: [id, annotator, now + leaseSeconds])
            if let reason {
                var model: Int64?
                var uncertainty: Double?
                if case .queue(let entry) = reason {
                    model = entry.modelVersion
                    uncertainty = entry.uncertainty
                }
                try db.cachedStatement(sql: """
                    INSERT INTO serve_log(item_id, annotator, reason, model_version, uncertainty, at) VALUES (?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [id, annotator, reason.logName, model, uncertainty, Timestamp.now()])
            }
            return true
        }
    }

    /// Who else holds a live lease on `id`, if anyone.
    public func holder(of id: Int64) throws -> String? {
        try store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT annotator FROM lease WHERE item_id = ? AND annotator <> ? AND expires_at > ?",
                                arguments: [id, annotator, Date().timeIntervalSince1970])
        }
    }

    public func release(_ id: Int64) throws {
        try store.pool.write { db in
            try db.execute(sql: "DELETE FROM lease WHERE item_id = ? AND annotator = ?", arguments: [id, annotator])
        }
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
