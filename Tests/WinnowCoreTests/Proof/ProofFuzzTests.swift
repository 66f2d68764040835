import Foundation
import GRDB
import XCTest
@_spi(Testing) @testable import WinnowCore
import WinnowTestSupport

/// The proof suite's fuzzing: data, label and rubric files broken in every way the seed picks
/// (truncations, byte flips, invalid UTF-8, NUL, deep nesting, huge strings and counts, duplicate keys,
/// wrong types, spliced pieces). Each case ends in a clean import or a clear error naming the file, never
/// a crash, a trap or a hang (the run finishing is the proof of that), and after an error the database
/// holds exactly what it held before. Reduced: a few hundred cases with a fixed seed; full
/// (`WINNOW_PROOF_FULL=1`): thousands.
final class ProofFuzzTests: CoreTestCase {
    private static let seed: UInt64 = 19

    /// Outcomes per kind of case (the first way the file was broken, or "as written"): a clean import, or
    /// a refusal with an error naming the file.
    private struct Tally: CustomStringConvertible {
        var accepted: [String: Int] = [:]
        var refused: [String: Int] = [:]

        mutating func record(_ how: String, accepted ok: Bool) {
            // "deep nesting 1000, byte flips" counts under "deep nesting".
            var words = how.prefix { $0 != "," }.split(separator: " ")
            if words.count > 1, words.last!.allSatisfy(\.isNumber) { words.removeLast() }
            let kind = words.joined(separator: " ")
            if ok { accepted[kind, default: 0] += 1 } else { refused[kind, default: 0] += 1 }
        }

        var description: String {
            let a = accepted.values.reduce(0, +), r = refused.values.reduce(0, +)
            let kinds = Set(accepted.keys).union(refused.keys).sorted().map { "\($0) \(accepted[$0] ?? 0)/\(refused[$0] ?? 0)" }
            return "\(a + r) cases: \(a) accepted, \(r) refused with an error naming the file (accepted/refused per kind: \(kinds.joined(separator: ", ")))"
        }
    }

    // MARK: Mutations

    private struct Mutator {
        var random: SeededGenerator

        mutating func int(_ range: Range<Int>) -> Int { range.isEmpty ? range.lowerBound : Int.random(in: range, using: &random) }

        mutating func position(_ bytes: [UInt8]) -> Int { int(0..<(bytes.count + 1)) }

