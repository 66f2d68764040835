import Foundation
import GRDB

/// The database schema as a list of migrations. A migration, once released, is never edited: a
/// change is a new migration appended at the end, and the tests migrate an empty file and a file at
/// every earlier version up to the last.
public enum Schema {
    /// Migration identifiers in order; tests walk these.
    public static var versions: [String] { migrator.migrations }

    public static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-core", migrate: createCore)
        migrator.registerMigration("v2-model", migrate: createModel)
        migrator.registerMigration("v3-serve-log", migrate: createServeLog)
        migrator.registerMigration("v4-group-kinds", migrate: addGroupKinds)
        migrator.registerMigration("v5-record-originals", migrate: shareRecordOriginals)
        migrator.registerMigration("v6-drafts", migrate: createDrafts)
        migrator.registerMigration("v7-label-mode", migrate: addLabelMode)
        return migrator
    }()

    private static func createCore(_ db: Database) throws {
        // Each input file an import read, so an export manifest can name it with its hash.
        try db.execute(sql: """
            CREATE TABLE source_file (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,            -- base name: part of an item's identity for re-import
                path TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                format TEXT NOT NULL,
                records INTEGER NOT NULL,
                imported_at TEXT NOT NULL
            );
            CREATE TABLE item (
                id INTEGER PRIMARY KEY,
                key TEXT NOT NULL UNIQUE,
                group_key TEXT NOT NULL,
                image TEXT,
                captions TEXT NOT NULL DEFAULT '[]',   -- JSON list of strings
                turns TEXT NOT NULL,                   -- JSON list of {"from","value"}
                fields TEXT NOT NULL DEFAULT '{}',     -- JSON object: the record's other fields, --set fields
                source_name TEXT NOT NULL,             -- (source_name, record_index, part) identify a record
                record_index INTEGER NOT NULL,         --   across re-imports of the same file
                part TEXT NOT NULL DEFAULT '',         -- "t1/c0" for a candidate, "q2" for a question set
                source_file_id INTEGER REFERENCES source_file(id),
                turn_index INTEGER,                    -- candidate answers: which gpt turn
                candidate_index INTEGER,               -- candidate answers / question sets: which candidate
                original BLOB NOT NULL,                -- the record's bytes exactly as read
                content_hash TEXT NOT NULL,
                UNIQUE (source_name, record_index, part)
            );
            CREATE INDEX item_group ON item(group_key);
            CREATE INDEX item_image ON item(image);

            -- A rubric is stored once per content hash; a label names the rubric it was given under.
            CREATE TABLE rubric (
                hash TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                version TEXT NOT NULL,
                normalized TEXT NOT NULL,
                added_at TEXT NOT NULL
            );

            -- The label log: every save, edit and undo is a new row. Nothing is updated or deleted
            -- (the triggers below refuse it); the current label is derived (view current_label).
            CREATE TABLE label_event (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                item_id INTEGER NOT NULL REFERENCES item(id),
                annotator TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('annotator', 'gold', 'imported')),
                source TEXT,                            -- for role 'imported': where the scores came from
                action TEXT NOT NULL CHECK (action IN ('save', 'edit', 'undo')),
                undoes INTEGER REFERENCES label_event(id),
                rubric_hash TEXT REFERENCES rubric(hash),
                scores TEXT,                            -- JSON object criterion -> value; NULL for undo
                at TEXT NOT NULL,                       -- RFC 3339 UTC
                active_seconds REAL NOT NULL DEFAULT 0,
                note TEXT,
                flag INTEGER NOT NULL DEFAULT 0,
                CHECK ((action = 'undo') = (undoes IS NOT NULL)),
                CHECK ((action = 'undo') = (scores IS NULL))
            );
            CREATE INDEX label_event_item ON label_event(item_id, annotator, role, id);
            CREATE INDEX label_event_undoes ON label_event(undoes);
            CREATE INDEX label_event_annotator ON label_event(annotator, id);
            CREATE TRIGGER label_event_no_update BEFORE UPDATE ON label_event
                BEGIN SELECT RAISE(ABORT, 'the label log is append-only'); END;
            CREATE TRIGGER label_event_no_delete BEFORE DELETE ON label_event
                BEGIN SELECT RAISE(ABORT, 'the label log is append-only'); END;

            -- The current label of (item, annotator, role): its latest save or edit that no undo took back.
            CREATE VIEW current_label AS
                SELECT e.* FROM label_event e
                WHERE e.action IN ('save', 'edit')
                  AND NOT EXISTS (SELECT 1 FROM label_event u WHERE u.undoes = e.id)
                  AND e.id = (
                    SELECT max(e2.id) FROM label_event e2
                    WHERE e2.item_id = e.item_id AND e2.annotator = e.annotator AND e2.role = e.role
                      AND e2.action IN ('save', 'edit')
                      AND NOT EXISTS (SELECT 1 FROM label_event u2 WHERE u2.undoes = e2.id));

            -- Who is looking at which item, until when (unix seconds): two annotators are not served the
            -- same item by accident.
            CREATE TABLE lease (
                item_id INTEGER NOT NULL REFERENCES item(id),
                annotator TEXT NOT NULL,
                expires_at REAL NOT NULL,
                PRIMARY KEY (item_id, annotator)
            );
            CREATE INDEX lease_expiry ON lease(expires_at);

            CREATE TABLE config (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            );
            """)
    }

    /// The reward model's tables: the feature cache, imported embeddings, the refit lock and the model
    /// versions with the pointer to the current one. Predictions themselves live in model files beside
    /// the database (`DB.model-N.bin`), so writing them never holds this file's write lock.
    private static func createModel(_ db: Database) throws {
        try db.execute(sql: """
            -- Features computed once per item by the worker (FeatureExtractor.version), sparse float vector.
            CREATE TABLE item_features (
                item_id INTEGER PRIMARY KEY REFERENCES item(id),
                version INTEGER NOT NULL,
                simhash INTEGER NOT NULL DEFAULT 0,    -- 64-bit simhash of the response words (near duplicates)
                vector BLOB NOT NULL                   -- UInt32 count, then (UInt32 index, Float32 value) pairs, LE
            );
            -- Dense vectors from `winnow embeddings import`; used when every item has one.
            CREATE TABLE item_embedding (
                item_id INTEGER PRIMARY KEY REFERENCES item(id),
                dimension INTEGER NOT NULL,
                vector BLOB NOT NULL,                  -- Float32 LE
                added_at TEXT NOT NULL
            );
            -- One refit per database at a time: the holder renews expires_at (unix seconds) while it works.
            CREATE TABLE worker_lock (
                name TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                expires_at REAL NOT NULL
            );
            -- Every finished model: its predictions file (relative to the database's folder), the labels it
            -- learned from, the last label event it saw, and its metrics as JSON.
            CREATE TABLE model_version (
                id INTEGER PRIMARY KEY,
                created_at TEXT NOT NULL,
                rubric_hash TEXT NOT NULL,
                labels_used INTEGER NOT NULL,
                last_label_event_id INTEGER NOT NULL,
                items_scored INTEGER NOT NULL,
                seconds REAL NOT NULL,
                metrics TEXT NOT NULL,
                path TEXT                              -- NULL once the file of an old version is cleaned away
            );
            -- The model the queue uses; switched in one small write after the model file is complete.
            CREATE TABLE current_model (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                model_version_id INTEGER NOT NULL REFERENCES model_version(id)
            );
            """)
    }

    /// Every item served to an annotator, with why and under which model version: the labeling header
    /// shows it, and `model report` measures the model on the randomly explored items alone.
    private static func createServeLog(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE serve_log (
                id INTEGER PRIMARY KEY,
                item_id INTEGER NOT NULL REFERENCES item(id),
                annotator TEXT NOT NULL,
                reason TEXT NOT NULL,          -- 'cold start', 'uncertainty', 'explore', 'overlap', 'skipped earlier'
                model_version INTEGER,         -- the model the order came from; NULL at cold start
                uncertainty REAL,
                at TEXT NOT NULL
            );
            CREATE INDEX serve_log_item ON serve_log(item_id, id);
            """)
    }

    /// Values set on the labeling screen but not saved yet, one row per (item, annotator): they survive
    /// quitting, a crash and kill -9, and are never labels.
    private static func createDrafts(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE draft (
                item_id INTEGER NOT NULL REFERENCES item(id),
                annotator TEXT NOT NULL,
                rubric_hash TEXT NOT NULL,
                scores TEXT NOT NULL,                  -- JSON object criterion -> value, as the label log writes them
                note TEXT,
                flag INTEGER NOT NULL DEFAULT 0,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (item_id, annotator)
            );
            """)
    }

    /// Which screen a label was given on: one item at a time (`item`, every label before this version) or
    /// a whole candidate group on one screen (`group`, `winnow label --by-group`); `stats` tells them apart.
    private static func addLabelMode(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE label_event ADD COLUMN mode TEXT NOT NULL DEFAULT 'item' CHECK (mode IN ('item', 'group'))")
    }

    /// Group keys say what they group (`GroupKey`): before this version a plain record `X` and the
    /// question sets of another file's record `X` shared the group `X`. Existing keys get their kind from
    /// what the item is: a candidate turn, a question set, an MM-Instruct answer, else a whole record.
    private static func addGroupKinds(_ db: Database) throws {
        try db.execute(sql: """
            UPDATE item SET group_key = CASE
                WHEN turn_index IS NOT NULL THEN 'turn:' || group_key
                WHEN (SELECT format FROM source_file s WHERE s.id = item.source_file_id) = 'question-sets' THEN 'questions:' || group_key
                WHEN (SELECT format FROM source_file s WHERE s.id = item.source_file_id) = 'mm-instruct-answers' THEN 'answers:' || group_key
                ELSE 'record:' || group_key
            END;
            """)
    }

    /// A record that gives several items (candidate answers, question sets) keeps its original bytes once,
    /// in `record_original`, instead of once per item: one gpt turn with 10,000 candidates stored its record
    /// 10,000 times (1.2 GB from a 119 KB file). Such items have empty `original` bytes and name the row
    /// that has them; an item that is a whole record keeps its bytes in `item.original`, as before.
    /// Existing items of multi-item records are moved over, and their content hashes recomputed the way
    /// the import computes them for such items (`ItemContentHash`), so importing their file again finds
    /// them unchanged.
    private static func shareRecordOriginals(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE record_original (
                id INTEGER PRIMARY KEY,
                bytes BLOB NOT NULL                    -- the record's bytes exactly as read
            );
            ALTER TABLE item ADD COLUMN record_original_id INTEGER REFERENCES record_original(id);
            """)
        let records = try Row.fetchAll(db, sql: """
            SELECT source_name, record_index, min(id) AS first FROM item GROUP BY source_name, record_index HAVING count(*) > 1
            """)
        // The items of the record that hold the first item's bytes (all of them, as the import wrote
        // them; one that does not stays as it is), compared in SQL rather than read into memory per item.
        let items = try db.makeStatement(sql: """
            SELECT id, image, captions, turns, fields FROM item
            WHERE source_name = ? AND record_index = ? AND original = (SELECT original FROM item WHERE id = ?) ORDER BY id
            """)
        let update = try db.makeStatement(sql: "UPDATE item SET original = X'', record_original_id = ?, content_hash = ? WHERE id = ?")
        for record in records {
            let rows = try Row.fetchAll(items, arguments: [record["source_name"], record["record_index"], record["first"]])
            guard rows.count > 1 else { continue }
            try db.execute(sql: "INSERT INTO record_original(bytes) SELECT original FROM item WHERE id = ?", arguments: [record["first"]])
            let id = db.lastInsertedRowID
            let original = try Data.fetchOne(db, sql: "SELECT bytes FROM record_original WHERE id = ?", arguments: [id]) ?? Data()
            let digest = ItemContentHash.recordDigest(original)
            for row in rows {
                let hash = ItemContentHash.sharing(
                    image: row["image"], captionsJSON: row["captions"], turnsJSON: row["turns"], fieldsJSON: row["fields"], recordDigest: digest)
                try update.execute(arguments: [id, hash, row["id"]])
            }
        }
    }
}
