import Foundation
import GRDB
@_spi(Testing) import WinnowCore
import XCTest

/// A temporary folder with its own database, for one test. Removed in `tearDown` by `CoreTestCase`.
public final class Sandbox {
    public let directory: URL

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-core-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    public var databasePath: String { directory.appendingPathComponent("test.sqlite").path }

    public func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Writes `text` as UTF-8 to `name` in the folder and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    @discardableResult
    public func write(_ name: String, bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url.path
    }

    public func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// A test with its own sandbox folder and database.
open class CoreTestCase: XCTestCase {
    public var sandbox: Sandbox!
    private var openedStore: Store?

    override open func setUpWithError() throws {
        sandbox = try Sandbox()
    }

    override open func tearDown() {
        openedStore = nil
        sandbox?.remove()
        sandbox = nil
    }

    /// The test's database, opened (and migrated) on first use.
    public var store: Store {
        get throws {
            if let openedStore { return openedStore }
            let opened = try Store(path: sandbox.databasePath)
            openedStore = opened
            return opened
        }
    }

    /// Imports `files` (paths) and returns the summary.
    @discardableResult
    public func runImport(_ files: [String], captions: String? = nil, set: [(String, String)] = [], format: ImportFormat? = nil,
                   scoreLabels: Importer.ScoreLabels? = nil) throws -> Importer.Summary {
        try Importer(store: store).run(Importer.Options(files: files, captions: captions, setFields: set, format: format, scoreLabels: scoreLabels))
    }

    /// The error an import throws, or a test failure when it succeeds.
    public func importError(_ files: [String], captions: String? = nil, format: ImportFormat? = nil,
                     file: StaticString = #filePath, line: UInt = #line) throws -> ImportError? {
        do {
            try runImport(files, captions: captions, format: format)
            XCTFail("the import succeeded", file: file, line: line)
            return nil
        } catch let error as ImportError {
            return error
        }
    }

    public func items() throws -> [Item] {
        try store.testRead { db in try Item.fetchAll(db, sql: "SELECT \(Store.testItemColumns) FROM item ORDER BY id") }
    }

    public func item(_ key: String) throws -> Item? {
        try store.item(key: key)
    }

    public func count(_ table: String) throws -> Int {
        try store.testRead { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }

    /// Every row of every table, in rowid order: what "the database is unchanged" compares.
    public func dumpRows() throws -> String {
        try store.testRead { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            var out = ""
            for table in tables {
                out += "== \(table)\n"
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\" ORDER BY rowid") {
                    out += row.description + "\n"
                }
            }
            return out
        }
    }

    /// The package root (for `data/` and `rubrics/`).
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}

/// A small rubric for label tests: `quality` 1–5 (required), `hallucination` flag (required), `tone`
/// choice (optional).
public enum TestRubric {
    public static let yaml = """
        name: test-rubric
        version: "1"
        criteria:
          - id: quality
            title: Quality
            question: How good is the answer?
            kind: scale
            values: [1, 2, 3, 4, 5]
            required: true
            better: higher
          - id: hallucination
            title: Hallucination
            question: Does it make things up?
            kind: flag
            required: true
            better: false
          - id: tone
            title: Tone
            question: What is the tone?
            kind: choice
            values: [friendly, neutral, rude]
            required: false

        """

    public static func rubric() throws -> Rubric { try Rubric.parse(yaml: yaml, file: "test-rubric.yaml") }
}

extension String {
    /// The text as bytes, for `JSONParser` positions.
    public var bytes: [UInt8] { Array(utf8) }
}

extension CoreTestCase {
    /// Imports one LLaVA record per key and returns the items' ids, in `keys` order.
    @discardableResult
    public func makeItems(_ keys: [String], file: String = "items.jsonl") throws -> [Int64] {
        let lines = keys.map { key in
            JSONValue.object(JSONObject([
                "id": .string(key),
                "conversations": .array([
                    .object(JSONObject(["from": .string("human"), "value": .string("question about \(key)")])),
                    .object(JSONObject(["from": .string("gpt"), "value": .string("answer about \(key)")])),
                ]),
            ])).serialized()
        }
        try runImport([try sandbox.write(file, lines.joined(separator: "\n") + "\n")])
        return try keys.map { try XCTUnwrap(item($0)?.id, "item \($0)") }
    }
}
