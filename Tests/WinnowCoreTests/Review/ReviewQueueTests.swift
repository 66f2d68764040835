@testable import WinnowCore
import WinnowTestSupport
import XCTest

/// The lead's queue as a pure function of the current labels.
final class ReviewQueueTests: XCTestCase {
    let rubric = try! Rubric.parse(yaml: """
        name: r
        version: "1"
        criteria:
          - {id: quality, title: Quality, question: Q?, kind: scale, values: [1, 2, 3, 4, 5], required: true, better: higher}
          - {id: length, title: Length, question: L?, kind: scale, level: interval, values: [0, 10, 20, 40], required: false, better: higher, weight: 0}
          - {id: made_up, title: Made up, question: M?, kind: flag, required: true, better: false}
          - {id: tone, title: Tone, question: T?, kind: choice, values: [plain, warm, rude]}
        """, file: "r.yaml")

    private var nextEvent: Int64 = 0
    private func label(_ item: Int64, _ who: String, quality: Int? = nil, length: Int? = nil, madeUp: Bool? = nil, tone: String? = nil,
                       role: LabelRole = .annotator, source: String? = nil, flag: Bool = false, note: String? = nil) -> ReviewLabel {
        nextEvent += 1
        var values: [String: ScoreValue] = [:]
        if let quality { values["quality"] = .number(Double(quality)) }
        if let length { values["length"] = .number(Double(length)) }
        if let madeUp { values["made_up"] = .flag(madeUp) }
        if let tone { values["tone"] = .choice(tone) }
        return ReviewLabel(eventId: nextEvent, itemId: item, itemKey: "item\(item)", annotator: who, role: role, source: source,
                           values: values, note: note, flag: flag)
    }

    func testDistanceIsNormalisedByTheRangeAtTheCriterionsLevel() throws {
        let quality = try XCTUnwrap(rubric.criterion("quality")), length = try XCTUnwrap(rubric.criterion("length"))
        let tone = try XCTUnwrap(rubric.criterion("tone")), madeUp = try XCTUnwrap(rubric.criterion("made_up"))
        // Ordinal: positions 0 and 3 of five values.
        XCTAssertEqual(ReviewQueue.distance(.number(1), .number(4), criterion: quality), 0.75)
        // Interval: the numbers, over 40 - 0 (not positions: 10 and 20 are one step apart but a quarter of the range).
        XCTAssertEqual(ReviewQueue.distance(.number(10), .number(20), criterion: length), 0.25)
        XCTAssertEqual(ReviewQueue.distance(.number(0), .number(40), criterion: length), 1)
        // Nominal: any difference is the whole range.
        XCTAssertEqual(ReviewQueue.distance(.choice("plain"), .choice("warm"), criterion: tone), 1)
        XCTAssertEqual(ReviewQueue.distance(.flag(true), .flag(true), criterion: madeUp), 0)
    }

    func testTheLargestDisagreementComesFirstAndUnanimousItemsAreSetAside() throws {
        let labels = [
            // item 1: quality 2 vs 3 (0.25)
            label(1, "ann", quality: 2, madeUp: false), label(1, "ben", quality: 3, madeUp: false),
            // item 2: quality 1 vs 5 (1.0) and the flag differs
            label(2, "ann", quality: 1, madeUp: true), label(2, "ben", quality: 5, madeUp: false),
            // item 3: everyone agrees
            label(3, "ann", quality: 4, madeUp: false, tone: "warm"), label(3, "ben", quality: 4, madeUp: false, tone: "warm"),
            // item 4: one annotator only, not flagged: nothing to settle
            label(4, "ann", quality: 2, madeUp: false),
            // item 5: disputed but settled by gold already
            label(5, "ann", quality: 1, madeUp: false), label(5, "ben", quality: 5, madeUp: false),
            label(5, "lead", quality: 3, madeUp: false, role: .gold),
            // item 6: flagged by one annotator
            label(6, "ben", quality: 3, madeUp: false, flag: true, note: "odd image"),
            // item 7: both agree but one flagged: not unanimous, goes to the lead
            label(7, "ann", quality: 3, madeUp: false, flag: true), label(7, "ben", quality: 3, madeUp: false),
        ]
        let result = ReviewQueue.build(labels: labels, rubric: rubric)
        XCTAssertEqual(result.entries.map(\.itemKey), ["item2", "item1", "item6", "item7"])
        XCTAssertEqual(result.entries[0].reason, .disagreement(distance: 1, criteria: ["quality", "made_up"]))
        XCTAssertEqual(result.entries[1].reason, .disagreement(distance: 0.25, criteria: ["quality"]))
        XCTAssertEqual(result.entries[2].reason, .flagged(by: ["ben"]))
        XCTAssertEqual(result.unanimous.map(\.itemId), [3])
        XCTAssertEqual(result.unanimous.first?.values, ["quality": .number(4), "made_up": .flag(false), "tone": .choice("warm")])
        XCTAssertEqual(result.settled, 1)
        XCTAssertEqual(result.settledAutomatically, 0)
        // Gold starts from what the annotators agree on; the disputed criteria are left to the lead.
        XCTAssertEqual(result.entries[1].agreedValues, ["made_up": .flag(false)])
        XCTAssertEqual(result.entries[1].disputed(in: rubric).map(\.id), ["quality"])
        XCTAssertEqual(result.entries[0].why(rubric: rubric), "disagree 1.00 on Quality, Made up")
    }

