import Foundation
import GRDB
import XCTest
@_spi(Testing) @testable import WinnowCore
import WinnowTestSupport

/// What an import stores grows with the input, not with its square: a record that gives many items
/// (candidate answers, question sets) keeps its original bytes once, and a record whose items would repeat
/// too much of it is refused with the limit.
final class ImportStorageTests: CoreTestCase {
    /// One LLaVA record whose one gpt turn has `count` candidate answers, each with a score.
    private func candidateRecord(id: String = "many", count: Int, question: String = "<image>\nWhat is in the picture?") -> String {
        let candidates = (0..<count).map { JSONValue.string("answer \($0)") }
        let scores = (0..<count).map { JSONValue.number("\($0 % 5 + 1)") }
        return JSONValue.object(JSONObject([
            "id": .string(id), "image": .string("many.jpg"),
            "conversations": .array([
                .object(JSONObject(["from": .string("human"), "value": .string(question)])),
                .object(JSONObject(["from": .string("gpt"), "value": .array(candidates), "score": .array(scores)])),
            ]),
        ])).serialized()
    }

    /// One question-set record with `count` sets of one question and answer each.
    private func questionSetRecord(count: Int, caption: String = "Two apples on a table.") -> String {
        let sets = (0..<count).map { JSONValue.array([.string("Question \($0)?"), .string("Answer \($0).")]) }
        return JSONValue.object(JSONObject([
            "id": .string("sets"), "image": .string("sets.jpg"), "caption": .string(caption), "questions": .array(sets),
        ])).serialized()
    }

    /// Imports `record` as a one-record JSON list into a new database; returns the database's size in
    /// bytes (its pages) and the bytes of record originals it holds.
    private func importAlone(_ record: String, name: String) throws -> (databaseBytes: Int, originalBytes: Int) {
        let store = try Store(path: sandbox.path("\(name).sqlite"))
        let path = try sandbox.write("\(name).json", "[" + record + "]")
        _ = try Importer(store: store).run(Importer.Options(files: [path]))
        return try store.testRead { db in
            let pages = try Int.fetchOne(db, sql: "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()") ?? 0
            let inItems = try Int.fetchOne(db, sql: "SELECT coalesce(sum(length(original)), 0) FROM item") ?? 0
            let shared = try Int.fetchOne(db, sql: "SELECT coalesce(sum(length(bytes)), 0) FROM record_original") ?? 0
            return (pages, inItems + shared)
        }
    }

    func testARecordWithManyCandidatesKeepsItsBytesOnceAndTheDatabaseGrowsLinearly() throws {
        let small = candidateRecord(count: 1000)
        let large = candidateRecord(count: 4000)
        let a = try importAlone(small, name: "small")
        let b = try importAlone(large, name: "large")
        XCTAssertEqual(a.originalBytes, small.utf8.count, "one copy of the record, not one per candidate")
        XCTAssertEqual(b.originalBytes, large.utf8.count)
        // Four times the candidates (and about four times the bytes): about four times the database, not
        // sixteen (each candidate storing the whole record made it 4,000 × 60 KB = 240 MB).
        XCTAssertLessThan(Double(b.databaseBytes), 5.0 * Double(a.databaseBytes), "database \(a.databaseBytes) → \(b.databaseBytes) bytes")
        XCTAssertLessThan(b.databaseBytes, 40 * large.utf8.count, "database \(b.databaseBytes) bytes for a record of \(large.utf8.count)")
    }

    func testARecordWithManyQuestionSetsKeepsItsBytesOnceAndTheDatabaseGrowsLinearly() throws {
        let small = questionSetRecord(count: 1000)
        let large = questionSetRecord(count: 4000)
        let a = try importAlone(small, name: "small")
        let b = try importAlone(large, name: "large")
        XCTAssertEqual(a.originalBytes, small.utf8.count)
        XCTAssertEqual(b.originalBytes, large.utf8.count)
        XCTAssertLessThan(Double(b.databaseBytes), 5.0 * Double(a.databaseBytes), "database \(a.databaseBytes) → \(b.databaseBytes) bytes")
        XCTAssertLessThan(b.databaseBytes, 40 * large.utf8.count, "database \(b.databaseBytes) bytes for a record of \(large.utf8.count)")
    }

