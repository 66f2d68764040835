import Foundation
import GRDB

extension FeatureMatrix {
    /// What the matrix reads of one item: its group, its cached features (any version) and its embedding.
    struct Source {
        var id: Int64
        var group: String
        var features: Data?
        var featureVersion: Int?
        /// Only when embeddings were asked for.
        var embedding: Data?
    }

    /// Calls `body` for every item after id `after`, in id order, from one cursor.
    static func forEachSource(_ db: Database, after: Int64, embeddings: Bool, _ body: (Source) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: """
            SELECT i.id, i.group_key, f.vector, f.version, e.vector AS embedding
            FROM item i LEFT JOIN item_features f ON f.item_id = i.id
            LEFT JOIN item_embedding e ON e.item_id = i.id AND ? > 0
            WHERE i.id > ? ORDER BY i.id
            """, arguments: [embeddings ? 1 : 0, after])
        while let r = try rows.next() {
            try body(Source(id: r["id"], group: r["group_key"], features: r["vector"], featureVersion: r["version"], embedding: r["embedding"]))
        }
    }
}

extension Embeddings {
    /// How many items have an embedding, and the smallest and largest dimension among them (0 for none).
    static func stats(_ db: Database) throws -> (count: Int, lowest: Int, highest: Int) {
        let stats = try Row.fetchOne(db, sql: "SELECT count(*) AS n, coalesce(min(dimension), 0) AS lo, coalesce(max(dimension), 0) AS hi FROM item_embedding")!
        return (stats["n"], stats["lo"], stats["hi"])
    }

    /// The dimension of the stored embeddings, if there are any.
    static func storedDimension(_ db: Database) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT dimension FROM item_embedding LIMIT 1")
    }

    /// Stores `vectors` (encoded) by item id, replacing earlier ones.
    static func store(_ db: Database, _ vectors: [(itemId: Int64, vector: Data)], dimension: Int, at now: String) throws {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO item_embedding(item_id, dimension, vector, added_at) VALUES (?, ?, ?, ?)
            ON CONFLICT(item_id) DO UPDATE SET dimension = excluded.dimension, vector = excluded.vector, added_at = excluded.added_at
            """)
        for entry in vectors { try insert.execute(arguments: [entry.itemId, dimension, entry.vector, now]) }
    }

    /// Items with an embedding.
    static func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM item_embedding") ?? 0
    }
}
