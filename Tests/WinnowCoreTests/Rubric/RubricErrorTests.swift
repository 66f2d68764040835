import Foundation
import XCTest
@testable import WinnowCore
import WinnowTestSupport

/// Every way a rubric file can be wrong is refused with its exact position, field and message.
final class RubricErrorTests: XCTestCase {
    /// Criterion fields after `  - id: a` (lines 5–7), so the next line written is line 8.
    let head = "    title: A\n    question: Q\n"

    private func criterionError(_ fields: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        RubricFixture.error(RubricFixture.oneCriterion(head + fields), file: file, line: line)
    }

    func testErrorDescriptionHasFileLineColumnFieldAndMessage() {
        let error = RubricError(file: "rubrics/bad.yaml", line: 14, column: 7, field: "criteria[2].values", message: "m")
        XCTAssertEqual(error.description, "rubrics/bad.yaml:14:7: criteria[2].values: m")
        XCTAssertEqual(RubricError(file: "f", line: 0, column: 0, field: "", message: "m").description, "f: m")
        XCTAssertEqual(RubricError(file: "f", line: 2, column: 3, field: "", message: "m").description, "f:2:3: m")
    }

    func testScaleValuesThatAreNotStrictlyAscendingAreRefusedAtTheOffendingValue() {
        XCTAssertEqual(
            criterionError("    kind: scale\n    values: [1, 2, 4, 3]\n"),
            "r.yaml:8:23: criteria[0].values: a scale's values must be strictly ascending (3 after 4)")
        XCTAssertEqual(
            criterionError("    kind: scale\n    values:\n      - 1\n      - 1\n"),
            "r.yaml:10:9: criteria[0].values: a scale's values must be strictly ascending (1 after 1)")
    }

    func testTooFewOrRepeatedValuesAreRefused() {
        XCTAssertEqual(
            criterionError("    kind: scale\n    values: [1]\n"),
            "r.yaml:8:13: criteria[0].values: a scale needs at least 2 values (found 1)")
        XCTAssertEqual(
            criterionError("    kind: choice\n    values: []\n"),
            "r.yaml:8:13: criteria[0].values: a choice needs at least 2 values (found 0)")
        XCTAssertEqual(
            criterionError("    kind: choice\n    values: [a, b, a]\n"),
            "r.yaml:8:20: criteria[0].values: 'a' appears twice")
        XCTAssertEqual(
            criterionError("    kind: choice\n    values: [a, '']\n"),
            "r.yaml:8:17: criteria[0].values[1]: a choice value must not be empty")
    }

    func testMissingRequiredFieldsAreNamed() {
        XCTAssertEqual(RubricFixture.error("version: 1\ncriteria: []\n"), "r.yaml:1:1: name: required field is missing")
        XCTAssertEqual(RubricFixture.error("name: t\ncriteria: []\n"), "r.yaml:1:1: version: required field is missing")
        XCTAssertEqual(RubricFixture.error("name: t\nversion: 1\n"), "r.yaml:1:1: criteria: required field is missing")
        XCTAssertEqual(
            RubricFixture.error("name: t\nversion: 1\ncriteria:\n  - title: A\n"),
            "r.yaml:4:5: criteria[0].id: required field is missing")
        XCTAssertEqual(
            RubricFixture.error(RubricFixture.oneCriterion("    question: Q\n")),
            "r.yaml:4:5: criteria[0].title: required field is missing")
        XCTAssertEqual(
            RubricFixture.error(RubricFixture.oneCriterion("    title: A\n")),
            "r.yaml:4:5: criteria[0].question: required field is missing")
        XCTAssertEqual(criterionError(""), "r.yaml:4:5: criteria[0].kind: required field is missing")
        XCTAssertEqual(criterionError("    kind: scale\n"), "r.yaml:4:5: criteria[0].values: required field is missing")
        XCTAssertEqual(criterionError("    kind: choice\n"), "r.yaml:4:5: criteria[0].values: required field is missing")
        XCTAssertEqual(
            criterionError("    kind: flag\n"),
            "r.yaml:4:5: criteria[0].better: required field is missing: a flag must say which value is good (true or false)")
    }

    func testEmptyRequiredTextIsRefused() {
        XCTAssertEqual(RubricFixture.error("name: '  '\nversion: 1\ncriteria: []\n"), "r.yaml:1:7: name: must not be empty")
        XCTAssertEqual(RubricFixture.error("name: t\nversion: ''\ncriteria: []\n"), "r.yaml:2:10: version: must not be empty")
    }

