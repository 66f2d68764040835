import XCTest
@testable import WinnowCore
import WinnowTestSupport

final class RubricScoreTests: XCTestCase {
    /// up: 1–5 higher better, weight 2; down: 0–4 lower better; ok: flag, good = false, weight 0.5;
    /// tone: choice scored 10/0/5; topic: choice without scores; off: scale at weight 0.
    let rubric: Rubric = {
        do {
            return try Rubric.parse(yaml: """
                name: scores
                version: 1
                criteria:
                  - {id: up, title: Up, question: Q, kind: scale, values: [1, 2, 3, 4, 5], weight: 2}
                  - {id: down, title: Down, question: Q, kind: scale, values: [0, 1, 2, 3, 4], better: lower}
                  - {id: ok, title: OK, question: Q, kind: flag, better: false, weight: 0.5}
                  - {id: tone, title: Tone, question: Q, kind: choice, values: [good, bad, meh], scores: [10, 0, 5]}
                  - {id: topic, title: Topic, question: Q, kind: choice, values: [cats, dogs]}
                  - {id: off, title: Off, question: Q, kind: scale, values: [1, 2], weight: 0}
                """, file: "scores.yaml")
        } catch {
            fatalError("fixture rubric must parse: \(error)")
        }
    }()

    func testScaleScoresPositionFromTheWorseEnd() throws {
        let up = try XCTUnwrap(rubric.criterion("up"))
        XCTAssertEqual(up.normalizedScore(of: .number(1)), 0)
        XCTAssertEqual(up.normalizedScore(of: .number(2)), 0.25)
        XCTAssertEqual(up.normalizedScore(of: .number(5)), 1)
        let down = try XCTUnwrap(rubric.criterion("down"))
        XCTAssertEqual(down.normalizedScore(of: .number(0)), 1)
        XCTAssertEqual(down.normalizedScore(of: .number(1)), 0.75)
        XCTAssertEqual(down.normalizedScore(of: .number(4)), 0)
        XCTAssertNil(up.normalizedScore(of: .number(6)), "not one of the values")
        XCTAssertNil(up.normalizedScore(of: .choice("5")), "wrong type")
    }

    func testUnevenScaleStepsCountByPositionNotByValue() throws {
        let rubric = try Rubric.parse(yaml: RubricFixture.oneCriterion("""
                title: A
                question: Q
                kind: scale
                values: [0, 1, 10]
            """), file: "r.yaml")
        XCTAssertEqual(rubric.criteria[0].normalizedScore(of: .number(1)), 0.5)
    }

    func testFlagScoresOneForItsGoodValueAndZeroOtherwise() throws {
        let ok = try XCTUnwrap(rubric.criterion("ok"))
        XCTAssertEqual(ok.normalizedScore(of: .flag(false)), 1)
        XCTAssertEqual(ok.normalizedScore(of: .flag(true)), 0)
    }

    func testChoiceWithScoresIsRescaledFromLowestToHighest() throws {
        let tone = try XCTUnwrap(rubric.criterion("tone"))
        XCTAssertEqual(tone.normalizedScore(of: .choice("good")), 1)
        XCTAssertEqual(tone.normalizedScore(of: .choice("bad")), 0)
        XCTAssertEqual(tone.normalizedScore(of: .choice("meh")), 0.5)
    }

    func testChoiceWithoutScoresAndWeightZeroDoNotCount() throws {
        XCTAssertNil(rubric.criterion("topic")?.normalizedScore(of: .choice("cats")))
        XCTAssertEqual(rubric.criterion("topic")?.counts, false)
        XCTAssertNil(rubric.criterion("off")?.normalizedScore(of: .number(2)))
        XCTAssertEqual(rubric.criterion("off")?.counts, false)
        XCTAssertNil(rubric.overallScore(["topic": .choice("cats"), "off": .number(2)]))
    }

    func testOverallScoreIsTheWeightedMeanOverCriteriaWithValues() throws {
        // up 4 → 0.75 (w 2), down 1 → 0.75 (w 1), ok true → 0 (w 0.5), tone meh → 0.5 (w 1);
        // topic and off are ignored. (2·0.75 + 0.75 + 0 + 0.5) / (2 + 1 + 0.5 + 1) = 2.75 / 4.5
        let values: [String: ScoreValue] = [
            "up": .number(4), "down": .number(1), "ok": .flag(true), "tone": .choice("meh"),
            "topic": .choice("dogs"), "off": .number(1),
        ]
        let score = try XCTUnwrap(rubric.overallScore(values))
        XCTAssertEqual(score, 2.75 / 4.5, accuracy: 1e-12)
    }

    func testMissingValuesLeaveTheirCriteriaOut() throws {
        XCTAssertEqual(rubric.overallScore(["up": .number(5)]), 1)
        XCTAssertEqual(rubric.overallScore(["up": .number(5), "ok": .flag(true)]), 2 / 2.5)
        XCTAssertNil(rubric.overallScore([:]))
    }

    func testValuesForUnknownCriteriaOrOutsideTheValuesAreIgnored() {
        XCTAssertEqual(rubric.overallScore(["up": .number(1), "nope": .number(5), "down": .number(9)]), 0)
        XCTAssertNil(rubric.overallScore(["nope": .number(5)]))
    }
}
