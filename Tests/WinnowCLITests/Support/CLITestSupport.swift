import Foundation
import XCTest
import WinnowCore

/// A test case with its own `WinnowProcess` (temporary folder and database), removed afterwards.
class CLITestCase: XCTestCase {
    var winnow: WinnowProcess!

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: WinnowProcess.binary.path) else {
            throw XCTSkip("the winnow binary is not built at \(WinnowProcess.binary.path); run swift build --build-tests")
        }
        winnow = try WinnowProcess()
    }

    override func tearDown() {
        winnow?.remove()
        winnow = nil
    }

    /// A bundled file under the package root, e.g. `data/sample/conversation.json`.
    func bundled(_ path: String) -> String {
        WinnowProcess.packageRoot.appendingPathComponent(path).path
    }

    /// Runs `winnow ARGS` and fails the test unless it exits 0.
    @discardableResult
    func succeed(_ arguments: [String], environment: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) throws -> WinnowProcess.Outcome {
        let outcome = try winnow.run(arguments, environment: environment)
        XCTAssertEqual(outcome.status, 0, "winnow \(arguments.joined(separator: " ")): \(outcome.stderr)", file: file, line: line)
        return outcome
    }

    /// Parses a command's JSON output.
    func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> JSONValue {
        do {
            return try JSONParser.parse(text)
        } catch {
            XCTFail("not JSON (\(error.message) at \(error.offset)): \(text)", file: file, line: line)
            throw error
        }
    }

    /// An import summary (`import --json`) without its `seconds`, which varies from run to run.
    func importSummary(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let outcome = try succeed(["import"] + arguments + ["--json"], file: file, line: line)
        var object = try XCTUnwrap(json(outcome.stdout, file: file, line: line).objectValue, file: file, line: line)
        XCTAssertNotNil(object["seconds"]?.doubleValue, file: file, line: line)
        object["seconds"] = nil
        return JSONValue.object(object).serialized()
    }
}

extension WinnowProcess {
    /// Runs one SQL statement with the sqlite3 shell on this test's database and returns its output
    /// (`|`-separated columns, one row a line).
    func sqlite(_ sql: String, database path: URL? = nil) throws -> String {
        try Self.output(of: ["sqlite3", (path ?? database).path, sql])
    }
}
