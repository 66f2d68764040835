import Foundation
import GRDB

/// Computes and stores the features of items that have none (or an older feature version) in
/// `item_features`. The worker runs this before a refit; import never does. Work goes in batches: items
/// are read, featurized on every core, and written in one short transaction per batch, so label saves
/// are never held up for long.
public enum FeatureCache {
    /// Items still missing current features.
    public static func missing(store: Store) throws -> Int {
        try store.pool.read { db in
            // Two counts, not a join: the worker asks every poll.
            let items = try Int.fetchOne(db, sql: "SELECT count(*) FROM item") ?? 0
            let current = try Int.fetchOne(db, sql: "SELECT count(*) FROM item_features WHERE version = ?",
                                           arguments: [FeatureExtractor.version]) ?? 0
            return items - current
        }
    }

    /// Featurizes up to everything missing; returns how many items were done. `shouldContinue` is asked
    /// between batches (the worker renews its lock there, and stops if it lost it).
    @discardableResult
    public static func update(store: Store, batchSize: Int = 2000, shouldContinue: () throws -> Bool = { true },
                              progress: ((Int, Int) -> Void)? = nil) throws -> Int {
        let total = try missing(store: store)
        var done = 0
        var after: Int64 = Int64.min
        while true {
            let items: [Item] = try store.pool.read { db in
                try Item.fetchAll(db, sql: """
                    SELECT i.* FROM item i LEFT JOIN item_features f ON f.item_id = i.id
                    WHERE (f.item_id IS NULL OR f.version <> ?) AND i.id > ? ORDER BY i.id LIMIT ?
                    """, arguments: [FeatureExtractor.version, after, batchSize])
            }
            guard let last = items.last?.id else { break }
            after = last
            let vectors = compute(items)
            try store.pool.write { db in
                let statement = try db.cachedStatement(sql: """
                    INSERT INTO item_features(item_id, version, simhash, vector) VALUES (?, ?, ?, ?)
                    ON CONFLICT(item_id) DO UPDATE SET version = excluded.version, simhash = excluded.simhash, vector = excluded.vector
                    """)
                for (item, vector) in zip(items, vectors) {
                    try statement.execute(arguments: [item.id, FeatureExtractor.version, Int64(bitPattern: vector.simhash), vector.blob])
                }
            }
            done += items.count
            progress?(done, total)
            if try !shouldContinue() { break }
        }
        return done
    }

    /// Features of `items`, computed on every core; same order.
    public static func compute(_ items: [Item]) -> [FeatureVector] {
        let n = items.count
        let buffer = UnsafeMutablePointer<FeatureVector>.allocate(capacity: max(n, 1))
        buffer.initialize(repeating: FeatureVector(indices: [], values: []), count: n)
        defer {
            buffer.deinitialize(count: n)
            buffer.deallocate()
        }
        nonisolated(unsafe) let out = buffer
        let chunk = 64
        DispatchQueue.concurrentPerform(iterations: (n + chunk - 1) / chunk) { c in
            for i in (c * chunk)..<min(n, (c + 1) * chunk) { out[i] = FeatureExtractor.features(of: items[i]) }
        }
        return Array(UnsafeBufferPointer(start: buffer, count: n))
    }
}
