import Foundation
import XCTest
@testable import WinnowCore
import WinnowMath

/// The Bradley-Terry objective (`PairwiseLogistic`, `PairwiseObjective`).
final class ModelPairwiseTests: XCTestCase {
    /// Pairs whose preferred item is higher on feature 0 (with noise) and unrelated to feature 1.
    private func pairs(_ count: Int) -> [Float] {
        var g = SeededGenerator(seed: 7)
        func u() -> Float { Float(Double(g.next() >> 11) / Double(1 << 53)) - 0.5 }
        var z: [Float] = []
        for _ in 0..<count {
            var a = (u(), u()), b = (u(), u())
            if a.0 + 0.2 * u() < b.0 { swap(&a, &b) }
            z += [a.0 - b.0, a.1 - b.1]
        }
        return z
    }

    func testTheFitLearnsWhichFeatureOrdersThePairsAndTheEvidenceChoosesThePenalty() throws {
        let z = pairs(400)
        let fit = try XCTUnwrap(PairwiseLogistic.fitChoosingPenalty(z: z, count: 400, k: 2))
        XCTAssertGreaterThan(fit.weights[0], 3, "the feature that orders the pairs gets a large positive weight")
        XCTAssertLessThan(abs(fit.weights[1]), fit.weights[0] / 4, "the unrelated one a small weight")
        XCTAssertLessThan(fit.lambda, 10, "a strong signal needs little penalty")
        let strong = try XCTUnwrap(PairwiseLogistic.fit(z: z, count: 400, k: 2, lambda: 1e4))
        XCTAssertLessThan(strong.logEvidence, fit.logEvidence, "a heavy penalty explains the pairs worse")
        XCTAssertLessThan(strong.weights[0], fit.weights[0])
    }

    func testPairsAreWithinGroupsOfDifferentValuesOnly() {
        let y = [0.9, 0.1, 0.5, 0.5, 0.7, 0.2]
        let groups: [Int32] = [0, 0, 1, 1, -1, 2]
        let p = PairwiseObjective.pairs(y: y, groups: groups)
        XCTAssertEqual(p.count, 1, "group 1 is a tie, item 4 is alone, group 2 has one member")
        XCTAssertEqual(p.first?.better, 0)
        XCTAssertEqual(p.first?.worse, 1)
    }
}
