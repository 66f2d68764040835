import XCTest
@testable import WinnowCore
import WinnowTestSupport

final class RubricKeyTests: XCTestCase {
    private func criterion(_ fields: String) throws -> Criterion {
        try Rubric.parse(yaml: RubricFixture.oneCriterion("    title: A\n    question: Q\n" + fields), file: "r.yaml").criteria[0]
    }

    func testScaleOfDigitsIsSetByTypingTheValue() throws {
        let c = try criterion("    kind: scale\n    values: [0, 2, 4, 6, 8]\n")
        XCTAssertEqual(c.keys.map(\.key), ["0", "2", "4", "6", "8"])
        XCTAssertEqual(c.value(forKey: "4"), .number(4))
        XCTAssertNil(c.value(forKey: "1"))
        XCTAssertEqual(c.key(for: .number(8)), "8")
    }

    func testScaleOfAllTenDigitsNeedsNoExplicitKeys() throws {
        let c = try criterion("    kind: scale\n    values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n")
        XCTAssertEqual(c.key(for: .number(0)), "0")
        XCTAssertEqual(c.key(for: .number(9)), "9")
    }

    func testOtherScalesAndChoicesAreSetByPosition() throws {
        let scale = try criterion("    kind: scale\n    values: [-2, -1, 0, 1, 2]\n")
        XCTAssertEqual(scale.keys.map(\.key), ["1", "2", "3", "4", "5"])
        XCTAssertEqual(scale.value(forKey: "1"), .number(-2))
        let tens = try criterion("    kind: scale\n    values: [10, 20, 30]\n")
        XCTAssertEqual(tens.key(for: .number(30)), "3")
        let choice = try criterion("    kind: choice\n    values: [red, green, blue]\n")
        XCTAssertEqual(choice.value(forKey: "2"), .choice("green"))
        XCTAssertEqual(choice.key(for: .choice("blue")), "3")
        XCTAssertNil(choice.key(for: .choice("pink")))
    }

    func testFlagIsSetWithOneForTrueAndZeroForFalse() throws {
        let c = try criterion("    kind: flag\n    better: false\n")
        XCTAssertEqual(c.value(forKey: "1"), .flag(true))
        XCTAssertEqual(c.value(forKey: "0"), .flag(false))
        XCTAssertNil(c.value(forKey: "2"))
    }

    func testExplicitKeysOverrideTheDefaults() throws {
        let c = try criterion("    kind: choice\n    values: [yes, no, unsure]\n    keys: {yes: y, no: x, unsure: '!'}\n")
        XCTAssertEqual(c.keys, [
            KeyBinding(key: "y", value: .choice("yes")), KeyBinding(key: "x", value: .choice("no")),
            KeyBinding(key: "!", value: .choice("unsure")),
        ])
        let flag = try criterion("    kind: flag\n    better: true\n    keys: {true: t, false: F}\n")
        XCTAssertEqual(flag.value(forKey: "t"), .flag(true))
        XCTAssertEqual(flag.value(forKey: "F"), .flag(false))
        XCTAssertNil(flag.value(forKey: "1"))
    }

    func testExplicitKeysMakeMoreThanNineValuesTypeable() throws {
        let c = try criterion("""
                kind: choice
                values: [a, b, c, d, e, f, g, h, i, j]
                keys: {j: z}

            """)
        XCTAssertEqual(c.key(for: .choice("i")), "9")
        XCTAssertEqual(c.key(for: .choice("j")), "z")
    }

    func testEveryReservedKeyIsRefused() {
        for key in ["s", "u", "p", "n", "g", "c", "f", "o", "q", "j", "k", "?"] {
            let yaml = RubricFixture.oneCriterion("    title: A\n    question: Q\n    kind: flag\n    better: true\n    keys: {true: '\(key)'}\n")
            XCTAssertEqual(
                RubricFixture.error(yaml),
                "r.yaml:9:18: criteria[0].keys.true: '\(key)' is reserved by the grading screens (reserved: s u p n g c f o q j k ? i / Tab Enter arrows PgUp PgDn)")
        }
    }

