import Foundation
import XCTest
import WinnowCore

/// A database file the user may not write still serves the commands that only read; a damaged file is
/// refused for writes with a clear error and left as it was.
final class StoreFaultsCLITests: CLITestCase {
    private var rubric: String { bundled("rubrics/llava-quality.yaml") }
    private static let scores = #""image_relevance": 5, "instruction_clarity": 4, "answer_correctness": 5, "hallucination": false, "helpfulness": 4"#

    /// A database with the sample's Alpaca items and two labels.
    private func labeledDatabase() throws {
        try succeed(["import", bundled("data/sample/alpaca.jsonl")])
        let lines = ["alp-1", "alp-2"].map { #"{"item": "\#($0)", "annotator": "ann", "scores": {\#(Self.scores)}, "at": "2026-01-31T12:00:00Z"}"# }
        try succeed(["labels", "import", try winnow.write("labels.jsonl", lines.joined(separator: "\n") + "\n"), "--rubric", rubric])
    }

    /// Runs `winnow ARGS` as a user who cannot write the database or its folder: as `nobody` (through
    /// setpriv) when the tests run as root, since root writes any file whatever its mode; else as this
    /// user, with the file and folder made read-only.
    private func runWithoutWriteAccess(_ arguments: [String], environment: [String: String]) throws -> WinnowProcess.Outcome {
        try winnow.run(arguments, environment: environment, runAs: getuid() == 0 ? 65534 : nil)
    }

    func testTheCommandsThatOnlyReadWorkOnAFileThisUserCannotWrite() throws {
        if getuid() == 0 && !FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") {
            throw XCTSkip("running as root without /usr/bin/setpriv: no way to run as a user who cannot write the file")
        }
        try labeledDatabase()
        // Every connection closed: no -wal or -shm beside the file, and none can be created.
        XCTAssertFalse(FileManager.default.fileExists(atPath: winnow.database.path + "-wal"))
        let output = winnow.directory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: output.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: winnow.database.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: winnow.directory.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: winnow.directory.path) }
        let before = try Data(contentsOf: winnow.database)
        let environment = ["WINNOW_LOG": output.appendingPathComponent("winnow.log").path]

        let status = try runWithoutWriteAccess(["status", "--json"], environment: environment)
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertEqual(status.stdout, #"{"items":4,"groups":4,"labeled":2,"unlabeled":2,"annotators":{"ann":2}}"# + "\n")
        for arguments in [
            ["stats", "--rubric", rubric], ["labels", "export"],
            ["export", "--format", "llava", "--out", output.appendingPathComponent("subset.json").path, "--rubric", rubric],
        ] {
            let outcome = try runWithoutWriteAccess(arguments, environment: environment)
            XCTAssertEqual(outcome.status, 0, "\(arguments.joined(separator: " ")): \(outcome.stderr)")
            XCTAssertFalse(outcome.stderr.lowercased().contains("readonly"), outcome.stderr)
        }
        XCTAssertEqual(try runWithoutWriteAccess(["labels", "export"], environment: environment).stdout.split(separator: "\n").count, 2)
        // Without a model, model report says so (its own message), not that the file cannot be written.
        let report = try runWithoutWriteAccess(["model", "report", "--rubric", rubric], environment: environment)
        XCTAssertFalse(report.stderr.lowercased().contains("readonly") || report.stderr.contains("cannot open"), report.stderr)

        // A command that writes says why it cannot; the file is as it was.
        let importing = try runWithoutWriteAccess(["import", bundled("data/sample/detail.jsonl")], environment: environment)
        XCTAssertNotEqual(importing.status, 0)
        XCTAssertTrue(importing.stderr.hasPrefix("Error: "), importing.stderr)
        XCTAssertTrue(importing.stderr.contains(winnow.database.path), importing.stderr)
        XCTAssertEqual(try Data(contentsOf: winnow.database), before)
    }

    /// Overwrites pages 3 to 5 of the database (b-tree pages of its tables) with a pattern.
    private func damageDatabase() throws {
        let handle = try FileHandle(forUpdating: winnow.database)
        defer { try? handle.close() }
        try handle.seek(toOffset: 2 * 4096)
        handle.write(Data(repeating: 0xA5, count: 3 * 4096))
    }

    func testADamagedFileIsRefusedForWritesWithAClearErrorAndLeftAsItWas() throws {
        try labeledDatabase()
        try damageDatabase()
        let before = try Data(contentsOf: winnow.database)
        let labels = try winnow.write("more.jsonl", #"{"item": "alp-3", "annotator": "ann", "scores": {\#(Self.scores)}}"# + "\n")
        for arguments in [["import", bundled("data/sample/detail.jsonl")], ["labels", "import", labels, "--rubric", rubric], ["config", "set", "overlap", "0.2"]] {
            let outcome = try winnow.run(arguments)
            XCTAssertNotEqual(outcome.status, 0, arguments.joined(separator: " "))
            XCTAssertTrue(outcome.stderr.hasPrefix("Error: \(winnow.database.path): the database is damaged, so nothing is written to it (SQLite's integrity check: "),
                          "\(arguments.joined(separator: " ")): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains("restore it from a backup, or recover what it holds with `sqlite3 \(winnow.database.path) .recover`"), outcome.stderr)
            // Opening a pool makes GRDB create and drop an empty table (so that the WAL file exists), which
            // touches the header and the file's end; the damaged pages and every page of data stay as they were.
            let after = try Data(contentsOf: winnow.database)
            XCTAssertEqual(after[100..<before.count], before[100...], "\(arguments.joined(separator: " ")) left the file's pages as they were")
        }
    }
}