    func testUnknownFieldsAreNamed() {
        XCTAssertEqual(
            RubricFixture.error("name: t\nversoin: 1\n"),
            "r.yaml:2:1: versoin: unknown field 'versoin' (a rubric has: name, version, instructions, criteria)")
        XCTAssertEqual(
            criterionError("    kind: scale\n    values: [1, 2]\n    wieght: 2\n"),
            "r.yaml:9:5: criteria[0].wieght: unknown field 'wieght' (a criterion has: id, title, question, kind, level, values, anchors, weight, required, better, scores, keys)")
        XCTAssertEqual(
            RubricFixture.error("name: t\n1: x\n"),
            "r.yaml:2:1: field names must be plain text (found the number 1)")
    }

    func testWrongTypesAreNamedWithWhatWasFound() {
        XCTAssertEqual(RubricFixture.error("name: [t]\n"), "r.yaml:1:7: name: expected a string, found a list")
        XCTAssertEqual(RubricFixture.error("name:\nversion: 1\n"), "r.yaml:1:6: name: expected a string, found nothing")
        XCTAssertEqual(RubricFixture.error("name: t\nversion: true\n"), "r.yaml:2:10: version: expected a string or number, found the boolean true")
        XCTAssertEqual(RubricFixture.error("name: t\nversion: 1\ninstructions: {a: b}\n"), "r.yaml:3:15: instructions: expected a string, found a mapping")
        XCTAssertEqual(RubricFixture.error("name: t\nversion: 1\ncriteria: x\n"), "r.yaml:3:11: criteria: expected a list, found the string 'x'")
        XCTAssertEqual(
            RubricFixture.error("name: t\nversion: 1\ncriteria:\n  - x\n"),
            "r.yaml:4:5: criteria[0]: a criterion must be a mapping with id, title, question and kind (found the string 'x')")
        XCTAssertEqual(
            criterionError("    kind: scale\n    values: [1, two]\n"),
            "r.yaml:8:17: criteria[0].values[1]: expected a number, found the string 'two'")
        XCTAssertEqual(
            criterionError("    kind: scale\n    values: [1, '2']\n"),
            "r.yaml:8:17: criteria[0].values[1]: expected a number, found the string '2'")
        XCTAssertEqual(
            criterionError("    kind: choice\n    values: [a, 2]\n"),
            "r.yaml:8:17: criteria[0].values[1]: expected a string, found the number 2")
        XCTAssertEqual(
            criterionError("    kind: scale\n    values: [1, 2]\n    required: yes\n"),
            "r.yaml:9:15: criteria[0].required: expected true or false, found the string 'yes'")
        XCTAssertEqual(
            criterionError("    kind: scale\n    values: [1, 2]\n    weight: heavy\n"),
            "r.yaml:9:13: criteria[0].weight: expected a number, found the string 'heavy'")
        XCTAssertEqual(
            criterionError("    kind: scale\n    values: [1, 2]\n    anchors: {1: [x]}\n"),
            "r.yaml:9:18: criteria[0].anchors.1: expected a string, found a list")
        XCTAssertEqual(
            criterionError("    kind: scale\n    values: [1, 2]\n    anchors: [x]\n"),
            "r.yaml:9:14: criteria[0].anchors: expected a mapping from values, found a list")
        XCTAssertEqual(
            criterionError("    kind: scale\n    values: [1, .nan]\n"),
            "r.yaml:8:17: criteria[0].values[1]: must be a finite number (found .nan)")
    }

    func testTheDocumentMustBeANonEmptyMapping() {
        XCTAssertEqual(RubricFixture.error(""), "r.yaml:1:1: the file is empty; a rubric needs name, version and criteria")
        XCTAssertEqual(RubricFixture.error("# only a comment\n"), "r.yaml:1:1: the file is empty; a rubric needs name, version and criteria")
        XCTAssertEqual(
            RubricFixture.error("- a\n"),
            "r.yaml:1:1: a rubric must be a mapping with name, version and criteria (found a list)")
    }

    func testCriteriaMustNotBeEmpty() {
        XCTAssertEqual(
            RubricFixture.error("name: t\nversion: 1\ncriteria: []\n"),
            "r.yaml:3:11: criteria: a rubric needs at least one criterion")
    }