    func testKeysMustBeSinglePrintableUniqueCharacters() {
        let head = "    title: A\n    question: Q\n    kind: choice\n    values: [yes, no, maybe]\n"
        XCTAssertEqual(
            RubricFixture.error(RubricFixture.oneCriterion(head + "    keys: {yes: ab}\n")),
            "r.yaml:9:17: criteria[0].keys.yes: 'ab' is not a single character")
        XCTAssertEqual(
            RubricFixture.error(RubricFixture.oneCriterion(head + "    keys: {yes: ' '}\n")),
            "r.yaml:9:17: criteria[0].keys.yes: U+0020 is not a printable character")
        XCTAssertEqual(
            RubricFixture.error(RubricFixture.oneCriterion(head + "    keys: {yes: \"\\t\"}\n")),
            "r.yaml:9:17: criteria[0].keys.yes: U+0009 is not a printable character")
        XCTAssertEqual(
            RubricFixture.error(RubricFixture.oneCriterion(head + "    keys: {yes: y, no: y}\n")),
            "r.yaml:9:24: criteria[0].keys.no: key 'y' is already given to 'yes'")
        XCTAssertEqual(
            RubricFixture.error(RubricFixture.oneCriterion(head + "    keys: {yes: [y]}\n")),
            "r.yaml:9:17: criteria[0].keys.yes: expected a single character, found a list")
        XCTAssertEqual(
            RubricFixture.error(RubricFixture.oneCriterion(head + "    keys: {nope: x}\n")),
            "r.yaml:9:12: criteria[0].keys: 'nope' is not one of the values (yes, no, maybe)")
        XCTAssertEqual(
            RubricFixture.error(RubricFixture.oneCriterion(head + "    keys: [y, x]\n")),
            "r.yaml:9:11: criteria[0].keys: expected a mapping from values, found a list")
    }

    func testAnExplicitKeyThatIsAnotherValuesDefaultIsRefused() {
        let yaml = RubricFixture.oneCriterion("    title: A\n    question: Q\n    kind: choice\n    values: [yes, no, maybe]\n    keys: {yes: 2}\n")
        XCTAssertEqual(
            RubricFixture.error(yaml),
            "r.yaml:9:11: criteria[0].keys: key '2' is given to 'yes' but is also the default key of 'no'; give 'no' a key too")
    }

    func testAChoiceOfMoreThanNineValuesWithoutKeysIsRefused() {
        let values = (1...10).map { "v\($0)" }.joined(separator: ", ")
        let yaml = RubricFixture.oneCriterion("    title: A\n    question: Q\n    kind: choice\n    values: [\(values)]\n")
        XCTAssertEqual(
            RubricFixture.error(yaml),
            "r.yaml:8:13: criteria[0].values: 'v10' (value 10) has no key: only the first 9 values of a choice get the keys 1–9 by default; give the others keys under keys")
    }

    func testAScaleOfMoreThanNineValuesIsTypedWithOnlyTheKeysGiven() throws {
        // Align2LLaVA's 0.0–1.0 scale in steps of 0.1: eleven values, no keys map.
        let yaml = RubricFixture.oneCriterion("    title: A\n    question: Q\n    kind: scale\n    values: [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]\n    keys: {1.0: x}\n")
        let criterion = try XCTUnwrap(try Rubric.parse(yaml: yaml, file: "r.yaml").criteria.first)
        XCTAssertTrue(criterion.typedEntry)
        XCTAssertEqual(criterion.keys, [KeyBinding(key: "x", value: .number(1))])
        XCTAssertEqual(criterion.typedMatches("0.").candidates.count, 9)
        XCTAssertEqual(criterion.typedMatches("0.7").exact, .number(0.7))
        XCTAssertEqual(criterion.typedMatches("1.0").exact, .number(1))
        XCTAssertNil(criterion.typedMatches("0.75").exact)
        // A 1–10 scale is typed the same way: "1" waits (10 starts with it), "10" is set.
        let ten = RubricFixture.oneCriterion("    title: A\n    question: Q\n    kind: scale\n    values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n")
        let scale = try XCTUnwrap(try Rubric.parse(yaml: ten, file: "r.yaml").criteria.first)
        XCTAssertTrue(scale.typedEntry && scale.keys.isEmpty)
        XCTAssertEqual(scale.typedMatches("1").candidates, [.number(1), .number(10)])
    }
}
