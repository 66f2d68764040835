import XCTest
@testable import WinnowCore
import WinnowTestSupport

final class RubricHashTests: XCTestCase {
    let original = """
        name: h
        version: 1
        instructions: Grade carefully.
        criteria:
          - id: q
            title: Quality
            question: How good?
            kind: scale
            values: [1, 2, 3]
            anchors: {1: bad, 3: good}
        """

    func testHashIsLowercaseHexSHA256OfTheNormalizedJSON() throws {
        let rubric = try RubricFixture.parse(original)
        XCTAssertEqual(rubric.contentHash.count, 64)
        XCTAssertTrue(rubric.contentHash.allSatisfy { "0123456789abcdef".contains($0) })
        // Pins the encoding against `printf '%s' '{"name":"","version":"","criteria":[]}' | sha256sum`.
        let empty = Rubric(name: "", version: "", criteria: [])
        XCTAssertEqual(empty.normalizedJSON, #"{"name":"","version":"","criteria":[]}"#)
        XCTAssertEqual(empty.contentHash, "77efcd30250fcf2d4219d420210242d61f21025408c07fb2902e6278c1e3388b")
    }

    func testFormattingOnlyChangesKeepTheHash() throws {
        let reformatted = """
            # A comment, flow style, reordered fields and defaults spelled out.
            criteria:
              - anchors:
                  3: "good"
                  1: 'bad'
                values:
                  - 1
                  - 2.0
                  - 3
                kind: scale
                level: ordinal
                weight: 1.0
                better: higher
                required: false
                question: "How good?"
                title: Quality
                id: q
            version: 1
            instructions: Graders see different guidance now.
            name: h
            """
        XCTAssertEqual(try RubricFixture.parse(reformatted).contentHash, try RubricFixture.parse(original).contentHash)
    }

    func testChangingAValueChangesTheHash() throws {
        let base = try RubricFixture.parse(original).contentHash
        let changes = [
            original.replacingOccurrences(of: "[1, 2, 3]", with: "[1, 2, 4]").replacingOccurrences(of: "3: good", with: "4: good"),
            original.replacingOccurrences(of: "3: good", with: "3: great"),
            original.replacingOccurrences(of: "version: 1", with: "version: 2"),
            original + "\n    weight: 2",
            original + "\n    keys: {1: a}",
        ]
        for changed in changes {
            XCTAssertNotEqual(try RubricFixture.parse(changed).contentHash, base, changed)
        }
    }
}
