import Foundation
import XCTest
import WinnowCore

/// `winnow config`, where the database is (`--db`, `WINNOW_DB`), and each command's help.
final class ConfigAndOptionsCLITests: CLITestCase {
    func testConfigListShowsEveryDefault() throws {
        XCTAssertEqual(try succeed(["config", "list", "--json"]).stdout,
                       #"{"idle_seconds":"60","lease_seconds":"600","refit_every_labels":"10","refit_every_seconds":"60","explore_fraction":"0.1","overlap":"0","min_annotators":"2","seed":"0","auto_accept_unanimous":"true","control_fraction":"0","control_min_agreement":"0.7"}"# + "\n")
        let text = try succeed(["config", "list"]).stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(text.count, 11)
        XCTAssertTrue(text[1].hasPrefix("lease_seconds          600    (default)      "), text[1])
    }

    func testConfigSetThenGet() throws {
        XCTAssertEqual(try succeed(["config", "get", "lease_seconds"]).stdout, "600\n")
        XCTAssertEqual(try succeed(["config", "set", "lease_seconds", "300.0"]).stdout, "lease_seconds = 300\n")
        XCTAssertEqual(try succeed(["config", "get", "lease_seconds"]).stdout, "300\n")
        let line = try succeed(["config", "list"]).stdout.split(separator: "\n").first { $0.hasPrefix("lease_seconds") }
        XCTAssertTrue(line?.hasPrefix("lease_seconds          300    (default 600)  ") == true, String(line ?? ""))
        XCTAssertEqual(try winnow.sqlite("SELECT key, value FROM config"), "lease_seconds|300\n")
    }

    func testConfigRefusesABadValueAndChangesNothing() throws {
        try succeed(["config", "set", "overlap", "0.5"])
        let before = try winnow.dump()
        let outcome = try winnow.run(["config", "set", "overlap", "2"])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertEqual(outcome.stderr, "Error: config key 'overlap': '2' is not valid: expected a number from 0 to 1\n")
        XCTAssertEqual(try winnow.dump(), before)
        XCTAssertEqual(try succeed(["config", "get", "overlap"]).stdout, "0.5\n")

        let unknown = try winnow.run(["config", "set", "speed", "1"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertEqual(unknown.stderr, "Error: unknown config key 'speed' (known keys: idle_seconds, lease_seconds, refit_every_labels, refit_every_seconds, explore_fraction, overlap, min_annotators, seed, auto_accept_unanimous, control_fraction, control_min_agreement)\n")
        XCTAssertEqual(try winnow.dump(), before)
    }

    func testDbOptionBeatsTheEnvironment() throws {
        let chosen = winnow.directory.appendingPathComponent("chosen.sqlite")
        // WinnowProcess sets WINNOW_DB to its own database; --db must win.
        try succeed(["import", "--db", chosen.path, bundled("data/sample/alpaca.jsonl")])
        XCTAssertEqual(try winnow.sqlite("SELECT count(*) FROM item", database: chosen), "4\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: winnow.database.path), "the WINNOW_DB database was not touched")
        XCTAssertEqual(try succeed(["status", "--json", "--db", chosen.path]).stdout, #"{"items":4,"groups":4,"labeled":0,"unlabeled":4,"annotators":{}}"# + "\n")
        // Without --db, WINNOW_DB is used: it has no database yet, which a read-only command says.
        let status = try winnow.run(["status", "--json"])
        XCTAssertNotEqual(status.status, 0)
        XCTAssertTrue(status.stderr.contains("no database at \(winnow.database.path); `winnow import` creates one"), status.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: winnow.database.path))
        // Store options also work before the subcommand, as the README writes them.
        try succeed(["--db", chosen.path, "import", bundled("data/sample/alpaca.jsonl")])
        XCTAssertEqual(try succeed(["--db=\(chosen.path)", "status", "--json"]).stdout, #"{"items":4,"groups":4,"labeled":0,"unlabeled":4,"annotators":{}}"# + "\n")
    }

    func testWithoutDbOrEnvironmentTheDatabaseIsInTheCurrentFolder() throws {
        try succeed(["import", bundled("data/sample/alpaca.jsonl")], environment: ["WINNOW_DB": ""])
        let local = winnow.directory.appendingPathComponent("winnow.sqlite")
        XCTAssertEqual(try winnow.sqlite("SELECT count(*) FROM item", database: local), "4\n")
        XCTAssertTrue(try succeed(["status"], environment: ["WINNOW_DB": ""]).stdout.hasPrefix("database   winnow.sqlite\n"))
    }

    func testEachCommandsHelpMentionsItsOptions() throws {
        let expectations: [(command: [String], options: [String])] = [
            (["import"], ["--db", "--captions", "--set", "--format", "--scores-as", "--scores-criterion", "--rubric", "--json",
                          "llava", "alpaca", "question-sets", "mm-instruct-questions", "mm-instruct-answers"]),
            (["status"], ["--db", "--json"]),
            (["labels", "import"], ["--db", "--rubric", "--json"]),
            (["labels", "export"], ["--db", "--rubric", "--json"]),
            (["config", "get"], ["--db", "<key>"]),
            (["config", "set"], ["--db", "<key>", "<value>"]),
            (["config", "list"], ["--db", "--json"]),
            (["rubric", "check"], ["--json", "<file>"]),
        ]
        for e in expectations {
            let outcome = try winnow.run(e.command + ["--help"])
            XCTAssertEqual(outcome.status, 0, e.command.joined(separator: " "))
            for option in e.options {
                XCTAssertTrue(outcome.stdout.contains(option), "winnow \(e.command.joined(separator: " ")) --help does not mention \(option):\n\(outcome.stdout)")
            }
        }
        let root = try winnow.run(["--help"])
        for command in ["import", "status", "rubric", "labels", "config"] {
            XCTAssertTrue(root.stdout.contains(command), "winnow --help does not list \(command)")
        }
    }
}