    func testEachItemOfASharedRecordReadsTheRecordsBytes() throws {
        let candidates = candidateRecord(id: "c", count: 3)
        let sets = questionSetRecord(count: 2)
        let whole = #"{"id": "w", "conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}]}"#
        try runImport([try sandbox.write("c.json", "[" + candidates + "]"), try sandbox.write("q.json", "[" + sets + "]"),
                       try sandbox.write("w.json", "[" + whole + "]")])
        for key in ["c/t0/c0", "c/t0/c1", "c/t0/c2"] { XCTAssertEqual(try item(key)?.original, Data(candidates.utf8), key) }
        for key in ["sets/q0", "sets/q1"] { XCTAssertEqual(try item(key)?.original, Data(sets.utf8), key) }
        XCTAssertEqual(try item("w")?.original, Data(whole.utf8))
        XCTAssertEqual(try items().map(\.original.count), [candidates.utf8.count, candidates.utf8.count, candidates.utf8.count,
                                                           sets.utf8.count, sets.utf8.count, whole.utf8.count])
        XCTAssertEqual(try count("record_original"), 2, "one row per record of several items; a whole record keeps its bytes in its item")
    }

    func testReimportingACandidateFileAddsNothingAndAChangedOneIsAnError() throws {
        let path = try sandbox.write("c.jsonl", candidateRecord(id: "c", count: 5) + "\n")
        let sets = try sandbox.write("q.jsonl", questionSetRecord(count: 3) + "\n")
        try runImport([path, sets])
        let before = try dumpRows()
        let again = try runImport([path, sets])
        XCTAssertEqual(again.itemsAdded, 0)
        XCTAssertEqual(again.unchanged, 8)
        XCTAssertEqual(try dumpRows(), before, "nothing is written again, not even a second copy of a record's bytes")

        let changed = try sandbox.write("c.jsonl", candidateRecord(id: "c", count: 5, question: "Another question?") + "\n")
        XCTAssertEqual(try importError([changed])?.description,
                       "\(changed):1:1: record 0: key c/t0/c0 was imported from c.jsonl before with different content; import the changed file under another name or into another database")
        XCTAssertEqual(try dumpRows(), before)
    }

