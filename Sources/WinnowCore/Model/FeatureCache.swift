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
            let siblings = try store.pool.read { db in try Self.siblings(db, of: items) }
            let vectors = compute(items, siblings: siblings)
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

    /// For each of `items` in a group of two or more: the final answers of the group's other items (the
    /// first `FeatureExtractor.maximumSiblings` by id), for the agreement features.
    static func siblings(_ db: Database, of items: [Item]) throws -> [Int64: [String]] {
        let keys = Array(Set(items.map(\.group))).sorted()
        var members: [String: [(Int64, String)]] = [:]
        var start = 0
        while start < keys.count {
            let part = Array(keys[start..<min(keys.count, start + 500)])
            start += part.count
            let marks = part.map { _ in "?" }.joined(separator: ",")
            let shared = try String.fetchAll(db, sql: """
                SELECT group_key FROM item WHERE group_key IN (\(marks)) GROUP BY group_key HAVING count(*) > 1
                """, arguments: StatementArguments(part))
            guard !shared.isEmpty else { continue }
            let sharedMarks = shared.map { _ in "?" }.joined(separator: ",")
            for row in try Row.fetchAll(db, sql: "SELECT id, group_key, turns FROM item WHERE group_key IN (\(sharedMarks)) ORDER BY id",
                                        arguments: StatementArguments(shared)) {
                let turns = ((try? JSONParser.parse(row["turns"] as String))?.arrayValue ?? []).compactMap { value -> Turn? in
                    guard let o = value.objectValue, let from = o["from"]?.stringValue, let text = o["value"]?.stringValue else { return nil }
                    return Turn(from: from, value: text)
                }
                members[row["group_key"], default: []].append((row["id"], FeatureExtractor.finalAnswer(turns)))
            }
        }
        var result: [Int64: [String]] = [:]
        for item in items {
            guard let id = item.id, let group = members[item.group] else { continue }
            let others = group.filter { $0.0 != id }.prefix(FeatureExtractor.maximumSiblings).map(\.1)
            if !others.isEmpty { result[id] = Array(others) }
        }
        return result
    }

    /// Features of `items`, computed on every core; same order. `siblings`: see `siblings(_:of:)`.
    public static func compute(_ items: [Item], siblings: [Int64: [String]] = [:]) -> [FeatureVector] {
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
            for i in (c * chunk)..<min(n, (c + 1) * chunk) { out[i] = FeatureExtractor.features(of: items[i], siblings: items[i].id.flatMap { siblings[$0] } ?? []) }
        }
        return Array(UnsafeBufferPointer(start: buffer, count: n))
    }
}
