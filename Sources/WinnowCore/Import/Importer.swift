import Crypto
import Foundation
import GRDB
import GRDBSQLite

/// Imports data files into the store in one transaction: either every record of the command is written,
/// or (on the first bad record) nothing is.
///
/// Keys: a record's `id`, or `FILESTEM:INDEX` without one. A record is identified across imports by its
/// file's base name, its index and its part; importing it again with the same content adds nothing, with
/// different content is an error naming the key. A repeated id (LLaVA-Instruct-158k has them) takes the
/// next free key of `ID`, `ID#2`, `ID#3`, … in file order.
public struct Importer {
    public struct Options {
        public var files: [String]
        public var captions: String?
        /// `--set FIELD=VALUE`, stamped on every record of the command, in the order given.
        public var setFields: [(String, String)] = []
        public var format: ImportFormat?
        public var scoreLabels: ScoreLabels?
        public var progress: ((Progress) -> Void)?

        public init(files: [String], captions: String? = nil, setFields: [(String, String)] = [], format: ImportFormat? = nil,
                    scoreLabels: ScoreLabels? = nil, progress: ((Progress) -> Void)? = nil) {
            self.files = files
            self.captions = captions
            self.setFields = setFields
            self.format = format
            self.scoreLabels = scoreLabels
            self.progress = progress
        }
    }

    /// `--scores-as NAME --scores-criterion ID --rubric R`: the files' `score` values become labels with
    /// role `imported`, source NAME, on one criterion, each checked against the rubric.
    public struct ScoreLabels: Sendable {
        public var source: String
        public var criterion: String
        public var rubric: StoredRubric
        /// The value as the rubric accepts it (and whether it had to be rounded to a scale value), or a
        /// message saying why not.
        public var check: @Sendable (JSONValue) -> Result<(value: JSONValue, rounded: Bool), RubricValueProblem>

        public init(source: String, criterion: String, rubric: StoredRubric,
                    check: @escaping @Sendable (JSONValue) -> Result<(value: JSONValue, rounded: Bool), RubricValueProblem>) {
            self.source = source
            self.criterion = criterion
            self.rubric = rubric
            self.check = check
        }
    }

    public struct Progress {
        public var file: String
        public var bytesRead: Int
        public var totalBytes: Int
    }

    public struct FileSummary: Sendable, Equatable {
        public var path: String
        public var format: String
        public var records: Int
        public var itemsAdded: Int
        public var unchanged: Int
    }

    public struct Summary: Sendable, Equatable {
        public var files: [FileSummary] = []
        public var records = 0
        public var itemsAdded = 0
        public var unchanged = 0
        /// Items whose key got a `#N` because their id was taken.
        public var renamed = 0
        public var labelsAdded = 0
        /// Imported scores that fell between a scale's values and were rounded to the nearest.
        public var scoresRounded = 0
        public var captionedItems = 0
    }

    public let store: Store

    public init(store: Store) { self.store = store }

