import Foundation
import GRDB
import XCTest
@testable import WinnowCore
import WinnowTestSupport

final class StoreTests: CoreTestCase {
    static let tables = [
        "config", "current_model", "draft", "item", "item_embedding", "item_features", "label_event", "lease", "model_version", "record_original",
        "rubric", "serve_log",
        "source_file", "worker_lock",
    ]
    static let views = ["current_label"]
    static let triggers = ["label_event_no_delete", "label_event_no_update"]

    private func schemaObjects(_ store: Store, type: String) throws -> [String] {
        try store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name", arguments: [type])
        }
    }

    private func assertFullSchema(_ store: Store, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try schemaObjects(store, type: "table"), Self.tables, file: file, line: line)
        XCTAssertEqual(try schemaObjects(store, type: "view"), Self.views, file: file, line: line)
        XCTAssertEqual(try schemaObjects(store, type: "trigger"), Self.triggers, file: file, line: line)
        let applied = try store.pool.read { db in try Schema.migrator.appliedIdentifiers(db) }
        XCTAssertEqual(applied, Set(Schema.versions), file: file, line: line)
        // Every table and view can be queried.
        try store.pool.read { db in
            for name in Self.tables + Self.views { _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(name)") }
        }
    }

    func testOpeningAnEmptyFileCreatesTheSchema() throws {
        let path = try sandbox.write("empty.sqlite", bytes: [])
        let store = try Store(path: path)
        try assertFullSchema(store)
    }

    func testOpeningAMissingFileCreatesIt() throws {
        let path = sandbox.path("new.sqlite")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        try assertFullSchema(try Store(path: path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
    }

    func testSchemaVersionsAreListedInOrderWithoutRepeats() {
        XCTAssertFalse(Schema.versions.isEmpty)
        XCTAssertEqual(Schema.versions.first, "v1-core")
        XCTAssertEqual(Set(Schema.versions).count, Schema.versions.count)
    }

    func testMigratingFromEveryEarlierVersionReachesTheFullSchema() throws {
        for (index, version) in Schema.versions.enumerated() {
            let path = sandbox.path("at-\(index).sqlite")
            do {
                let old = try Store(path: path, migrateUpTo: version)
                let applied = try old.pool.read { db in try Schema.migrator.appliedIdentifiers(db) }
                XCTAssertEqual(applied, Set(Schema.versions.prefix(index + 1)), "migrated up to \(version)")
            }
            try assertFullSchema(try Store(path: path))
        }
    }

    func testReopeningKeepsTheData() throws {
        let path = sandbox.path("reopen.sqlite")
        do {
            let first = try Store(path: path)
            _ = try Config(store: first).set("overlap", "0.5")
        }
        XCTAssertEqual(try Config(store: Store(path: path)).get("overlap").value, "0.5")
    }

    func testAFileThatIsNotADatabaseCannotBeOpened() throws {
        let path = try sandbox.write("text.sqlite", String(repeating: "this is not a database\n", count: 200))
        XCTAssertThrowsError(try Store(path: path)) { error in
            guard case .cannotOpen(let errorPath, _) = error as? StoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(errorPath, path)
            XCTAssertTrue("\(error)".hasPrefix("\(path): cannot open the database: "), "\(error)")
        }
    }

    func testPathResolutionPrefersOptionThenEnvironmentThenDefault() {
        XCTAssertEqual(Store.resolvePath("a.sqlite", environment: ["WINNOW_DB": "b.sqlite"]), "a.sqlite")
        XCTAssertEqual(Store.resolvePath(nil, environment: ["WINNOW_DB": "b.sqlite"]), "b.sqlite")
        XCTAssertEqual(Store.resolvePath("", environment: ["WINNOW_DB": "b.sqlite"]), "b.sqlite", "an empty --db is no option")
        XCTAssertEqual(Store.resolvePath(nil, environment: ["WINNOW_DB": ""]), "winnow.sqlite", "an empty WINNOW_DB is unset")
        XCTAssertEqual(Store.resolvePath(nil, environment: [:]), "winnow.sqlite")
    }

    func testJournalModeIsWAL() throws {
        let mode = try store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        XCTAssertEqual(mode, "wal")
    }

    func testABulkWriteUsesTheRollbackJournalWhenAloneAndReturnsToWAL() throws {
        let store = try self.store
        _ = try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM item") }  // a reader connection exists
        let inside = try store.bulkWrite { db in
            try db.execute(sql: "INSERT INTO config(key, value) VALUES ('bulk', '1')")
            return try String.fetchOne(db, sql: "PRAGMA journal_mode")
        }
        XCTAssertEqual(inside, "delete", "nobody else has the file open: new pages are written once")
        XCTAssertEqual(try store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }, "wal")
        XCTAssertEqual(try store.pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM config WHERE key = 'bulk'") }, "1")

        // A failure inside writes nothing, and the file is back in WAL mode.
        struct Refused: Error {}
        XCTAssertThrowsError(try store.bulkWrite { db in
            try db.execute(sql: "INSERT INTO config(key, value) VALUES ('half', '1')")
            throw Refused()
        })
        XCTAssertNil(try store.pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM config WHERE key = 'half'") })
        XCTAssertEqual(try store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }, "wal")
    }

    func testABulkWriteStaysInWALWhileAnotherConnectionHasTheFileOpen() throws {
        let store = try self.store
        let other = try Store(path: store.path)
        _ = try other.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM item") }
        let inside = try store.bulkWrite { db in
            try db.execute(sql: "INSERT INTO config(key, value) VALUES ('bulk', '2')")
            return try String.fetchOne(db, sql: "PRAGMA journal_mode")
        }
        XCTAssertEqual(inside, "wal")
        XCTAssertEqual(try other.pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM config WHERE key = 'bulk'") }, "2",
                       "the other connection reads the write")
    }

    func testWithBackgroundCheckpointsACommitLeavesTheWALToTheCheckpointer() throws {
        let store = try self.store
        try store.checkpointInBackground(interval: 3600)  // ticks only when the test asks
        try store.checkpointInBackground(interval: 3600)  // a second call changes nothing
        let autocheckpoint = try store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        XCTAssertEqual(autocheckpoint, 0, "the saving connection no longer checkpoints on commit")
        // Enough commits to pass SQLite's default threshold of 1,000 pages.
        let blob = Data(repeating: 7, count: 3 * 4096)
        for i in 0..<400 {
            try store.pool.write { db in try db.execute(sql: "INSERT INTO config(key, value) VALUES (?, ?)", arguments: ["k\(i)", blob]) }
        }
        let checkpointer = try XCTUnwrap(store.backgroundCheckpoints)
        let (frames, copied) = try checkpointer.checkpointNow()
        XCTAssertGreaterThan(frames, 1000, "nothing was checkpointed on commit")
        XCTAssertEqual(copied, frames, "the background connection copies every frame")
        XCTAssertEqual(try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM config WHERE key LIKE 'k%'") }, 400)
    }

    func testForeignKeysAreEnforced() throws {
        let on = try store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") }
        XCTAssertEqual(on, 1)
        XCTAssertThrowsError(try store.pool.write { db in
            try LabelEvent(itemId: 999, annotator: "ann", role: .annotator, action: .save, rubricHash: nil, scores: "{}").insert(db)
        }) { error in
            XCTAssertEqual((error as? DatabaseError)?.extendedResultCode, .SQLITE_CONSTRAINT_FOREIGNKEY, "\(error)")
        }
        XCTAssertEqual(try count("label_event"), 0)
    }

    func testGroupKeysWrittenBeforeKindsGetTheirKindFromWhatTheItemIs() throws {
        let path = NSTemporaryDirectory() + "winnow-v3-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v3-serve-log")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO source_file(id, name, path, sha256, format, records, imported_at) VALUES
                    (1, 'c.json', 'c.json', '', 'llava', 1, ''), (2, 'q.json', 'q.json', '', 'question-sets', 1, ''),
                    (3, 'a.jsonl', 'a.jsonl', '', 'mm-instruct-answers', 1, '');
                INSERT INTO item(key, group_key, turns, source_name, record_index, part, source_file_id, turn_index, original, content_hash) VALUES
                    ('105', '105', '[]', 'c.json', 0, '', 1, NULL, x'', 'a'),
                    ('105/q0', '105', '[]', 'q.json', 0, 'q0', 2, NULL, x'', 'b'),
                    ('103/t0/c0', '103/t0', '[]', 'c.json', 1, 't0/c0', 1, 0, x'', 'c'),
                    ('q1/m', 'q1', '[]', 'a.jsonl', 0, '', 3, NULL, x'', 'd');
                """)
        }
        try Schema.migrator.migrate(queue)
        let groups = try queue.read { db in try String.fetchAll(db, sql: "SELECT group_key FROM item ORDER BY id") }
        XCTAssertEqual(groups, ["record:105", "questions:105", "turn:103/t0", "answers:q1"])
    }

    private func insertOneLabel() throws -> Int64 {
        try store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO item(key, group_key, turns, source_name, record_index, original, content_hash)
                VALUES ('k', 'k', '[]', 'f.json', 0, x'', 'h')
                """)
            let itemId = db.lastInsertedRowID
            return try LabelEvent(itemId: itemId, annotator: "ann", role: .annotator, action: .save, rubricHash: nil, scores: #"{"q":1}"#).insert(db).id!
        }
    }

    func testTheLabelLogRefusesUpdates() throws {
        let id = try insertOneLabel()
        XCTAssertThrowsError(try store.pool.write { db in
            try db.execute(sql: "UPDATE label_event SET scores = '{}' WHERE id = ?", arguments: [id])
        }) { error in
            XCTAssertEqual((error as? DatabaseError)?.message, "the label log is append-only")
        }
        let scores = try store.pool.read { db in try String.fetchOne(db, sql: "SELECT scores FROM label_event") }
        XCTAssertEqual(scores, #"{"q":1}"#)
    }

    func testTheLabelLogRefusesDeletes() throws {
        _ = try insertOneLabel()
        XCTAssertThrowsError(try store.pool.write { db in try db.execute(sql: "DELETE FROM label_event") }) { error in
            XCTAssertEqual((error as? DatabaseError)?.message, "the label log is append-only")
        }
        XCTAssertEqual(try count("label_event"), 1)
    }

    func testAnUndoRowMustNameWhatItUndoesAndHaveNoScores() throws {
        let id = try insertOneLabel()
        let itemId = try store.pool.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM item")! }
        XCTAssertThrowsError(try store.pool.write { db in
            try LabelEvent(itemId: itemId, annotator: "ann", role: .annotator, action: .undo, rubricHash: nil, scores: nil).insert(db)
        })
        XCTAssertThrowsError(try store.pool.write { db in
            try LabelEvent(itemId: itemId, annotator: "ann", role: .annotator, action: .undo, undoes: id, rubricHash: nil, scores: "{}").insert(db)
        })
        XCTAssertEqual(try count("label_event"), 1)
    }
}