    func testDuplicateCriterionIDsAreRefusedAtTheSecond() {
        let yaml = """
            name: t
            version: 1
            criteria:
              - {id: a, title: A, question: Q, kind: flag, better: true}
              - {id: b, title: B, question: Q, kind: flag, better: true}
              - {id: a, title: A, question: Q, kind: flag, better: true}
            """
        XCTAssertEqual(RubricFixture.error(yaml), "r.yaml:6:10: criteria[2].id: duplicate id 'a' (also criteria[0])")
    }

    func testIDsMustBeLowercaseLettersDigitsUnderscoresAndDashesStartingWithALetter() {
        for bad in ["Clarity", "1st", "_a", "a b", "é"] {
            XCTAssertEqual(
                RubricFixture.error("name: t\nversion: 1\ncriteria:\n  - id: '\(bad)'\n"),
                "r.yaml:4:9: criteria[0].id: '\(bad)' is not a valid id: use lowercase letters, digits, _ and -, starting with a letter")
        }
        XCTAssertNoThrow(try RubricFixture.parse("name: t\nversion: 1\ncriteria:\n  - {id: a1_b-c, title: A, question: Q, kind: flag, better: true}\n"))
    }

    func testKindAndLevelMustBeKnownAndAgree() {
        XCTAssertEqual(
            criterionError("    kind: range\n"),
            "r.yaml:7:11: criteria[0].kind: must be scale, choice, flag or rank (found 'range')")
        XCTAssertEqual(
            criterionError("    kind: scale\n    level: ratio\n"),
            "r.yaml:8:12: criteria[0].level: must be nominal, ordinal or interval (found 'ratio')")
        XCTAssertEqual(
            criterionError("    kind: choice\n    level: ordinal\n    values: [a, b]\n"),
            "r.yaml:8:12: criteria[0].level: a choice is nominal, not ordinal")
        XCTAssertEqual(
            criterionError("    kind: flag\n    level: interval\n"),
            "r.yaml:8:12: criteria[0].level: a flag is nominal, not interval")
        XCTAssertEqual(
            criterionError("    kind: scale\n    level: nominal\n    values: [1, 2]\n"),
            "r.yaml:8:12: criteria[0].level: a scale is ordinal or interval, not nominal (use kind: choice for unordered values)")
    }

    func testAnchorsMayOnlyNameValues() {
        XCTAssertEqual(
            criterionError("    kind: scale\n    values: [1, 2]\n    anchors: {1: one, 3: three}\n"),
            "r.yaml:9:23: criteria[0].anchors: '3' is not one of the values (1, 2)")
        XCTAssertEqual(
            criterionError("    kind: flag\n    better: true\n    anchors: {yes: ok}\n"),
            "r.yaml:9:15: criteria[0].anchors: 'yes' is not one of the values (false, true)")
        XCTAssertEqual(
            criterionError("    kind: scale\n    values: [1, 2]\n    anchors: {1: one, 1.0: uno}\n"),
            "r.yaml:9:23: criteria[0].anchors: 1 has two anchors")
    }

    func testBetterMustSuitTheKind() {
        XCTAssertEqual(
            criterionError("    kind: choice\n    values: [a, b]\n    better: a\n"),
            "r.yaml:9:13: criteria[0].better: a choice has no better value; give its values scores instead")
        XCTAssertEqual(
            criterionError("    kind: scale\n    values: [1, 2]\n    better: up\n"),
            "r.yaml:9:13: criteria[0].better: a scale's better must be higher or lower (found 'up')")
        XCTAssertEqual(
            criterionError("    kind: flag\n    better: higher\n"),
            "r.yaml:8:13: criteria[0].better: a flag's better must be its good value, true or false (found the string 'higher')")
    }