        /// `bytes` broken one way (the way is returned for the failure message).
        mutating func mutate(_ bytes: [UInt8]) -> (String, [UInt8]) {
            var b = bytes
            switch int(0..<12) {
            case 0:
                return ("truncated", Array(b.prefix(int(0..<max(1, b.count)))))
            case 1:
                for _ in 0..<int(1..<8) where !b.isEmpty { b[int(0..<b.count)] ^= UInt8(1 << int(0..<8)) }
                return ("byte flips", b)
            case 2:
                let bad: [[UInt8]] = [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0xE2, 0x82]]
                b.insert(contentsOf: bad[int(0..<bad.count)], at: position(b))
                return ("invalid UTF-8", b)
            case 3:
                b.insert(0, at: position(b))
                return ("NUL byte", b)
            case 4:
                let depth = [64, 1000, 100_000, 1_000_000][int(0..<4)]
                let open = int(0..<2) == 0 ? UInt8(ascii: "[") : UInt8(ascii: "{")
                var nest = [UInt8](repeating: open, count: depth)
                if open == UInt8(ascii: "[") { nest += [UInt8](repeating: UInt8(ascii: "]"), count: int(0..<2) == 0 ? depth : depth / 2) }
                b.insert(contentsOf: nest, at: position(b))
                return ("deep nesting \(depth)", b)
            case 5:
                let huge = "\"" + String(repeating: "é長", count: int(50_000..<400_000)) + "\""
                return replacingAString(b, with: Array(huge.utf8), "huge string")
            case 6:
                let numbers = ["1e999999", "-1e-999999", "123456789012345678901234567890123456789", "-0", "1.0e+", "0x10", "NaN", "Infinity", "01"]
                return replacingAString(b, with: Array(numbers[int(0..<numbers.count)].utf8), "odd number")
            case 7:
                let count = [1000, 20_000, 100_000][int(0..<3)]
                let list = "[" + Array(repeating: "\"a\"", count: count).joined(separator: ",") + "]"
                return replacingAString(b, with: Array(list.utf8), "long list \(count)")
            case 8:
                // A key given twice: the first key of an object again, right after its brace.
                guard let brace = b.firstIndex(of: UInt8(ascii: "{")) else { return ("no object", b) }
                let keys = ["\"id\": \"dup\", ", "\"conversations\": [], ", "\"item\": \"x\", ", "\"scores\": {}, ", "\"image\": 1, "]
                b.insert(contentsOf: Array(keys[int(0..<keys.count)].utf8), at: brace + 1)
                return ("duplicate key", b)
            case 9:
                let values = ["12", "null", "true", "{}", "[]", "[1, 2]", "{\"from\": 3}", "\"\""]
                return replacingAString(b, with: Array(values[int(0..<values.count)].utf8), "wrong type")
            case 10:
                guard b.count > 2 else { return ("short", b) }
                let start = int(0..<b.count)
                let piece = Array(b[start..<min(b.count, start + int(1..<200))])
                b.insert(contentsOf: piece, at: position(b))
                return ("spliced", b)
            default:
                let junk = [UInt8]((0..<int(1..<64)).map { _ in UInt8(truncatingIfNeeded: int(0..<256)) })
                b.insert(contentsOf: junk, at: position(b))
                return ("random bytes", b)
            }
        }

