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

    private struct Tally: CustomStringConvertible {
        var accepted = 0
        var refused = 0
        var description: String { "\(accepted + refused) cases: \(accepted) accepted, \(refused) refused with an error naming the file" }
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
                return replacingAString(b, with: Array(list.utf8), "list of \(count)")
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
        for n in 0..<cases {
            if n % 50 == 49 { store = try Store(path: sandbox.path("fuzz-\(n).sqlite")) }  // keeps each dump small
            let (name, base) = bases[mutator.int(0..<bases.count)]
            var (how, bytes) = n % 10 == 0 ? ("as written", base) : mutator.mutate(base)
            if n % 10 != 0 && mutator.int(0..<4) == 0 { (how, bytes) = { let (h2, b2) = mutator.mutate(bytes); return (how + ", " + h2, b2) }() }
            let path = try sandbox.write("case-\(n)-" + name, bytes: bytes)
            let before = try dump(store)
            do {
                _ = try Importer(store: store).run(Importer.Options(files: [path]))
                tally.accepted += 1
            } catch let error as ImportError {
                tally.refused += 1
                XCTAssertTrue(error.description.hasPrefix(path), "case \(n) (\(name), \(how)): \(error)")
                XCTAssertEqual(try dump(store), before, "case \(n) (\(name), \(how)): the failed import changed the database")
            } catch {
                XCTFail("case \(n) (\(name), \(how)): not an import error: \(error)")
            }
            try? FileManager.default.removeItem(atPath: path)
        }
        ProofSize.report("fuzzed data files: \(tally)")
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
            let before = try dumpRows()
            do {
                _ = try LabelFile.importLabels(path: path, rubric: rubric, store: store)
                tally.accepted += 1
            } catch let error as ImportError {
                tally.refused += 1
                XCTAssertTrue(error.description.hasPrefix(path), "case \(n) (\(how)): \(error)")
                XCTAssertEqual(try dumpRows(), before, "case \(n) (\(how)): the failed labels import changed the database")
            } catch {
                XCTFail("case \(n) (\(how)): not an error naming the file: \(error)")
            }
        }
        ProofSize.report("fuzzed labels files: \(tally)")
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
                tally.accepted += 1
            } catch {
                tally.refused += 1
                XCTAssertTrue(error.description.hasPrefix(path), "case \(n) (\(how)): \(error)")
            }
        }
        ProofSize.report("fuzzed rubric files: \(tally)")
    }

    /// Every row of `store`'s tables.
    private func dump(_ store: Store) throws -> String {
        try store.testRead { db in
            var out = ""
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") {
                out += "== \(table)\n"
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\" ORDER BY rowid") { out += row.description + "\n" }
            }
            return out
        }
    }
}