    public func run(_ options: Options) throws -> Summary {
        let captionIndex = try options.captions.map { path throws(ImportError) in try CaptionIndex(path: path) }
        for (field, _) in options.setFields where field.isEmpty {
            throw ImportError(file: "--set", message: "a field name is required (FIELD=VALUE)")
        }
        // Open every file and tell its format before writing anything; MM-Instruct questions are read
        // first so answers in the same command can find them.
        var plans: [(reader: RecordReader, format: ImportFormat)] = []
        for path in options.files {
            let reader = try RecordReader(path: path)
            let format: ImportFormat
            if let forced = options.format {
                format = forced
            } else if let (first, offset) = try reader.firstRecord() {
                guard let object = first.objectValue else {
                    throw reader.error(at: offset, record: 0, "expected a record (an object), found \(first.typeName)")
                }
                guard let detected = ImportFormat.detect(object) else {
                    throw ImportError(
                        file: path, record: 0,
                        message: "cannot tell the format from the fields (\(object.keys.prefix(8).joined(separator: ", "))); name it with --format (\(ImportFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                format = detected
            } else {
                format = .llava
            }
            plans.append((reader, format))
        }
        var questions: [String: MMInstructFormat.Question] = [:]
        for plan in plans where plan.format == .mmInstructQuestions {
            try plan.reader.forEach { record throws(ImportError) in
                do throws(RecordProblem) {
                    let (id, question) = try MMInstructFormat.question(record.value)
                    questions[id] = question
                } catch {
                    throw plan.reader.error(at: record.range.lowerBound, record: record.index, field: error.field, error.message)
                }
            }
        }
        if plans.contains(where: { $0.format == .mmInstructAnswers }) && !plans.contains(where: { $0.format == .mmInstructQuestions }) {
            let answers = plans.first { $0.format == .mmInstructAnswers }!.reader.path
            throw ImportError(file: answers, message: "MM-Instruct answers need their question file in the same command (winnow import questions.jsonl \(answers) ...)")
        }

        let importedAt = Timestamp.now()
        // Each file's SHA-256 (for the manifest, and to know a file imported before byte for byte) is
        // computed on its own thread while the records are written: first, it kept the writer from starting.
        let digests = plans.map { plan in BackgroundResult { [data = plan.reader.data] in hexDigits(SHA256.hash(data: data)) } }
        return try store.bulkWrite { db -> Summary in
            // A larger page cache for the one big transaction: fewer pages spilled to the WAL and read back.
            let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA cache_size = -65536")
            defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
            var summary = Summary()
            var writer = try ItemWriter(db: db, importedAt: importedAt, scoreLabels: options.scoreLabels)
            for (plan, digest) in zip(plans, digests) {
                let reader = plan.reader
                let name = (reader.path as NSString).lastPathComponent
                let stem = (name as NSString).deletingPathExtension
                // Parsing, drafting, serializing and hashing run on a second thread, a bounded queue ahead
                // of this one, which only writes: the two halves of an import overlap on two cores (the
                // preparer starts while this thread hashes the file). Records still come in file order, and
                // a problem in record k is reported only after records 0..<k were written, so errors are
                // the same as doing one record after the other.
                let preparer = RecordPreparer(
                    reader: reader, format: plan.format, stem: stem, questions: questions, setFields: options.setFields,
                    captionIndex: captionIndex)
                let pipeline = RecordPipeline()
                pipeline.start(preparer)
                defer { pipeline.stop() }
                let sourceFileId = try writer.beginSourceFile(reader: reader, name: name, format: plan.format)
                try writer.beginFile(sourceName: name)
                var file = FileSummary(path: reader.path, format: "\(plan.format.rawValue) (\(reader.container.rawValue))", records: 0, itemsAdded: 0, unchanged: 0)
                let total = reader.data.count
                while let batch = try pipeline.next() {
                    for record in batch {
                        file.records += 1
                        if plan.format == .mmInstructQuestions { continue }
                        do {
                            // The record's original bytes are bound straight from the mapped file.
                            let outcome = try reader.data.withUnsafeBytes { file in
                                try writer.write(
                                    record.rows, fallbackKey: "\(stem):\(record.index)", sourceName: name, recordIndex: record.index,
                                    sourceFileId: sourceFileId, original: UnsafeRawBufferPointer(rebasing: file[record.start..<record.end]))
                            }
                            file.itemsAdded += outcome.added
                            file.unchanged += outcome.unchanged
                            summary.renamed += outcome.renamed
                            summary.labelsAdded += outcome.labels
                            summary.scoresRounded += outcome.rounded
                            summary.captionedItems += outcome.added > 0 ? record.rows.filter { !$0.draft.captions.isEmpty }.count : 0
                        } catch let problem as RecordProblem {
                            throw reader.error(at: record.start, record: record.index, field: problem.field, problem.message)
                        } catch {
                            throw ImportError(file: reader.path, record: record.index, message: "cannot write: \(Store.describe(error))")
                        }
                        if (record.index + 1) % 4096 == 0 { options.progress?(Progress(file: reader.path, bytesRead: record.end, totalBytes: total)) }
                    }
                }
                try writer.finishSourceFile(sourceFileId, name: name, sha256: digest.value(), records: file.records)
                options.progress?(Progress(file: reader.path, bytesRead: total, totalBytes: total))
                summary.files.append(file)
                summary.records += file.records
                summary.itemsAdded += file.itemsAdded
                summary.unchanged += file.unchanged
            }
            return summary
        }
    }
}

/// Lowercase hex of `bytes` (what `String(format: "%02x")` per byte gave, without Foundation's formatter).
func hexDigits<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// Writes drafted items inside the import's transaction with cached statements.
struct ItemWriter {
    static let zero: [UInt8] = [0]

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
                             source_file_id, turn_index, candidate_index, original, content_hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
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
                itemId = try insertRow(
                    key: key, group: group, row: row, sourceName: sourceName, recordIndex: recordIndex, sourceFileId: sourceFileId,
                    original: original)
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
                           original: UnsafeRawBufferPointer) throws -> Int64 {
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
        let stored = try Row.fetchOne(db, sql: "SELECT image, captions, turns, fields, original FROM item WHERE id = ?", arguments: [itemId])
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
        let current = try String.fetchOne(
            db, sql: "SELECT scores FROM current_label WHERE item_id = ? AND annotator = ? AND role = 'imported'",
            arguments: [itemId, labels.source])
        if current == scores { return (false, rounded) }
        try LabelEvent(
            itemId: itemId, annotator: labels.source, role: .imported, source: labels.source,
            action: current == nil ? .save : .edit, rubricHash: labels.rubric.hash, scores: scores, at: importedAt
        ).insert(db)
        return (true, rounded)
    }
}

/// A drafted item with its stored JSON texts and content hash, computed off the writer's thread.
struct PreparedRow {
    var draft: DraftItem
    var fieldsJSON: String
    var turnsJSON: String
    var captionsJSON: String
    var contentHash: String

