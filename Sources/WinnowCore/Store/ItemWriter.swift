import Foundation
import GRDB
import GRDBSQLite

/// Writes drafted items inside the import's transaction with cached statements.
struct ItemWriter {
    struct Outcome {
        var added = 0
        var unchanged = 0
        var renamed = 0
        var labels = 0
        var rounded = 0
    }

    let db: Database
    let importedAt: String
    let scoreLabels: Importer.ScoreLabels?

    private let findExisting: Statement
    private let insertItem: Statement
    private let insertOriginal: Statement
    private let keyTaken: Statement
    /// Keys inserted by this command, when the database had no items before it: then a key is taken
    /// exactly when it is in here, and no query is needed.
    private var insertedKeys: Set<String>?
    /// Whether rows of the current file may already be there (an item with its source name exists);
    /// when not, no record of it needs looking up.
    private var checkExisting = true

    init(db: Database, importedAt: String, scoreLabels: Importer.ScoreLabels?) throws {
        self.db = db
        self.importedAt = importedAt
        self.scoreLabels = scoreLabels
        if let scoreLabels { try scoreLabels.rubric.save(db) }
        findExisting = try db.makeStatement(sql: "SELECT id, key, content_hash FROM item WHERE source_name = ? AND record_index = ? AND part = ?")
        insertItem = try db.makeStatement(sql: """
            INSERT INTO item(key, group_key, image, captions, turns, fields, source_name, record_index, part,
                             source_file_id, turn_index, candidate_index, original, content_hash, record_original_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertOriginal = try db.makeStatement(sql: "INSERT INTO record_original(bytes) VALUES (?)")
        keyTaken = try db.makeStatement(sql: "SELECT EXISTS (SELECT 1 FROM item WHERE key = ?)")
        let empty = try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM item)") ?? false
        insertedKeys = empty ? [] : nil
    }

    /// Called before a file's records: whether any of them may be in the store already.
    mutating func beginFile(sourceName: String) throws {
        checkExisting = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM item WHERE source_name = ?)", arguments: [sourceName]) ?? true
    }

    /// A new row for the file, which its new items reference; its hash is filled in by `finishSourceFile`.
    func beginSourceFile(reader: RecordReader, name: String, format: ImportFormat) throws -> Int64 {
        try db.execute(
            sql: "INSERT INTO source_file(name, path, sha256, format, records, imported_at) VALUES (?, ?, '', ?, 0, ?)",
            arguments: [name, reader.path, format.rawValue, importedAt])
        return db.lastInsertedRowID
    }

    /// Completes the file's row, or, for a file imported before byte for byte, moves any new items to that
    /// earlier row and drops this one.
    func finishSourceFile(_ id: Int64, name: String, sha256: String, records: Int) throws {
        if let earlier = try Int64.fetchOne(
            db, sql: "SELECT id FROM source_file WHERE name = ? AND sha256 = ? AND id <> ?", arguments: [name, sha256, id])
        {
            try db.execute(sql: "UPDATE item SET source_file_id = ? WHERE source_file_id = ?", arguments: [earlier, id])
            try db.execute(sql: "DELETE FROM source_file WHERE id = ?", arguments: [id])
        } else {
            try db.execute(sql: "UPDATE source_file SET sha256 = ?, records = ? WHERE id = ?", arguments: [sha256, records, id])
        }
    }

    mutating func write(_ rows: [PreparedRow], fallbackKey: String, sourceName: String, recordIndex: Int, sourceFileId: Int64, original: UnsafeRawBufferPointer) throws -> Outcome {
        var outcome = Outcome()
        guard let first = rows.first?.draft else { return outcome }
        let baseKey = first.baseKey ?? fallbackKey
        var recordKey: String?
        /// The record's shared original bytes, written with its first new item (`PreparedRow.sharesOriginal`).
        var sharedOriginal: Int64?
        for row in rows {
            let draft = row.draft
            let (fieldsJSON, turnsJSON, captionsJSON, contentHash) = (row.fieldsJSON, row.turnsJSON, row.captionsJSON, row.contentHash)
            let itemId: Int64
            if checkExisting, let existing = try Row.fetchOne(findExisting, arguments: [sourceName, recordIndex, draft.part]) {
                guard existing["content_hash"] as String == contentHash else {
                    throw try differenceProblem(itemId: existing["id"], key: existing["key"], row: row, sourceName: sourceName, original: original)
                }
                outcome.unchanged += 1
                itemId = existing["id"]
            } else {
                if recordKey == nil { recordKey = try freeKey(base: baseKey, suffix: draft.keySuffix) }
                let key = recordKey! + draft.keySuffix
                if recordKey != baseKey { outcome.renamed += 1 }
                let group = GroupKey(draft.groupKind, draft.groupOverride ?? (recordKey! + draft.groupSuffix)).description
                if row.sharesOriginal && sharedOriginal == nil {
                    try insertOriginal.execute(arguments: [Data(original)])
                    sharedOriginal = db.lastInsertedRowID
                }
                itemId = try insertRow(
                    key: key, group: group, row: row, sourceName: sourceName, recordIndex: recordIndex, sourceFileId: sourceFileId,
                    original: row.sharesOriginal ? UnsafeRawBufferPointer(start: nil, count: 0) : original, sharedOriginal: sharedOriginal)
                insertedKeys?.insert(key)
                outcome.added += 1
            }
            if let scoreLabels, let score = draft.score {
                let (added, rounded) = try addScoreLabel(scoreLabels, score: score, itemId: itemId)
                if added { outcome.labels += 1 }
                if rounded { outcome.rounded += 1 }
            }
        }
        return outcome
    }

    /// Inserts one item row, binding the values straight to SQLite: GRDB's `StatementArguments` box and
    /// convert every value, which was a fifth of the writer thread's time at 158k records.
    private func insertRow(key: String, group: String, row: PreparedRow, sourceName: String, recordIndex: Int, sourceFileId: Int64,
                           original: UnsafeRawBufferPointer, sharedOriginal: Int64?) throws -> Int64 {
        let statement = insertItem.sqliteStatement
        sqlite3_reset(statement)
        func text(_ index: Int32, _ value: String?) {
            guard var value else { return _ = sqlite3_bind_null(statement, index) }
            value.withUTF8 { bytes in
                guard let base = bytes.baseAddress, !bytes.isEmpty else { return _ = sqlite3_bind_text(statement, index, "", 0, nil) }
                _ = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { chars in
                    sqlite3_bind_text(statement, index, chars, Int32(bytes.count), ItemWriter.transient)
                }
            }
        }
        func integer(_ index: Int32, _ value: Int?) {
            guard let value else { return _ = sqlite3_bind_null(statement, index) }
            sqlite3_bind_int64(statement, index, Int64(value))
        }
        let draft = row.draft
        text(1, key)
        text(2, group)
        text(3, draft.image)
        text(4, row.captionsJSON)
        text(5, row.turnsJSON)
        text(6, row.fieldsJSON)
        text(7, sourceName)
        integer(8, recordIndex)
        text(9, draft.part)
        sqlite3_bind_int64(statement, 10, sourceFileId)
        integer(11, draft.turnIndex)
        integer(12, draft.candidateIndex)
        if let base = original.baseAddress, !original.isEmpty {
            sqlite3_bind_blob(statement, 13, base, Int32(original.count), ItemWriter.transient)
        } else {
            sqlite3_bind_zeroblob(statement, 13, 0)
        }
        text(14, row.contentHash)
        if let sharedOriginal { sqlite3_bind_int64(statement, 15, sharedOriginal) } else { sqlite3_bind_null(statement, 15) }
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        return db.lastInsertedRowID
    }

    /// SQLite copies the bytes it is given (the Swift strings may move once the call returns).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// The first of `base`, `base#2`, `base#3`, … whose item key (with `suffix`) is not taken.
    private func freeKey(base: String, suffix: String) throws -> String {
        var n = 1
        while true {
            let candidate = n == 1 ? base : "\(base)#\(n)"
            let taken: Bool
            if let insertedKeys {
                taken = insertedKeys.contains(candidate + suffix)
            } else {
                taken = try Bool.fetchOne(keyTaken, arguments: [candidate + suffix]) ?? false
            }
            if !taken { return candidate }
            n += 1
        }
    }

    /// Why a record imported before no longer matches: the file's record changed, or only what the
    /// options add to it (`--captions`, `--set`), which the message names.
    private func differenceProblem(itemId: Int64, key: String, row: PreparedRow, sourceName: String, original: UnsafeRawBufferPointer) throws -> RecordProblem {
        let stored = try Row.fetchOne(db, sql: "SELECT image, captions, turns, fields, \(Item.originalColumn) AS original FROM item WHERE id = ?", arguments: [itemId])
        let sameRecord = stored.map { ($0["original"] as Data?) == Data(original) && ($0["turns"] as String?) == row.turnsJSON } ?? false
        guard sameRecord, let stored else {
            return RecordProblem(nil, "key \(key) was imported from \(sourceName) before with different content; import the changed file under another name or into another database")
        }
        var options: [String] = []
        if (stored["captions"] as String?) != row.captionsJSON || (stored["image"] as String?) != row.draft.image { options.append("--captions (the captions attached)") }
        if (stored["fields"] as String?) != row.fieldsJSON { options.append("--set (the fields stamped on the records)") }
        return RecordProblem(nil, "key \(key): the file is the one imported before, but with other options: "
            + (options.isEmpty ? "they" : options.joined(separator: " and ")) + " differ from that import's; give the same options, or import into another database")
    }

    private func addScoreLabel(_ labels: Importer.ScoreLabels, score: JSONValue, itemId: Int64) throws -> (added: Bool, rounded: Bool) {
        let value: JSONValue
        let rounded: Bool
        switch labels.check(score) {
        case .success(let checked): (value, rounded) = checked
        case .failure(let problem): throw RecordProblem("score", "\(score.serialized()) is not a value of criterion '\(labels.criterion)': \(problem.message)")
        }
        let scores = JSONValue.object(JSONObject([JSONObject.Member(key: labels.criterion, value: value)])).serialized()
        let current = try LabelLog.currentImportedScores(db, itemId: itemId, source: labels.source)
        if current == scores { return (false, rounded) }
        try LabelEvent(
            itemId: itemId, annotator: labels.source, role: .imported, source: labels.source,
            action: current == nil ? .save : .edit, rubricHash: labels.rubric.hash, scores: scores, at: importedAt
        ).insert(db)
        return (true, rounded)
    }
}

