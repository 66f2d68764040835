import XCTest
@testable import WinnowCore
import WinnowTestSupport

final class ModelQueuePolicyTests: XCTestCase {
    /// 300 items in 5 groups and 10 images; the most uncertain ones all in group 0, image 0.
    private func candidates() -> ([QueuePolicy.Candidate], [Int64: Double]) {
        var list: [QueuePolicy.Candidate] = []
        var u: [Int64: Double] = [:]
        for i in 0..<300 {
            let id = Int64(i + 1)
            let top = i < 60
            list.append(QueuePolicy.Candidate(id: id, group: top ? "g0" : "g\(1 + i % 4)", image: top ? "i0.jpg" : "i\(1 + i % 9).jpg",
                                              simhash: UInt64(i + 1) &* 0x9E37_79B9_7F4A_7C15))
            u[id] = top ? 1 - Double(i) / 1000 : 0.5 - Double(i) / 1000
        }
        return (list, u)
    }

    func testExplorationFillsItsShareOfPositionsAndIsSeeded() {
        let (list, u) = candidates()
        let rules = QueuePolicy.Rules(exploreFraction: 0.1, seed: 42)
        let order = QueuePolicy.order(candidates: list, uncertainty: { u[$0] }, modelVersion: 3, spreadOrder: [], rules: rules)
        XCTAssertEqual(order.count, 300)
        XCTAssertEqual(Set(order.map(\.itemId)).count, 300, "every item once")
        XCTAssertEqual(order.filter { $0.reason == .explore }.count, 30)
        XCTAssertEqual(order.filter { $0.reason == .uncertainty }.count, 270)
        XCTAssertEqual(order.prefix(10).filter { $0.reason == .explore }.count, 1, "spread evenly")
        XCTAssertTrue(order.allSatisfy { $0.modelVersion == 3 && $0.uncertainty == u[$0.itemId] })
        XCTAssertEqual(order.map(\.rank), Array(1...300))
        XCTAssertEqual(order, QueuePolicy.order(candidates: list, uncertainty: { u[$0] }, modelVersion: 3, spreadOrder: [], rules: rules),
                       "same seed, same order")
        var other = rules
        other.seed = 43
        XCTAssertNotEqual(order, QueuePolicy.order(candidates: list, uncertainty: { u[$0] }, modelVersion: 3, spreadOrder: [], rules: other))

        var none = rules
        none.exploreFraction = 0
        let pure = QueuePolicy.order(candidates: list, uncertainty: { u[$0] }, modelVersion: 3, spreadOrder: [], rules: none)
        XCTAssertTrue(pure.allSatisfy { $0.reason == .uncertainty })
        XCTAssertEqual(pure.first?.itemId, 1, "the most uncertain first")
    }

    func testNoLongRunsFromOneGroupOrImageAndNoNearDuplicatesInARow() {
        let (list, u) = candidates()
        let byId = Dictionary(uniqueKeysWithValues: list.map { ($0.id, $0) })
        let order = QueuePolicy.order(candidates: list, uncertainty: { u[$0] }, modelVersion: 1, spreadOrder: [],
                                      rules: QueuePolicy.Rules(exploreFraction: 0.1, seed: 1))
        // Only while other groups remain can runs be avoided: check the first 200 positions.
        let head = order.prefix(200).map { byId[$0.itemId]! }
        for k in 2..<head.count {
            XCTAssertFalse(head[k].group == head[k - 1].group && head[k].group == head[k - 2].group, "3 in a row from \(head[k].group) at \(k)")
            XCTAssertFalse(head[k].image == head[k - 1].image && head[k].image == head[k - 2].image, "3 in a row of \(head[k].image!) at \(k)")
        }
        // Uncertain items still come early: the top group fills about two of every three places at first.
        XCTAssertGreaterThanOrEqual(head.prefix(30).filter { $0.group == "g0" }.count, 15)

        // Near duplicates (same simhash) are not served back to back.
        let dupes = (0..<20).map { QueuePolicy.Candidate(id: Int64($0 + 1), group: "g\($0)", image: nil, simhash: $0 < 10 ? 0xFFFF : 0xF0F0_0000_0000) }
        let dupOrder = QueuePolicy.order(candidates: dupes, uncertainty: { 1 / Double($0) }, modelVersion: 1, spreadOrder: [],
                                         rules: QueuePolicy.Rules(exploreFraction: 0, seed: 0))
        for k in 1..<dupOrder.count {
            let a = dupOrder[k - 1].itemId, b = dupOrder[k].itemId
            XCTAssertFalse((a <= 10) == (b <= 10), "near duplicates \(a) and \(b) in a row")
        }
    }

    func testColdStartFollowsTheSpreadOrder() {
        let list = (1...5).map { QueuePolicy.Candidate(id: Int64($0), group: "g") }
        let order = QueuePolicy.order(candidates: list, uncertainty: nil, modelVersion: nil, spreadOrder: [4, 2, 9, 1, 3],
                                      rules: QueuePolicy.Rules(exploreFraction: 0.5, seed: 0))
        XCTAssertEqual(order.map(\.itemId), [4, 2, 1, 3, 5], "9 is labeled; 5 is new since the spread order")
        XCTAssertTrue(order.allSatisfy { $0.reason == .coldStart && $0.modelVersion == nil && $0.uncertainty == nil })
        XCTAssertEqual(order[1].text, "cold start: spread order (#2)")
    }
}
