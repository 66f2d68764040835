import Crypto
import Foundation
import GRDB

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
        if plans.contains(where: { $0.format == .mmInstructQuestions }) && !plans.contains(where: { $0.format == .mmInstructAnswers }) {
            // A question file is what its answers are graded against: on its own it gives no item at all.
            let file = plans.first { $0.format == .mmInstructQuestions }!.reader.path
            throw ImportError(file: file, message: "MM-Instruct questions give no items on their own: import them with their answer files in the same command (winnow import \(file) answers/*.jsonl)")
        }

        let importedAt = Timestamp.now()
        // Each file's SHA-256 (for the manifest, and to know a file imported before byte for byte) is
        // computed on its own thread while the records are written: first, it kept the writer from starting.
        let digests = plans.map { plan in BackgroundResult { [data = plan.reader.data] in hexDigits(SHA256.hash(data: data)) } }
        return try store.bulkWrite(largeCache: true) { db -> Summary in
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

/// A drafted item with its stored JSON texts and content hash, computed off the writer's thread.
struct PreparedRow {
    var draft: DraftItem
    var fieldsJSON: String
    var turnsJSON: String
    var captionsJSON: String
    var contentHash: String
    /// Whether the item is one of several from its record, which then keep the record's original bytes
    /// once between them (`record_original`) instead of each its own copy.
    var sharesOriginal: Bool

    /// `recordDigest` (the SHA-256 of the record's bytes) is given for the items of a record that has
    /// several; an item that is the whole record hashes the bytes themselves.
    init(draft: DraftItem, original: UnsafeRawBufferPointer, recordDigest: [UInt8]?) {
        self.draft = draft
        fieldsJSON = JSONValue.object(draft.fields).serialized()
        turnsJSON = PreparedRow.json(draft.turns)
        captionsJSON = JSONValue.array(draft.captions.map(JSONValue.string)).serialized()
        sharesOriginal = recordDigest != nil
        if let recordDigest {
            contentHash = ItemContentHash.sharing(
                image: draft.image, captionsJSON: captionsJSON, turnsJSON: turnsJSON, fieldsJSON: fieldsJSON, recordDigest: recordDigest)
        } else {
            contentHash = ItemContentHash.whole(
                image: draft.image, captionsJSON: captionsJSON, turnsJSON: turnsJSON, fieldsJSON: fieldsJSON, original: original)
        }
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
            JSONValue.writeString(turn.from.rawValue, bytes: &out)
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

    /// A record's items repeat what they share (a candidate shows the conversation before it; every item
    /// keeps the record's captions and fields), so their text could grow with the square of the record
    /// (10,000 candidates after a 100 KB question would store 1 GB). At most this many times the record's
    /// size, plus `storedTextAllowance`, is stored; a record that would need more is refused, so a file's
    /// cost stays linear in its size.
    static let storedTextFactor = 64
    static let storedTextAllowance = 64 << 10

    static func storedTextLimit(recordSize: Int) -> Int { storedTextFactor * recordSize + storedTextAllowance }

    /// The bytes the drafts' turns, captions and fields will take once stored, nearly (counted before
    /// anything is serialized, so an absurd record is refused before its text is built): the strings'
    /// UTF-8 plus the JSON around them; the fields of the first draft stand for every draft's.
    static func storedText(_ drafts: [DraftItem]) -> Int {
        let fields = drafts.first.map { JSONValue.object($0.fields).serialized().utf8.count } ?? 0
        var total = 0
        for draft in drafts {
            total += fields + 4
            for turn in draft.turns { total += turn.value.utf8.count + turn.from.rawValue.utf8.count + 22 }
            for caption in draft.captions { total += caption.utf8.count + 3 }
            if total > Int.max / 4 { break }
        }
        return total
    }

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
        if drafts.count > 1 {
            let size = range.count
            let stored = RecordPreparer.storedText(drafts)
            if stored > RecordPreparer.storedTextLimit(recordSize: size) {
                let field = format == .questionSets ? "questions" : "conversations"
                throw reader.error(
                    at: range.lowerBound, record: record.index, field: field,
                    "its \(drafts.count) items would store \(ByteCount(stored)) of text (each repeats what they share: the turns before the candidates, the captions, the other fields), more than the \(ByteCount(RecordPreparer.storedTextLimit(recordSize: size))) allowed for a record of \(ByteCount(size)) (\(RecordPreparer.storedTextFactor) times its size, and 64 KB); split it into smaller records")
            }
        }
        for i in drafts.indices {
            for (field, value) in setFields { drafts[i].fields[field] = .string(value) }
            if drafts[i].captions.isEmpty, let image = drafts[i].image, let captionIndex {
                drafts[i].captions = captionIndex.captions(forImage: image)
            }
        }
        let rows = reader.data.withUnsafeBytes { file in
            let original = UnsafeRawBufferPointer(rebasing: file[range])
            // The items of one record share its bytes: hashed once here, stored once by the writer.
            let digest = drafts.count > 1 ? ItemContentHash.recordDigest(original) : nil
            return drafts.map { PreparedRow(draft: $0, original: original, recordDigest: digest) }
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