    func testARecordWhoseCandidatesWouldRepeatTooMuchOfItIsRefusedWithTheLimit() throws {
        // A 200 KB question before 2,000 candidates: each candidate shows the question, 400 MB in all.
        let record = candidateRecord(count: 2000, question: String(repeating: "What is this? ", count: 15_000))
        let path = try sandbox.write("absurd.jsonl", #"{"id": "fine", "conversations": [{"from": "human", "value": "q"}]}"# + "\n" + record + "\n")
        let error = try XCTUnwrap(importError([path]))
        XCTAssertTrue(error.description.hasPrefix("\(path):2:1: record 1: conversations: its 2000 items would store 420 MB of text"), error.description)
        XCTAssertTrue(error.description.contains("more than the 15 MB allowed for a record of 241 KB (64 times its size, and 64 KB); split it into smaller records"),
                      error.description)
        XCTAssertEqual(try count("item"), 0, "nothing of the command is written")
    }

    func testQuestionSetsThatWouldEachRepeatAHugeCaptionAreRefused() throws {
        let record = questionSetRecord(count: 1000, caption: String(repeating: "c", count: 200_000))
        let path = try sandbox.write("caption.json", "[" + record + "]")
        let error = try XCTUnwrap(importError([path]))
        XCTAssertTrue(error.description.hasPrefix("\(path):1:2: record 0: questions: its 1000 items would store 200 MB of text"), error.description)
        XCTAssertEqual(try count("item"), 0)
    }

    func testByteCountsReadAsPeopleWriteThem() {
        XCTAssertEqual(ByteCount(0).description, "0 bytes")
        XCTAssertEqual(ByteCount(1).description, "1 byte")
        XCTAssertEqual(ByteCount(999).description, "999 bytes")
        XCTAssertEqual(ByteCount(1000).description, "1 KB")
        XCTAssertEqual(ByteCount(1_250).description, "1.3 KB")
        XCTAssertEqual(ByteCount(119_000).description, "119 KB")
        XCTAssertEqual(ByteCount(1_190_000_000).description, "1.2 GB")
    }

    /// A database written before v5-record-originals held a candidate record's bytes in each of its items:
    /// the migration moves them to one row and gives the items the hashes a new import gives them, so
    /// importing the file again finds every item unchanged.
    func testMigratingAnOlderDatabaseKeepsARecordsBytesOnceAndItsItemsUnchanged() throws {
        let record = candidateRecord(id: "old", count: 4)
        let whole = #"{"id": "w", "conversations": [{"from": "human", "value": "q"}]}"#
        let path = try sandbox.write("old.jsonl", record + "\n" + whole + "\n")
        // The rows a current import writes, as the store reads them.
        let fresh = try Store(path: sandbox.path("fresh.sqlite"))
        _ = try Importer(store: fresh).run(Importer.Options(files: [path]))
        let columns = "key, group_key, image, captions, turns, fields, source_name, record_index, part, turn_index, candidate_index"
        let freshRows = try fresh.testRead { db in
            try Row.fetchAll(db, sql: "SELECT \(columns), \(Item.originalColumn) AS original, content_hash FROM item ORDER BY id")
        }

        // The same items as the import before v5 wrote them: each with the record's bytes and its hash over them.
        let legacyPath = sandbox.path("legacy.sqlite")
        do {
            let queue = try DatabaseQueue(path: legacyPath)
            try Schema.migrator.migrate(queue, upTo: "v4-group-kinds")
            try queue.write { db in
                try db.execute(sql: "INSERT INTO source_file(id, name, path, sha256, format, records, imported_at) VALUES (1, 'old.jsonl', ?, '', 'llava', 2, '')", arguments: [path])
                for row in freshRows {
                    let original: Data = row["original"]
                    let hash = original.withUnsafeBytes { bytes in
                        ItemContentHash.whole(image: row["image"], captionsJSON: row["captions"], turnsJSON: row["turns"], fieldsJSON: row["fields"], original: bytes)
                    }
                    try db.execute(sql: """
                        INSERT INTO item(\(columns), source_file_id, original, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
                        """, arguments: [row["key"], row["group_key"], row["image"], row["captions"], row["turns"], row["fields"], row["source_name"],
                                         row["record_index"], row["part"], row["turn_index"], row["candidate_index"], original, hash])
                }
            }
        }
        let migrated = try Store(path: legacyPath)
        let migratedRows = try migrated.testRead { db in
            try Row.fetchAll(db, sql: "SELECT \(columns), \(Item.originalColumn) AS original, content_hash FROM item ORDER BY id")
        }
        XCTAssertEqual(migratedRows, freshRows, "the migrated items read and hash as a new import's")
        let stored = try migrated.testRead { db in
            try Row.fetchAll(db, sql: "SELECT key, length(original) AS inline, record_original_id FROM item ORDER BY id").map { "\($0["key"] as String) \($0["inline"] as Int) \(($0["record_original_id"] as Int64?).map(String.init) ?? "-")" }
        }
        XCTAssertEqual(stored, ["old/t0/c0 0 1", "old/t0/c1 0 1", "old/t0/c2 0 1", "old/t0/c3 0 1", "w \(whole.utf8.count) -"])
        let again = try Importer(store: migrated).run(Importer.Options(files: [path]))
        XCTAssertEqual(again.itemsAdded, 0)
        XCTAssertEqual(again.unchanged, 5)
    }
}