    func testFiltersByCriterionAndAnnotator() throws {
        let labels = [
            label(1, "ann", quality: 2, madeUp: false), label(1, "ben", quality: 3, madeUp: false),
            label(2, "ann", quality: 4, madeUp: true), label(2, "cat", quality: 4, madeUp: false),
            label(3, "ben", quality: 1, madeUp: false), label(3, "cat", quality: 5, madeUp: false),
        ]
        let byFlag = ReviewQueue.build(labels: labels, rubric: rubric, filter: .init(criterion: "made_up"))
        XCTAssertEqual(byFlag.entries.map(\.itemKey), ["item2"])
        let byAnn = ReviewQueue.build(labels: labels, rubric: rubric, filter: .init(annotator: "ann"))
        XCTAssertEqual(byAnn.entries.map(\.itemKey), ["item2", "item1"])
        let both = ReviewQueue.build(labels: labels, rubric: rubric, filter: .init(criterion: "quality", annotator: "cat"))
        XCTAssertEqual(both.entries.map(\.itemKey), ["item3"])
    }

    func testTheModelPartTakesItemsOutsideTheModelsOwnInterval() throws {
        // Overall score of quality q (weight 1, 1-5) and made_up false (weight 1): ((q-1)/4 + 1) / 2.
        let labels = [
            label(1, "ann", quality: 5, madeUp: false),  // humans 1.0
            label(2, "ann", quality: 5, madeUp: false),  // humans 1.0
            label(3, "ann", quality: 1, madeUp: false),  // humans 0.5
        ]
        func prediction(_ mean: Double, _ std: Double) -> Prediction {
            Prediction(modelVersion: 1, uncertainty: 0, overall: .init(mean: mean, std: std), criteria: [:])
        }
        let model = [
            Int64(1): prediction(0.2, 0.05),  // far and sure: in the queue
            Int64(2): prediction(0.2, 0.5),   // as far, but unsure: 0.8 is inside its interval
            Int64(3): prediction(0.6, 0.01),  // close: gap 0.1, but sure of it: in, after item 1
        ]
        let result = ReviewQueue.build(labels: labels, rubric: rubric, model: model)
        XCTAssertEqual(result.entries.map(\.itemKey), ["item1", "item3"])
        guard case .model(let gap, let humans, let m) = result.entries[0].reason else { return XCTFail("\(result.entries[0].reason)") }
        XCTAssertEqual(gap, 0.8, accuracy: 1e-9)
        XCTAssertEqual(humans, 1, accuracy: 1e-9)
        XCTAssertEqual(m, 0.2, accuracy: 1e-9)
    }

    func testAutomaticGoldIsCountedAsSuch() throws {
        let labels = [
            label(1, "ann", quality: 2, madeUp: false), label(1, "ben", quality: 2, madeUp: false),
            label(1, Adjudication.automaticAnnotator, quality: 2, madeUp: false, role: .gold, source: Adjudication.unanimousSource),
            label(2, "ann", quality: 2, madeUp: false), label(2, "lead", quality: 2, madeUp: false, role: .gold),
        ]
        let result = ReviewQueue.build(labels: labels, rubric: rubric)
        XCTAssertEqual(result.settled, 2)
        XCTAssertEqual(result.settledAutomatically, 1)
        XCTAssertTrue(result.entries.isEmpty)
        XCTAssertTrue(result.unanimous.isEmpty)
    }
}

final class AlphaVerdictTests: XCTestCase {
    func testKrippendorffsBands() {
        XCTAssertEqual(AlphaVerdict(0.8), .good)
        XCTAssertEqual(AlphaVerdict(0.95), .good)
        XCTAssertEqual(AlphaVerdict(0.7999), .tentative)
        XCTAssertEqual(AlphaVerdict(0.667), .tentative)
        XCTAssertEqual(AlphaVerdict(0.6669), .tooLow)
        XCTAssertEqual(AlphaVerdict(-0.2), .tooLow)
        XCTAssertEqual(AlphaVerdict(nil), .undefined)
        XCTAssertEqual(AlphaVerdict(.nan), .undefined)
    }
}
