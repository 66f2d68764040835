import Foundation
import GRDB

/// `model_version` rows as `ModelVersion` values.
extension ModelVersion {
    /// The `model_version` columns, named here once.
    enum Columns {
        static let id = "id", createdAt = "created_at", rubricHash = "rubric_hash", labelsUsed = "labels_used"
        static let lastLabelEventId = "last_label_event_id", itemsScored = "items_scored", seconds = "seconds"
        static let metrics = "metrics", path = "path"
    }

    init(row: Row) {
        id = row[Columns.id]
        createdAt = row[Columns.createdAt]
        rubricHash = row[Columns.rubricHash]
        labelsUsed = row[Columns.labelsUsed]
        lastLabelEventId = row[Columns.lastLabelEventId]
        itemsScored = row[Columns.itemsScored]
        seconds = row[Columns.seconds]
        metrics = (try? JSONParser.parse(row[Columns.metrics] as String)) ?? .null
        path = row[Columns.path]
    }
}

extension ModelVersion {
    /// The current model (`current_model`), if any.
    public static func current(_ db: Database) throws -> ModelVersion? {
        try Row.fetchOne(db, sql: """
            SELECT v.* FROM current_model c JOIN model_version v ON v.id = c.model_version_id WHERE c.id = 1
            """).map(ModelVersion.init(row:))
    }

    /// The current version's id alone: one indexed row, cheap enough to ask on every Enter.
    public static func currentId(_ db: Database) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT model_version_id FROM current_model WHERE id = 1"))
    }

    public static func current(store: Store) throws -> ModelVersion? {
        try store.pool.read { db in try current(db) }
    }

    /// Every version, oldest first.
    public static func all(store: Store) throws -> [ModelVersion] {
        try store.pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM model_version ORDER BY id").map(ModelVersion.init(row:)) }
    }
}

extension ModelVersion {
    /// The id the next version gets.
    static func nextId(_ db: Database) throws -> Int64 {
        (try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) + 1 FROM model_version")) ?? 1
    }

    /// Inserts a version and makes it current; returns it as stored.
    static func insertCurrent(_ db: Database, id: Int64, rubricHash: String, labelsUsed: Int, lastLabelEventId: Int64,
                              itemsScored: Int, seconds: Double, metrics: String, path: String) throws -> ModelVersion {
        try db.execute(sql: """
            INSERT INTO model_version(id, created_at, rubric_hash, labels_used, last_label_event_id, items_scored, seconds, metrics, path)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, Timestamp.now(), rubricHash, labelsUsed, lastLabelEventId, itemsScored, seconds, metrics, path])
        try db.execute(sql: """
            INSERT INTO current_model(id, model_version_id) VALUES (1, ?)
            ON CONFLICT(id) DO UPDATE SET model_version_id = excluded.model_version_id
            """, arguments: [id])
        return try current(db)!
    }

    /// Clears the file of every version but the newest `keep` and the current one; returns the files' names.
    static func forgetOldFiles(store: Store, keep: Int) throws -> [String] {
        try store.pool.write { db in
            let old = try Row.fetchAll(db, sql: """
                SELECT id, path FROM model_version WHERE path IS NOT NULL
                  AND id NOT IN (SELECT id FROM model_version ORDER BY id DESC LIMIT ?)
                  AND id NOT IN (SELECT model_version_id FROM current_model)
                """, arguments: [keep])
            for row in old { try db.execute(sql: "UPDATE model_version SET path = NULL WHERE id = ?", arguments: [row["id"] as Int64]) }
            return old.map { $0["path"] as String }
        }
    }

    /// The files versions still point to.
    static func filePaths(store: Store) throws -> Set<String> {
        try store.pool.read { db in Set(try String.fetchAll(db, sql: "SELECT path FROM model_version WHERE path IS NOT NULL")) }
    }
}
