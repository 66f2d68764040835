import Foundation
import XCTest
import WinnowCore

/// The proof suite's full disk: the database on a 2 MB tmpfs (mounted for the test where the machine
/// permits it; skipped, saying so, where it does not). An import that fills the disk fails with a clear
/// error and leaves the database as it was; every command still reads it afterwards.
final class ProofFullDiskTests: CLITestCase {
    private var mountPoint: URL?

    override func setUpWithError() throws {
        try super.setUpWithError()
        let point = winnow.directory.appendingPathComponent("small-disk")
        try FileManager.default.createDirectory(at: point, withIntermediateDirectories: true)
        let outcome = try WinnowProcess.status(of: ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", point.path])
        guard outcome == 0 else { throw XCTSkip("cannot mount a small tmpfs here (mount exit \(outcome)): the full-disk proof needs root and mount") }
        mountPoint = point
    }

    override func tearDown() {
        if let mountPoint { _ = try? WinnowProcess.status(of: ["umount", mountPoint.path]) }
        super.tearDown()
    }

    func testAnImportThatFillsTheDiskFailsClearlyAndLeavesTheDatabaseAsItWas() throws {
        let database = try XCTUnwrap(mountPoint).appendingPathComponent("full.sqlite").path
        try succeed(["import", bundled("data/sample/alpaca.jsonl"), "--db", database])
        let before = try WinnowProcess.output(of: ["sqlite3", database, ".dump"])
        // About 3 MB of records: more than the disk has left.
        let records = (0..<3000).map { #"{"id": "big-\#($0)", "conversations": [{"from": "human", "value": "\#(String(repeating: "words ", count: 160))"}]}"# }
        let file = try winnow.write("big.jsonl", records.joined(separator: "\n") + "\n")
        let outcome = try winnow.run(["import", file, "--db", database])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.hasPrefix("Error: "), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("full"), "the error says the disk is full: \(outcome.stderr)")
        XCTAssertFalse(outcome.stderr.contains("Fatal") || outcome.stderr.contains("trap"), outcome.stderr)
        XCTAssertEqual(try WinnowProcess.output(of: ["sqlite3", database, ".dump"]), before, "nothing of the failed import is in the database")
        XCTAssertEqual(try WinnowProcess.output(of: ["sqlite3", database, "PRAGMA integrity_check"]), "ok\n")
        XCTAssertEqual(try succeed(["status", "--json", "--db", database]).stdout, #"{"items":4,"groups":4,"labeled":0,"unlabeled":4,"annotators":{}}"# + "\n")
    }
}

extension WinnowProcess {
    /// The exit status of a program (looked up on PATH), its output discarded.
    static func status(of arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
