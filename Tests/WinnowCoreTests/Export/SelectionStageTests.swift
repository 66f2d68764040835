import Foundation
import XCTest
@testable import WinnowCore
import WinnowTestSupport

final class SelectionStageTests: XCTestCase {
    private func unit(_ key: String, group: String, overall: Double?, type: String = "a", turn: Int? = nil, record: Int = 0) -> ExportUnit {
        let item = Item(
            id: Int64(abs(key.hashValue % 100_000)), key: key, group: group, image: nil, captions: [],
            turns: [Turn(from: .human, value: "q"), Turn(from: .gpt, value: key)], fields: JSONObject(["type": .string(type)]),
            sourceName: "f.json", recordIndex: record, part: turn.map { "t\($0)/c0" } ?? "", turnIndex: turn, candidateIndex: turn.map { _ in 0 },
            original: Data())
        return ExportUnit(items: [item], scores: ResolvedScores(values: ["q": .number(overall ?? 0)], overall: overall, source: "consensus"),
                          format: "llava", assembled: false, groupWinner: false)
    }

    func testLimitKeepsTheBestAndBreaksTiesByKey() {
        let units = [unit("b", group: "b", overall: 0.5), unit("a", group: "a", overall: 0.5), unit("c", group: "c", overall: 0.9)]
        XCTAssertEqual(SelectionStage.limit(2).apply(units, candidateTurns: [:]).map(\.key).sorted(), ["a", "c"])
    }

    func testTopFractionIsTakenPerStratumRoundingUp() {
        let units = (0..<10).map { unit("x\($0)", group: "x\($0)", overall: Double($0) / 10, type: "x") }
            + (0..<3).map { unit("y\($0)", group: "y\($0)", overall: Double($0) / 10, type: "y") }
        let kept = SelectionStage.topFraction(0.3, per: "type").apply(units, candidateTurns: [:]).map(\.key)
        XCTAssertEqual(Set(kept), ["x9", "x8", "x7", "y2"])
        XCTAssertEqual(SelectionStage.topFraction(0.3, per: nil).apply(units, candidateTurns: [:]).count, 4)
    }

    func testBestPerGroupAssemblesARecordFromTheBestCandidateOfEachTurn() {
        let units = [
            unit("r/t0/c0", group: "r/t0", overall: 0.2, turn: 0), unit("r/t0/c1", group: "r/t0", overall: 0.8, turn: 0),
            unit("r/t1/c0", group: "r/t1", overall: 0.6, turn: 1), unit("r/t1/c1", group: "r/t1", overall: 0.4, turn: 1),
            unit("plain", group: "plain", overall: 0.1),
        ]
        let kept = SelectionStage.bestPerGroup.apply(units, candidateTurns: ["f.json\u{0}0": 2])
        XCTAssertEqual(kept.count, 2)
        let record = kept.first { $0.assembled }!
        XCTAssertEqual(record.items.map(\.key), ["r/t0/c1", "r/t1/c0"])
        XCTAssertEqual(record.key, "r")
        XCTAssertEqual(record.scores.overall!, 0.7, accuracy: 1e-12, "scored by the mean of its chosen candidates")
    }

    func testARecordMissingAWinnerForOneOfItsTurnsIsLeftOut() {
        let units = [unit("r/t0/c0", group: "r/t0", overall: 0.2, turn: 0)]
        XCTAssertTrue(SelectionStage.bestPerGroup.apply(units, candidateTurns: ["f.json\u{0}0": 2]).isEmpty)
    }
}
