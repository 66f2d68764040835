import Foundation
import GRDB

extension FeatureCache {
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
}

extension FeatureCache {
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
                let turns = try Turn.stored(row["turns"], item: row["id"])
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
}

extension FeatureCache {
    /// Up to `limit` items after id `after` without features of the current version, in id order.
    static func itemsMissingFeatures(_ db: Database, after: Int64, limit: Int) throws -> [Item] {
        try Item.fetchAll(db, sql: """
            SELECT i.* FROM item i LEFT JOIN item_features f ON f.item_id = i.id
            WHERE (f.item_id IS NULL OR f.version <> ?) AND i.id > ? ORDER BY i.id LIMIT ?
            """, arguments: [FeatureExtractor.version, after, limit])
    }

    /// Caches `vectors` (the current version's) as the features of `items`, in the same order.
    static func store(_ db: Database, features vectors: [FeatureVector], of items: [Item]) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO item_features(item_id, version, simhash, vector) VALUES (?, ?, ?, ?)
            ON CONFLICT(item_id) DO UPDATE SET version = excluded.version, simhash = excluded.simhash, vector = excluded.vector
            """)
        for (item, vector) in zip(items, vectors) {
            try statement.execute(arguments: [item.id, FeatureExtractor.version, Int64(bitPattern: vector.simhash), vector.blob])
        }
    }

    /// Every item's cached simhash (0 for none), by id.
    static func simhashes(_ db: Database) throws -> [Int64: UInt64] {
        var simhash: [Int64: UInt64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT item_id, simhash FROM item_features") {
            simhash[row["item_id"]] = UInt64(bitPattern: row["simhash"] as Int64)
        }
        return simhash
    }

    /// The average bytes of a cached feature vector.
    public static func averageBytes(store: Store) throws -> Double {
        try store.pool.read { db in try Double.fetchOne(db, sql: "SELECT avg(length(vector)) FROM item_features") ?? 0 }
    }
}
