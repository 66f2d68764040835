import XCTest
@testable import WinnowCore
import WinnowTestSupport

final class RubricParsingTests: XCTestCase {
    func testBundledLlavaQualityRubricLoadsWithItsCriteria() throws {
        let rubric = try Rubric.load(path: RubricFixture.bundled("llava-quality.yaml"))
        XCTAssertEqual(rubric.name, "llava-quality")
        XCTAssertEqual(rubric.version, "1.0")
        XCTAssertFalse(rubric.instructions.isEmpty)
        XCTAssertEqual(
            rubric.criteria.map(\.id),
            ["image_relevance", "instruction_clarity", "answer_correctness", "hallucination", "helpfulness", "language_quality"])
        for criterion in rubric.criteria {
            XCTAssertFalse(criterion.question.isEmpty, criterion.id)
            XCTAssertEqual(criterion.anchors.count, criterion.values.count, "every value has an anchor in \(criterion.id)")
        }
        let hallucination = try XCTUnwrap(rubric.criterion("hallucination"))
        XCTAssertEqual(hallucination.kind, .flag)
        XCTAssertEqual(hallucination.level, .nominal)
        XCTAssertEqual(hallucination.better, .good(false))
        XCTAssertEqual(hallucination.values, [.flag(false), .flag(true)])
        let correctness = try XCTUnwrap(rubric.criterion("answer_correctness"))
        XCTAssertEqual(correctness.values, [1, 2, 3, 4, 5].map { .number($0) })
        XCTAssertEqual(correctness.better, .higher)
        XCTAssertEqual(correctness.weight, 2)
        XCTAssertTrue(correctness.required)
    }

    func testBundledHelpSteerRubricKeepsComplexityAndVerbosityOutOfTheOverallScore() throws {
        let rubric = try Rubric.load(path: RubricFixture.bundled("helpsteer.yaml"))
        XCTAssertEqual(rubric.criteria.map(\.id), ["helpfulness", "correctness", "coherence", "complexity", "verbosity"])
        for criterion in rubric.criteria {
            XCTAssertEqual(criterion.values, [0, 1, 2, 3, 4].map { .number($0) })
            XCTAssertEqual(criterion.anchors.count, 5)
            XCTAssertEqual(criterion.keys.map(\.key), ["0", "1", "2", "3", "4"])
        }
        XCTAssertEqual(rubric.criterion("complexity")?.weight, 0)
        XCTAssertEqual(rubric.criterion("verbosity")?.weight, 0)
        XCTAssertEqual(rubric.criterion("complexity")?.counts, false)
        // Extreme complexity and verbosity do not move the score of an otherwise perfect response.
        let perfect: [String: ScoreValue] = ["helpfulness": .number(4), "correctness": .number(4), "coherence": .number(4)]
        var withDescriptive = perfect
        withDescriptive["complexity"] = .number(0)
        withDescriptive["verbosity"] = .number(4)
        XCTAssertEqual(rubric.overallScore(perfect), 1)
        XCTAssertEqual(rubric.overallScore(withDescriptive), 1)
        XCTAssertNil(rubric.overallScore(["complexity": .number(3)]))
    }

