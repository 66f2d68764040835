import Foundation
import GRDB
import XCTest
@testable import WinnowCore
import WinnowTestSupport

/// A file that is not a Winnow database is refused, and left byte for byte as it was.
final class StoreForeignFileTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-foreign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func testAnotherApplicationsSQLiteFileIsRefusedAndUntouched() throws {
        let path = folder.appendingPathComponent("other.sqlite").path
        let other = try DatabaseQueue(path: path)
        try other.write { db in
            try db.execute(sql: "CREATE TABLE item (id INTEGER PRIMARY KEY, x TEXT); INSERT INTO item VALUES (1, 'a')")
        }
        try other.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Store(path: path)) { error in
            XCTAssertEqual("\(error)", "\(path): cannot open the database: the file is an SQLite database of another application (tables item), not a Winnow database; it was left as it was")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before, "not switched to WAL, no migrations table")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-wal"))
    }

    func testAFileThatIsNotSQLiteIsRefused() throws {
        let path = folder.appendingPathComponent("notes.db").path
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Store(path: path)) { error in
            XCTAssertTrue("\(error)".contains("the file is not an SQLite database"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "hello\n")
    }

    func testANewFileAnEmptyFileAndAWinnowDatabaseOpen() throws {
        let fresh = folder.appendingPathComponent("new.sqlite").path
        _ = try Store(path: fresh)
        _ = try Store(path: fresh)  // again: a Winnow database now
        let empty = folder.appendingPathComponent("empty.sqlite").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        _ = try Store(path: empty)
    }
}
