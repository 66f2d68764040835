import Foundation
import GRDB
import XCTest
@testable import WinnowCore
import WinnowTestSupport

/// The LLaVA fast path (`LLaVAFastPath`) against the general path: the same files give the same stored
/// rows and the same errors, whichever path read them.
final class ImportFastPathTests: CoreTestCase {
    /// Imports `files` into a new database with the fast path on or off; returns its item rows (or error).
    private func stored(_ files: [String], fast: Bool, captions: String? = nil, set: [(String, String)] = []) throws -> String {
        RecordPreparer.useFastPath = fast
        defer { RecordPreparer.useFastPath = true }
        let store = try Store(path: sandbox.path("fast-\(fast)-\(UUID().uuidString).sqlite"))
        do {
            _ = try Importer(store: store).run(Importer.Options(files: files, captions: captions, setFields: set))
        } catch let error as ImportError {
            return "error: \(error)"
        }
        return try store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT key, group_key, image, captions, turns, fields, record_index, part, hex(original), content_hash FROM item ORDER BY id
                """).map(\.description).joined(separator: "\n")
        }
    }

    private func assertSameRows(_ files: [String], captions: String? = nil, set: [(String, String)] = [],
                                file: StaticString = #filePath, line: UInt = #line) throws {
        let general = try stored(files, fast: false, captions: captions, set: set)
        let fast = try stored(files, fast: true, captions: captions, set: set)
        XCTAssertFalse(general.isEmpty, file: file, line: line)
        XCTAssertEqual(fast, general, file: file, line: line)
    }

    func testTurnsAreWrittenAsTheirJSONValuesSerialize() {
        let samples: [[Turn]] = [
            [], [Turn(from: .human, value: "")],
            [Turn(from: .human, value: "What is \"this\"?\n\t\u{1}\u{7f}\u{85}\u{2028}"), Turn(from: .gpt, value: "日本語 😀 \\ / <image>")],
        ]
        for turns in samples {
            let viaValues = JSONValue.array(turns.map { .object(JSONObject(["from": .string($0.from.rawValue), "value": .string($0.value)])) }).serialized()
            XCTAssertEqual(PreparedRow.json(turns), viaValues)
        }
    }

    func testTheBundledSampleIsStoredTheSameByBothPaths() throws {
        let sample = Self.packageRoot.appendingPathComponent("data/sample")
        try assertSameRows(["conversation.json", "detail.jsonl", "candidates.json"].map { sample.appendingPathComponent($0).path },
                           captions: sample.appendingPathComponent("captions.json").path)
    }

    func testEdgeCasesAreStoredOrRefusedTheSameByBothPaths() throws {
        let turns = #"[{"from": "human", "value": "<image>\nWhat is it?"}, {"from": "gpt", "value": "A \"cat\" \u00e9 \ud83d\ude00 \/ \t done.  "}]"#
        let records = [
            #"{"id": "plain", "image": "a.jpg", "conversations": \#(turns)}"#,
            #"{"conversations": \#(turns), "image": "b.jpg", "id": "reordered"}"#,
            #"  { "id" : "spaced" ,"conversations":\#(turns) }  "#,
            #"{"id": "no-image", "conversations": \#(turns)}"#,
            #"{"id": "extra", "image": "c.jpg", "conversations": \#(turns), "source": "x"}"#,
            #"{"id": 42, "conversations": \#(turns)}"#,
            #"{"id": "null-image", "image": null, "conversations": \#(turns)}"#,
            #"{"id": "twice", "id": "again", "conversations": \#(turns)}"#,
            #"{"id": "turn-extra", "conversations": [{"from": "human", "value": "q", "lang": "en"}]}"#,
            #"{"id": "caption", "caption": "A cat.", "conversations": \#(turns)}"#,
            #"{"id": "candidates", "conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": ["a", "b"]}]}"#,
            #"{"image": "no-id.jpg", "conversations": \#(turns)}"#,
            #"{"id": "日本語", "image": "d.jpg", "conversations": [{"from": "human", "value": "これは何ですか？<image>"}, {"from": "gpt", "value": "猫です。"}]}"#,
        ]
        try assertSameRows([try sandbox.write("edge.json", "[\n" + records.joined(separator: ",\n") + "\n]")])
        try assertSameRows([try sandbox.write("edge.jsonl", records.joined(separator: "\r\n") + "\r\n")])
        // Records the general path refuses are refused with the same error.
        let bad = [
            #"{"id": "", "conversations": \#(turns)}"#,
            #"{"id": "nul\u0000", "conversations": \#(turns)}"#,
            #"{"id": "empty", "conversations": []}"#,
            #"{"id": "who", "conversations": [{"from": "system", "value": "q"}]}"#,
            #"{"id": "cut", "conversations": [{"from": "human", "value": "q"}"#,
            #"{"id": "after", "conversations": \#(turns)} trailing"#,
        ]
        for (i, record) in bad.enumerated() {
            let list = try sandbox.write("bad\(i).json", "[\n" + records[0] + ",\n" + record + "\n]")
            let general = try stored([list], fast: false)
            XCTAssertTrue(general.hasPrefix("error: "), record)
            XCTAssertEqual(try stored([list], fast: true), general, record)
            let lines = try sandbox.write("bad\(i).jsonl", records[0] + "\n" + record + "\n")
            XCTAssertEqual(try stored([lines], fast: true), try stored([lines], fast: false), record)
        }
    }
}