    func testNormalizedJSONOfASmallRubricIsExact() throws {
        let rubric = try RubricFixture.parse("""
            # comments and formatting are not part of the rubric
            name: small
            version: 2.0
            instructions: Be fair.
            criteria:
              - id: quality
                title: Quality
                question: How good is it?
                kind: scale
                values: [1, 2.5, 4]
                anchors: {4: great, 1: poor}
                better: lower
              - id: safe
                title: Safe
                question: Is it safe?
                kind: flag
                better: true
                weight: 0.5
                required: true
              - id: tone
                title: Tone
                question: What tone?
                kind: choice
                values: [formal, casual, rude]
                scores: [2, 2, 0]
                keys: {rude: x}
              - id: topic
                title: Topic
                question: Which topic?
                kind: choice
                level: nominal
                values: ["yes", no]
            """)
        XCTAssertEqual(rubric.normalizedJSON, #"{"name":"small","version":"2.0","criteria":["#
            + #"{"id":"quality","title":"Quality","question":"How good is it?","kind":"scale","level":"ordinal","values":[1,2.5,4],"anchors":{"1":"poor","4":"great"},"weight":1,"required":false,"better":"lower","keys":{"1":"1","2.5":"2","4":"3"}},"#
            + #"{"id":"safe","title":"Safe","question":"Is it safe?","kind":"flag","level":"nominal","values":[false,true],"anchors":{},"weight":0.5,"required":true,"better":true,"keys":{"false":"0","true":"1"}},"#
            + #"{"id":"tone","title":"Tone","question":"What tone?","kind":"choice","level":"nominal","values":["formal","casual","rude"],"anchors":{},"weight":1,"required":false,"better":null,"keys":{"formal":"1","casual":"2","rude":"x"},"scores":[2,2,0]},"#
            + #"{"id":"topic","title":"Topic","question":"Which topic?","kind":"choice","level":"nominal","values":["yes","no"],"anchors":{},"weight":1,"required":false,"better":null,"keys":{"yes":"1","no":"2"}}"#
            + "]}")
        XCTAssertEqual(rubric.instructions, "Be fair.")
    }

    func testDefaultsFillInLevelWeightRequiredBetterAndFlagValues() throws {
        let rubric = try RubricFixture.parse(RubricFixture.oneCriterion("""
                title: A
                question: Q?
                kind: scale
                values: [1, 2, 3]
              - id: b
                title: B
                question: Q?
                kind: flag
                better: false
            """))
        let a = try XCTUnwrap(rubric.criterion("a"))
        XCTAssertEqual(a.level, .ordinal)
        XCTAssertEqual(a.weight, 1)
        XCTAssertFalse(a.required)
        XCTAssertEqual(a.better, .higher)
        XCTAssertNil(a.scores)
        let b = try XCTUnwrap(rubric.criterion("b"))
        XCTAssertEqual(b.level, .nominal)
        XCTAssertEqual(b.values, [.flag(false), .flag(true)])
        XCTAssertEqual(rubric.instructions, "")
    }

    func testIntervalScaleIsAccepted() throws {
        let rubric = try RubricFixture.parse(RubricFixture.oneCriterion("""
                title: A
                question: Q?
                kind: scale
                level: interval
                values: [0, 10, 20]
            """))
        XCTAssertEqual(rubric.criteria[0].level, .interval)
    }

    func testChoiceValuesLikeYesAndNoStayStrings() throws {
        // YAML 1.1 would read yes/no/on/off as booleans; rubrics use the YAML 1.2 core schema.
        let rubric = try RubricFixture.parse(RubricFixture.oneCriterion("""
                title: A
                question: Q?
                kind: choice
                values: [yes, no, on, off]
            """))
        XCTAssertEqual(rubric.criteria[0].values, [.choice("yes"), .choice("no"), .choice("on"), .choice("off")])
    }

    func testValueFromJSONMatchesByTypeAndNumericValue() throws {
        let rubric = try Rubric.load(path: RubricFixture.bundled("llava-quality.yaml"))
        let scale = try XCTUnwrap(rubric.criterion("helpfulness"))
        XCTAssertEqual(scale.value(from: .number("1")), .number(1))
        XCTAssertEqual(scale.value(from: .number("1.0")), .number(1))
        XCTAssertEqual(scale.value(from: .number("5e0")), .number(5))
        XCTAssertNil(scale.value(from: .number("6")))
        XCTAssertNil(scale.value(from: .number("1.5")))
        XCTAssertNil(scale.value(from: .string("1")))
        XCTAssertNil(scale.value(from: .null))
        let flag = try XCTUnwrap(rubric.criterion("hallucination"))
        XCTAssertEqual(flag.value(from: .bool(true)), .flag(true))
        XCTAssertNil(flag.value(from: .string("true")))
        XCTAssertEqual(scale.position(of: .number(3)), 2)
        XCTAssertNil(scale.position(of: .number(7)))
        XCTAssertEqual(ScoreValue.number(2.5).json, .number("2.5"))
        XCTAssertEqual(ScoreValue.choice("yes").json, .string("yes"))
        XCTAssertEqual(ScoreValue.flag(false).json, .bool(false))
    }
}