    init(draft: DraftItem, original: UnsafeRawBufferPointer) {
        self.draft = draft
        fieldsJSON = JSONValue.object(draft.fields).serialized()
        turnsJSON = PreparedRow.json(draft.turns)
        captionsJSON = JSONValue.array(draft.captions.map(JSONValue.string)).serialized()
        var hasher = SHA256()
        for var part in [draft.image ?? "", captionsJSON, turnsJSON, fieldsJSON] {
            part.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            ItemWriter.zero.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
        hasher.update(bufferPointer: original)
        contentHash = hexDigits(hasher.finalize().prefix(16))
    }
}

extension PreparedRow {
    /// `[{"from":…,"value":…},…]`: the turns as `JSONValue.serialized()` writes them, without building the
    /// JSON values first (one allocation instead of several per turn, for every imported item).
    static func json(_ turns: [Turn]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(turns.reduce(2) { $0 + $1.value.utf8.count + 32 })
        out.append(UInt8(ascii: "["))
        for (i, turn) in turns.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"from":"#.utf8)
            JSONValue.writeString(turn.from, bytes: &out)
            out.append(contentsOf: #","value":"#.utf8)
            JSONValue.writeString(turn.value, bytes: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }
}

/// One record ready to write: its items (its original bytes are `start..<end` of the file).
struct PreparedRecord {
    var index: Int
    /// Byte offsets of the record in its file.
    var start: Int
    var end: Int
    var rows: [PreparedRow]
}

/// Turns a file's records into `PreparedRecord`s: parse (by the reader), draft by the format, stamp
/// `--set` fields, attach captions, serialize and hash. Used by the preparing thread only.
final class RecordPreparer: @unchecked Sendable {
    let reader: RecordReader
    let format: ImportFormat
    let stem: String
    let questions: [String: MMInstructFormat.Question]
    let setFields: [(String, String)]
    let captionIndex: CaptionIndex?

    init(reader: RecordReader, format: ImportFormat, stem: String, questions: [String: MMInstructFormat.Question],
         setFields: [(String, String)], captionIndex: CaptionIndex?) {
        self.reader = reader
        self.format = format
        self.stem = stem
        self.questions = questions
        self.setFields = setFields
        self.captionIndex = captionIndex
    }

    /// LLaVA records of the plain shape skip the JSON tree (`LLaVAFastPath`); `useFastPath` is for the
    /// test that compares both paths.
    var fastPath: RecordReader.FastPath? {
        format == .llava && RecordPreparer.useFastPath ? { LLaVAFastPath.draft(&$0) } : nil
    }
    nonisolated(unsafe) static var useFastPath = true

    func prepare(_ record: RecordReader.Record) throws(ImportError) -> PreparedRecord {
        let range = record.range
        if format == .mmInstructQuestions { return PreparedRecord(index: record.index, start: range.lowerBound, end: range.upperBound, rows: []) }
        var drafts: [DraftItem]
        do throws(RecordProblem) {
            if let draft = record.draft {
                drafts = [draft]
            } else {
                switch format {
                case .llava: drafts = try LLaVAFormat.items(record.value)
                case .alpaca: drafts = try AlpacaFormat.items(record.value)
                case .questionSets: drafts = try QuestionSetFormat.items(record.value)
                case .mmInstructAnswers: drafts = try MMInstructFormat.items(record.value, stem: stem, questions: questions)
                case .mmInstructQuestions: drafts = []
                }
            }
        } catch {
            throw reader.error(at: range.lowerBound, record: record.index, field: error.field, error.message)
        }
        for i in drafts.indices {
            for (field, value) in setFields { drafts[i].fields[field] = .string(value) }
            if drafts[i].captions.isEmpty, let image = drafts[i].image, let captionIndex {
                drafts[i].captions = captionIndex.captions(forImage: image)
            }
        }
        let rows = reader.data.withUnsafeBytes { file in
            drafts.map { PreparedRow(draft: $0, original: UnsafeRawBufferPointer(rebasing: file[range])) }
        }
        return PreparedRecord(index: record.index, start: range.lowerBound, end: range.upperBound, rows: rows)
    }
}

/// A bounded queue of prepared records between the preparing thread and the writer. The preparer
/// stops at the first problem, which `next()` throws after every record before it was handed out.
final class RecordPipeline: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [[PreparedRecord]] = []
    private var head = 0
    private var finished = false
    private var failure: ImportError?
    private var stopped = false
    private var thread: Thread?
    private var threadDone = false
    /// Batches waiting at most; with `batchSize` records each this bounds memory to a few MB.
    private let capacity = 16
    private let batchSize = 64

    func start(_ preparer: RecordPreparer) {
        let thread = Thread { [self] in
            var batch: [PreparedRecord] = []
            batch.reserveCapacity(batchSize)
            var problem: ImportError?
            do throws(ImportError) {
                try preparer.reader.forEach(fast: preparer.fastPath) { record throws(ImportError) in
                    batch.append(try preparer.prepare(record))
                    if batch.count == batchSize {
                        guard push(batch) else { throw ImportError(file: preparer.reader.path, message: "stopped") }
                        batch.removeAll(keepingCapacity: true)
                    }
                }
            } catch {
                problem = error
            }
            condition.lock()
            if !batch.isEmpty && !stopped { batches.append(batch) }
            failure = problem
            finished = true
            threadDone = true
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "winnow-import-prepare"
        thread.stackSize = 8 << 20
        self.thread = thread
        thread.start()
    }

    /// Waits for room; false when the writer stopped.
    private func push(_ batch: [PreparedRecord]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while batches.count - head >= capacity && !stopped { condition.wait() }
        if stopped { return false }
        batches.append(batch)
        condition.broadcast()
        return true
    }

    /// The next batch in file order, nil at the end; throws the preparer's problem after the batches before it.
    func next() throws(ImportError) -> [PreparedRecord]? {
        condition.lock()
        defer { condition.unlock() }
        while head == batches.count && !finished { condition.wait() }
        if head < batches.count {
            let batch = batches[head]
            batches[head] = []
            head += 1
            if head > 64 {
                batches.removeFirst(head)
                head = 0
            }
            condition.broadcast()
            return batch
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops the preparer (if still running) and waits for its thread to end.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while thread != nil && !threadDone { condition.wait() }
        condition.unlock()
    }
}