        /// `bytes` with one quoted string (picked at random) replaced by `replacement`.
        mutating func replacingAString(_ bytes: [UInt8], with replacement: [UInt8], _ what: String) -> (String, [UInt8]) {
            let quotes = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\"") }
            guard quotes.count >= 2 else { return (what, bytes + replacement) }
            let k = int(0..<(quotes.count - 1))
            var b = bytes
            b.replaceSubrange(quotes[k]...quotes[k + 1], with: replacement)
            return (what, b)
        }
    }

    private func sample(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Self.packageRoot.appendingPathComponent(name)))
    }

    // MARK: Data files

    func testFuzzedDataFilesImportCleanlyOrFailNamingTheFileAndChangeNothing() throws {
        let bases = try ["conversation.json", "detail.jsonl", "candidates.json", "questions.json", "questions-only.json", "alpaca.jsonl"]
            .map { ($0, try sample("data/sample/" + $0)) }
        var mutator = Mutator(random: SeededGenerator(seed: Self.seed))
        var tally = Tally()
        let cases = ProofSize.count(reduced: 200, full: 3000)
        var store = try Store(path: sandbox.path("fuzz-0.sqlite"))
        // The database as the last case left it, when known: a failed case leaves it as it was.
        var known: Snapshot?
        var stores = 1
        for n in 0..<cases {
            // A fresh database every 50 cases, and once huge accepted records have made it big: keeps each
            // snapshot cheap (a failed import of a large file into a big database was covered by then).
            if n % 50 == 49 || Self.size(of: store.path) > 4 << 20 {
                store = try Store(path: sandbox.path("fuzz-\(n).sqlite"))
                stores += 1
                known = nil
            }
            let (name, base) = bases[mutator.int(0..<bases.count)]
            var (how, bytes) = n % 10 == 0 ? ("as written", base) : mutator.mutate(base)
            if n % 10 != 0 && mutator.int(0..<4) == 0 { (how, bytes) = { let (h2, b2) = mutator.mutate(bytes); return (how + ", " + h2, b2) }() }
            let path = try sandbox.write("case-\(n)-" + name, bytes: bytes)
            let before = try known ?? Snapshot(store)
            known = nil
            do {
                _ = try Importer(store: store).run(Importer.Options(files: [path]))
                tally.record(how, accepted: true)
            } catch let error as ImportError {
                tally.record(how, accepted: false)
                XCTAssertTrue(error.description.hasPrefix(path), "case \(n) (\(name), \(how)): \(error)")
                let after = try Snapshot(store)
                XCTAssertTrue(after == before, "case \(n) (\(name), \(how)): the failed import changed the database: \(after.changes(since: before))")
                known = after
            } catch {
                XCTFail("case \(n) (\(name), \(how)): not an import error: \(error)")
            }
            try? FileManager.default.removeItem(atPath: path)
        }
        ProofSize.report("fuzzed data files: \(tally), into \(stores) databases")
    }

    // MARK: Labels files

    func testFuzzedLabelsFilesImportCleanlyOrFailNamingTheFileAndChangeNothing() throws {
        try runImport([Self.packageRoot.appendingPathComponent("data/sample/alpaca.jsonl").path])
        let rubric = try Rubric.load(path: Self.packageRoot.appendingPathComponent("rubrics/llava-quality.yaml").path)
        let scores = #""image_relevance": 5, "instruction_clarity": 4, "answer_correctness": 5, "hallucination": false, "helpfulness": 4"#
        let base = Array([
            #"{"item": "alp-1", "annotator": "ann", "scores": {\#(scores)}, "seconds": 30, "at": "2026-01-31T12:00:00Z", "note": "ok"}"#,
            #"{"item": "alp-3", "annotator": "ann", "scores": {"language_quality": 3, \#(scores)}, "seconds": 4.25}"#,
            #"{"item": "alp-1", "annotator": "lee", "role": "gold", "scores": {\#(scores)}, "at": "2026-02-01T08:00:00+02:00", "flag": true}"#,
            #"{"item": "alp-2", "annotator": "gpt", "role": "imported", "source": "run", "scores": {"helpfulness": 2}}"#,
        ].joined(separator: "\n").utf8) + [10]
        var mutator = Mutator(random: SeededGenerator(seed: Self.seed + 1))
        var tally = Tally()
        for n in 0..<ProofSize.count(reduced: 150, full: 1500) {
            let (how, bytes) = n % 10 == 0 ? ("as written", base) : mutator.mutate(base)
            let path = try sandbox.write("labels-\(n).jsonl", bytes: bytes)
            let before = try Snapshot(store)
            do {
                _ = try LabelFile.importLabels(path: path, rubric: rubric, store: store)
                tally.record(how, accepted: true)
            } catch let error as ImportError {
                tally.record(how, accepted: false)
                XCTAssertTrue(error.description.hasPrefix(path), "case \(n) (\(how)): \(error)")
                let after = try Snapshot(store)
                XCTAssertTrue(after == before, "case \(n) (\(how)): the failed labels import changed the database: \(after.changes(since: before))")
            } catch {
                XCTFail("case \(n) (\(how)): not an error naming the file: \(error)")
            }
        }
        ProofSize.report("fuzzed labels files: \(tally)")
    }

    /// The snapshot the fuzzing compares sees a change of one byte of one value, and a row more.
    func testTheSnapshotSeesOneChangedByteAndOneMoreRow() throws {
        try runImport([Self.packageRoot.appendingPathComponent("data/sample/alpaca.jsonl").path])
        let before = try Snapshot(store)
        XCTAssertTrue(try Snapshot(store) == before)
        try store.testWrite { db in try db.execute(sql: "UPDATE item SET original = CAST(replace(CAST(original AS TEXT), 'a', 'b') AS BLOB) WHERE rowid = 1") }
        let changed = try Snapshot(store)
        XCTAssertFalse(changed == before)
        XCTAssertEqual(changed.changes(since: before), "item: 4 rows before, 4 rows after")
        try makeItems(["one-more"])
        XCTAssertTrue(try Snapshot(store).changes(since: changed).contains("item: 4 rows before, 5 rows after"))
    }

    // MARK: Rubric files

    func testFuzzedRubricsLoadOrFailNamingTheFile() throws {
        let bases = try ["llava-quality.yaml", "helpsteer.yaml", "align2llava.yaml"].map { try sample("rubrics/" + $0) }
        var mutator = Mutator(random: SeededGenerator(seed: Self.seed + 2))
        var tally = Tally()
        for n in 0..<ProofSize.count(reduced: 150, full: 1500) {
            let (how, bytes) = mutator.mutate(bases[mutator.int(0..<bases.count)])
            let path = try sandbox.write("rubric-\(n).yaml", bytes: bytes)
            do {
                _ = try Rubric.load(path: path)
                tally.record(how, accepted: true)
            } catch {
                tally.record(how, accepted: false)
                XCTAssertTrue(error.description.hasPrefix(path), "case \(n) (\(how)): \(error)")
            }
        }
        ProofSize.report("fuzzed rubric files: \(tally)")
    }

    /// The bytes of a database and its write-ahead log.
    private static func size(of path: String) -> Int {
        [path, path + "-wal"].reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
    }

    /// What `sqlite3 .dump` shows, cheaply: per table of `sqlite_master` (the schema's rows included), the
    /// row count and a digest of every value's type and exact bytes, rows in rowid order. Equal snapshots
    /// mean equal dumps (short of a 64-bit hash collision); unlike a dump kept as text, taking one costs a
    /// read of the file and no formatting, so every case can afford two.
    private struct Snapshot: Equatable {
        var tables: [String: (rows: Int, digest: Int)]

        static func == (a: Snapshot, b: Snapshot) -> Bool {
            a.tables.count == b.tables.count && a.tables.allSatisfy { name, t in b.tables[name].map { $0 == t } ?? false }
        }

        /// The tables that differ, for the failure message.
        func changes(since before: Snapshot) -> String {
            Set(tables.keys).union(before.tables.keys).sorted().compactMap { name in
                let a = before.tables[name], b = tables[name]
                if let a, let b, a == b { return nil }
                return "\(name): \(a.map { "\($0.rows) rows" } ?? "absent") before, \(b.map { "\($0.rows) rows" } ?? "absent") after"
            }.joined(separator: "; ")
        }

        init(_ store: Store) throws {
            tables = try store.testRead { db in
                var tables: [String: (Int, Int)] = [:]
                let names = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                for (name, sql) in [("sqlite_master", "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")]
                    + names.map({ ($0, "SELECT * FROM \"\($0)\" ORDER BY rowid") }) {
                    var hasher = Hasher()
                    var rows = 0
                    let cursor = try Row.fetchCursor(db, sql: sql)
                    while let row = try cursor.next() {
                        rows += 1
                        for value in row.databaseValues { Self.combine(value, into: &hasher) }
                    }
                    tables[name] = (rows, hasher.finalize())
                }
                return tables
            }
        }

        private static func combine(_ value: DatabaseValue, into hasher: inout Hasher) {
            switch value.storage {
            case .null: hasher.combine(0 as UInt8)
            case .int64(let n):
                hasher.combine(1 as UInt8)
                hasher.combine(n)
            case .double(let x):
                hasher.combine(2 as UInt8)
                hasher.combine(x.bitPattern)
            case .string(let text):
                // The UTF-8 bytes, not `String`'s hash, which treats canonically equivalent texts alike.
                hasher.combine(3 as UInt8)
                var text = text
                text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
                hasher.combine(text.utf8.count)
            case .blob(let data):
                hasher.combine(4 as UInt8)
                data.withUnsafeBytes { hasher.combine(bytes: $0) }
                hasher.combine(data.count)
            }
        }
    }
}