    func testScoresMustBeOneFiniteNumberPerChoiceValueAndNotAllEqual() {
        XCTAssertEqual(
            criterionError("    kind: choice\n    values: [a, b, c]\n    scores: [1, 0]\n"),
            "r.yaml:9:13: criteria[0].scores: 2 scores for 3 values; give one score per value, in the order of values")
        XCTAssertEqual(
            criterionError("    kind: choice\n    values: [a, b]\n    scores: [1, 1]\n"),
            "r.yaml:9:13: criteria[0].scores: the scores are all the same; they are rescaled from lowest (0) to highest (1), so at least two must differ")
        XCTAssertEqual(
            criterionError("    kind: choice\n    values: [a, b]\n    scores: [1, -.inf]\n"),
            "r.yaml:9:17: criteria[0].scores[1]: must be a finite number (found -.inf)")
        XCTAssertEqual(
            criterionError("    kind: scale\n    values: [1, 2]\n    scores: [1, 2]\n"),
            "r.yaml:9:13: criteria[0].scores: only a choice has scores (a scale is scored by better)")
    }

    func testWeightMustBeFiniteAndNotNegative() {
        XCTAssertEqual(
            criterionError("    kind: scale\n    values: [1, 2]\n    weight: -1\n"),
            "r.yaml:9:13: criteria[0].weight: must not be negative (found -1)")
        XCTAssertEqual(
            criterionError("    kind: scale\n    values: [1, 2]\n    weight: .inf\n"),
            "r.yaml:9:13: criteria[0].weight: must be a finite number (found .inf)")
        XCTAssertEqual(
            criterionError("    kind: scale\n    values: [1, 2]\n    weight: .NaN\n"),
            "r.yaml:9:13: criteria[0].weight: must be a finite number (found .NaN)")
    }

    func testFlagValuesMustBeExactlyFalseThenTrue() {
        XCTAssertEqual(
            criterionError("    kind: flag\n    values: [true, false]\n    better: true\n"),
            "r.yaml:8:13: criteria[0].values: a flag's values must be exactly [false, true] (or left out)")
        XCTAssertEqual(
            criterionError("    kind: flag\n    values: [no, yes]\n    better: true\n"),
            "r.yaml:8:13: criteria[0].values: a flag's values must be exactly [false, true] (or left out)")
        XCTAssertNoThrow(try RubricFixture.parse(RubricFixture.oneCriterion(head + "    kind: flag\n    values: [false, true]\n    better: true\n")))
    }

    func testYAMLSyntaxErrorsCarryYamsPosition() {
        XCTAssertEqual(
            RubricFixture.error("name: t\nversion: [1\ncriteria: x\n"),
            "r.yaml:3:9: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 2, column 10)")
        XCTAssertEqual(
            RubricFixture.error("name: t\n  version: 1\n"),
            "r.yaml:2:10: invalid YAML: mapping values are not allowed in this context")
        XCTAssertEqual(
            RubricFixture.error("name: t\nversion: \"a\u{01}\"\n"),
            "r.yaml:2:12: invalid YAML: control characters are not allowed")
        XCTAssertEqual(
            RubricFixture.error("name: t\nname: u\n"),
            "r.yaml:1:1: invalid YAML: 'name' appears more than once in the same mapping")
    }

    func testDeepNestingIsRefusedWithoutTrapping() {
        XCTAssertEqual(
            RubricFixture.error("a: " + String(repeating: "[", count: 100_000)),
            "r.yaml:1:68: the YAML is nested more than 64 levels deep; a rubric needs far fewer")
        XCTAssertEqual(
            RubricFixture.error("a:\n" + String(repeating: "- ", count: 100_000) + "x"),
            "r.yaml:2:129: the YAML is nested more than 64 levels deep; a rubric needs far fewer")
    }

    func testMissingAndUnreadableFilesAreReportedWithoutAPosition() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rubric-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func loadError(_ path: String) -> String? {
            do {
                _ = try Rubric.load(path: path)
                XCTFail("expected \(path) to be refused")
                return nil
            } catch {
                return error.description
            }
        }
        let missing = directory.appendingPathComponent("missing.yaml").path
        XCTAssertEqual(loadError(missing), "\(missing): no such file")
        XCTAssertEqual(loadError(directory.path), "\(directory.path): is a directory, not a rubric file")
        let binary = directory.appendingPathComponent("binary.yaml")
        try Data([0x6E, 0x3A, 0x20, 0xFF, 0xFE]).write(to: binary)
        XCTAssertEqual(loadError(binary.path), "\(binary.path): is not UTF-8 text")
        let bad = directory.appendingPathComponent("bad.yaml")
        try Data("name: t\nversion: 1\ncriteria: []\n".utf8).write(to: bad)
        XCTAssertEqual(loadError(bad.path), "\(bad.path):3:11: criteria: a rubric needs at least one criterion")
    }
}
