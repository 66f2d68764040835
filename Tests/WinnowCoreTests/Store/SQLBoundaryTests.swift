import Foundation
import XCTest
import WinnowTestSupport

/// One door to the database: SQL is written only in `Sources/WinnowCore/Store/`. Every other Swift file
/// under `Sources/` is scanned for SQL in its string literals and for `sql:` arguments in its code.
final class SQLBoundaryTests: XCTestCase {
    /// SQL as Winnow writes it: upper-case keywords followed by what makes them a statement.
    static let sqlPattern = try! NSRegularExpression(pattern: [
        #"\bSELECT\s"#, #"\bINSERT\s+(OR\s+[A-Z]+\s+)?INTO\b"#, #"\bUPDATE\s+[a-z_]+\s+SET\b"#, #"\bDELETE\s+FROM\b"#,
        #"\b(CREATE|DROP)\s+(TABLE|INDEX|VIEW|TRIGGER|UNIQUE)\b"#, #"\bPRAGMA\s"#, #"\bFROM\s+[a-z_]+"#, #"\bJOIN\s+[a-z_]+\s"#,
        #"\bWITH\s+[a-z_]+\s+AS\b"#,
    ].joined(separator: "|"))
    static let sqlArgument = try! NSRegularExpression(pattern: #"\bsql:"#)

    static var sources: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")
    }

    /// `file:line: …` for every SQL literal or `sql:` argument in `source` (named `file` in messages).
    static func violations(in source: String, file: String) -> [String] {
        func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
            regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        let scan = SwiftSourceScan.scan(source)
        var found: [(Int, String)] = []
        for literal in scan.literals where matches(sqlPattern, literal.text) {
            let first = literal.text.split(separator: "\n").first { matches(sqlPattern, String($0)) } ?? ""
            found.append((literal.line, "SQL in a string literal: \(first.trimmingCharacters(in: .whitespaces).prefix(60))"))
        }
        for (line, code) in scan.code where matches(sqlArgument, code) {
            found.append((line, "an sql: argument"))
        }
        return found.sorted { $0.0 < $1.0 }.map { "\(file):\($0.0): \($0.1)" }
    }

    func testNoSQLIsWrittenOutsideTheStoresFolder() throws {
        let root = Self.sources
        let store = root.appendingPathComponent("WinnowCore/Store").path + "/"
        let files = try XCTUnwrap(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }.sorted()
        XCTAssertGreaterThan(files.count, 50, "the scan found the sources under \(root.path)")
        var violations: [String] = []
        for file in files {
            let path = root.appendingPathComponent(file).path
            if path.hasPrefix(store) { continue }
            violations += Self.violations(in: try String(contentsOfFile: path, encoding: .utf8), file: "Sources/" + file)
        }
        XCTAssertEqual(violations, [], "SQL belongs in Sources/WinnowCore/Store (a query function there):\n" + violations.joined(separator: "\n"))
    }

    func testTheCheckNamesTheFileAndLineOfSQLInALiteral() {
        let source = """
            // SELECT id FROM item in a comment is not code
            let a = "no sql here"
            let b = try Int.fetchOne(db, sql: "SELECT count(*) FROM item")
            let c = \"\"\"
                text
                DELETE FROM label_event
                \"\"\"
            let d = "\\(x ? "UPDATE t" : "y") and PRAGMA journal_mode"
            """
        XCTAssertEqual(Self.violations(in: source, file: "F.swift"), [
            "F.swift:3: SQL in a string literal: SELECT count(*) FROM item",
            "F.swift:3: an sql: argument",
            "F.swift:4: SQL in a string literal: DELETE FROM label_event",
            "F.swift:8: SQL in a string literal: and PRAGMA journal_mode",
        ])
    }

    func testTheScanKeepsInterpolationsAndRawStringsApart() {
        let scan = SwiftSourceScan.scan(##"let s = "a\(f("b"))c"; let r = #"x "q" \(y)"#; /* "no" /* nested */ */ z"##)
        XCTAssertEqual(scan.literals.map(\.text), ["b", "ac", #"x "q" \(y)"#])
        XCTAssertEqual(scan.code[1]?.contains("z"), true)
    }
}
