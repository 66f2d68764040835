import Foundation
import XCTest
@testable import WinnowCore
import WinnowTestSupport

/// A rubric's sizes are bounded (ids, titles, values, counts), and a path that is not a regular file is
/// refused at once instead of blocking.
final class RubricBoundsTests: XCTestCase {
    func testAnIdOfAHundredThousandCharactersIsRefusedNamingTheFieldAndTheLimit() throws {
        let yaml = "name: t\nversion: 1\ncriteria:\n  - id: " + String(repeating: "a", count: 100_000)
            + "\n    title: T\n    question: Q\n    kind: flag\n    better: true\n"
        XCTAssertEqual(RubricFixture.error(yaml), "r.yaml:4:9: criteria[0].id: is 100000 characters long; at most 64 are allowed here")
    }

    func testTitlesValuesQuestionsAndAnchorsHaveTheirOwnBounds() throws {
        let long = String(repeating: "x", count: 201)
        XCTAssertTrue(RubricFixture.error(RubricFixture.oneCriterion("    title: \(long)\n    question: Q\n    kind: flag\n    better: true\n"))?
            .contains("criteria[0].title: is 201 characters long; at most 200") ?? false)
        XCTAssertTrue(RubricFixture.error(RubricFixture.oneCriterion("    title: T\n    question: Q\n    kind: choice\n    values: [a, \(long)]\n"))?
            .contains("criteria[0].values[1]: is 201 characters long; at most 200") ?? false)
        // A question of 2,000 characters is fine; 2,001 is not.
        let question = String(repeating: "q", count: 2000)
        XCTAssertNoThrow(try RubricFixture.parse(RubricFixture.oneCriterion("    title: T\n    question: \(question)\n    kind: flag\n    better: true\n")))
        XCTAssertTrue(RubricFixture.error(RubricFixture.oneCriterion("    title: T\n    question: \(question)q\n    kind: flag\n    better: true\n"))?
            .contains("criteria[0].question: is 2001 characters long; at most 2000") ?? false)
        let anchor = String(repeating: "w ", count: 1001)
        XCTAssertTrue(RubricFixture.error(RubricFixture.oneCriterion("    title: T\n    question: Q\n    kind: scale\n    values: [1, 2]\n    anchors: {1: \"\(anchor)\"}\n"))?
            .contains("criteria[0].anchors.1: is 2002 characters long; at most 2000") ?? false)
    }

    func testTooManyCriteriaOrValuesAreRefused() {
        let criteria = (0...RubricParser.maximumCriteria).map { "  - id: c\($0)\n    title: T\n    question: Q\n    kind: flag\n    better: true\n" }
        XCTAssertTrue(RubricFixture.error("name: t\nversion: 1\ncriteria:\n" + criteria.joined())?
            .contains("criteria: 101 criteria; a rubric may have at most 100") ?? false)
        let values = (0...RubricParser.maximumValues).map(String.init).joined(separator: ", ")
        XCTAssertTrue(RubricFixture.error(RubricFixture.oneCriterion("    title: T\n    question: Q\n    kind: scale\n    values: [\(values)]\n"))?
            .contains("1001 entries; at most 1000") ?? false)
    }

    func testAFIFOIsRefusedAtOnceNotOpened() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("rubric.yaml").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // No writer: opening it would block forever. The check runs before any open.
        XCTAssertThrowsError(try Rubric.load(path: fifo)) { error in
            XCTAssertEqual("\(error)", "\(fifo): is a FIFO (named pipe), not a regular file; give the rubric's YAML file")
        }
        XCTAssertThrowsError(try RecordReader(path: fifo)) { error in
            XCTAssertTrue("\(error)".contains("is a FIFO (named pipe), not a regular file"), "\(error)")
        }
        XCTAssertThrowsError(try Rubric.load(path: "/dev/null")) { error in
            XCTAssertTrue("\(error)".contains("is a character device"), "\(error)")
        }
    }
}
