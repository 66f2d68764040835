import Foundation
import XCTest
@testable import WinnowCore
import WinnowTestSupport

/// Agreement statistics on small examples worked by hand, and the undefined cases.
final class AgreementTests: XCTestCase {
    /// Ratings as rows of categories (nil = missing), one column per rater "a", "b", "c", …
    static func table(q: Int, _ rows: [[Int?]]) -> RatingTable {
        var ratings: [Rating] = []
        for (i, row) in rows.enumerated() {
            for (j, cell) in row.enumerated() {
                if let cell { ratings.append(Rating(item: "item\(i)", rater: String(UnicodeScalar(UInt8(97 + j))), category: cell)) }
            }
        }
        return RatingTable(categoryCount: q, ratings: ratings)
    }

    static let nominal2 = AgreementScale(categoryCount: 2, level: .nominal)

    func testTwoRatersOnFourItemsByHand() throws {
        // a: 0 0 1 1, b: 0 1 1 1.
        let table = Self.table(q: 2, [[0, 0], [0, 1], [1, 1], [1, 1]])
        let s = Agreement.summary(table, scale: Self.nominal2)
        XCTAssertEqual(s.items, 4)
        XCTAssertEqual(s.pairableItems, 4)
        // p_a = 3/4; π = (1.5/4, 2.5/4) = (0.375, 0.625).
        XCTAssertEqual(try XCTUnwrap(s.percentAgreement), 0.75, accuracy: 1e-12)
        // Fleiss: p_e = 0.375² + 0.625² = 0.53125; (0.75 − 0.53125) / 0.46875 = 7/15.
        XCTAssertEqual(try XCTUnwrap(s.fleissKappa), 7.0 / 15, accuracy: 1e-12)
        // AC1: p_e = 2 · 0.375 · 0.625 / 1 = 0.46875; (0.75 − 0.46875) / 0.53125 = 9/17.
        XCTAssertEqual(try XCTUnwrap(s.gwetAC1), 9.0 / 17, accuracy: 1e-12)
        // Alpha: o = [[2, 1], [1, 4]], n = (3, 5), D_o = 2, D_e = 2·3·5/7 = 30/7: 1 − 14/30 = 8/15.
        XCTAssertEqual(s.alpha.map(\.level), [.nominal])
        XCTAssertEqual(try XCTUnwrap(s.alpha(.nominal)), 8.0 / 15, accuracy: 1e-12)

        // Cohen: observed 1/4 disagreement, expected (2·3 + 2·1)/16 = 1/2: κ = 0.5.
        let pairs = Agreement.pairs(table, scale: Self.nominal2)
        XCTAssertEqual(pairs.count, 1)
        XCTAssertEqual(pairs[0].a, "a")
        XCTAssertEqual(pairs[0].b, "b")
        XCTAssertEqual(pairs[0].n, 4)
        XCTAssertEqual(try XCTUnwrap(pairs[0].cohenKappa), 0.5, accuracy: 1e-12)
        XCTAssertNil(pairs[0].cohenKappaLinear)
        XCTAssertNil(pairs[0].cohenKappaQuadratic)
        XCTAssertEqual(pairs[0].json.serialized(), #"{"a":"a","b":"b","n":4,"cohen_kappa":0.5}"#)
    }

    /// Krippendorff's own example (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"; also
    /// on Wikipedia): 3 coders, 15 units with missing values; nominal 0.691, interval 0.811.
    func testKrippendorffsPublishedExample() throws {
        let rows: [[Int?]] = [
            [nil, 1, nil], [nil, nil, nil], [nil, 2, 2], [nil, 1, 1], [nil, 3, 3], [3, 3, 4], [4, 4, 4], [1, 3, nil],
            [2, nil, 2], [1, nil, 1], [1, nil, 1], [3, nil, 3], [3, nil, 3], [nil, nil, nil], [3, nil, 4],
        ].map { $0.map { $0.map { $0 - 1 } } }  // values 1–5 as positions 0–4
        let scale = AgreementScale(categoryCount: 5, level: .interval, numbers: [1, 2, 3, 4, 5])
        let s = Agreement.summary(Self.table(q: 5, rows), scale: scale)
        XCTAssertEqual(s.items, 13)
        XCTAssertEqual(s.pairableItems, 12)
        XCTAssertEqual(try XCTUnwrap(s.alpha(.nominal)), 0.691358, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(s.alpha(.interval)), 0.810845, accuracy: 1e-6)
        XCTAssertEqual(s.alpha.map(\.level), [.nominal, .ordinal, .interval])
    }

    func testOneRaterLeavesEverythingUndefined() {
        let table = Self.table(q: 3, [[0], [1], [2], [2]])
        let scale = AgreementScale(categoryCount: 3, level: .ordinal, numbers: [1, 2, 3])
        let s = Agreement.summary(table, scale: scale)
        XCTAssertEqual(s.items, 4)
        XCTAssertEqual(s.pairableItems, 0)
        XCTAssertNil(s.percentAgreement)
        XCTAssertNil(s.fleissKappa)
        XCTAssertNil(s.gwetAC1)
        XCTAssertEqual(s.alpha, [LevelAlpha(level: .nominal, value: nil), LevelAlpha(level: .ordinal, value: nil), LevelAlpha(level: .interval, value: nil)])
        XCTAssertEqual(Agreement.pairs(table, scale: scale), [])
        let ci = Agreement.intervals(table, scale: scale, resamples: 50, seed: 0)
        XCTAssertEqual(ci.alpha, BootstrapInterval(low: nil, high: nil, undefined: 50))
        XCTAssertEqual(ci.ac1, BootstrapInterval(low: nil, high: nil, undefined: 50))
    }

    func testIdenticalRatingsHaveNoChanceCorrectedKappaButAC1IsOne() throws {
        let table = Self.table(q: 3, [[1, 1], [1, 1, 1], [1, nil, 1], [1]])
        let scale = AgreementScale(categoryCount: 3, level: .ordinal, numbers: [1, 2, 3])
        let s = Agreement.summary(table, scale: scale)
        XCTAssertEqual(s.percentAgreement, 1)
        XCTAssertNil(s.fleissKappa, "p_e = 1")
        XCTAssertEqual(s.gwetAC1, 1, "AC1's chance agreement is 0 when one category takes every rating")
        XCTAssertNil(s.alpha(.nominal))
        XCTAssertNil(s.alpha(.ordinal))
        XCTAssertNil(s.alpha(.interval))
        let pairs = Agreement.pairs(table, scale: scale)
        XCTAssertEqual(pairs.map { "\($0.a)\($0.b)\($0.n)" }, ["ab2", "ac2"])
        XCTAssertTrue(pairs.allSatisfy { $0.cohenKappa == nil && $0.cohenKappaLinear == nil && $0.cohenKappaQuadratic == nil })
        XCTAssertEqual(pairs[0].json.serialized(),
                       #"{"a":"a","b":"b","n":2,"cohen_kappa":null,"cohen_kappa_linear":null,"cohen_kappa_quadratic":null}"#)
    }

    func testRatersOnDisjointItemsHaveNoPairableItem() {
        let table = Self.table(q: 2, [[0, nil], [nil, 1], [1, nil]])
        let s = Agreement.summary(table, scale: Self.nominal2)
        XCTAssertEqual(s.items, 3)
        XCTAssertEqual(s.pairableItems, 0)
        XCTAssertNil(s.percentAgreement)
        XCTAssertNil(s.fleissKappa)
        XCTAssertNil(s.gwetAC1)
        XCTAssertNil(s.alpha(.nominal))
        XCTAssertEqual(Agreement.pairs(table, scale: Self.nominal2), [])
        XCTAssertEqual(s.json.serialized(),
                       #"{"percent_agreement":null,"fleiss_kappa":null,"gwet_ac1":null,"krippendorff_alpha":{"nominal":null},"items":3,"pairable_items":0}"#)
    }

    func testPairsNeedTwoSharedItems() {
        let table = Self.table(q: 2, [[0, 0, nil], [1, 0, 1], [nil, 1, 1]])
        XCTAssertEqual(Agreement.pairs(table, scale: Self.nominal2).map { "\($0.a)\($0.b)\($0.n)" }, ["ab2", "bc2"])
    }

    func testSingleRatingItemsCountForSharesButNotForAgreementOrAlpha() throws {
        let base: [[Int?]] = [[0, 0], [0, 1], [1, 1], [1, 1]]
        let with = Agreement.summary(Self.table(q: 2, base + [[0, nil], [nil, 0]]), scale: Self.nominal2)
        let without = Agreement.summary(Self.table(q: 2, base), scale: Self.nominal2)
        XCTAssertEqual(with.items, 6)
        XCTAssertEqual(with.pairableItems, 4)
        XCTAssertEqual(with.percentAgreement, without.percentAgreement)
        XCTAssertEqual(try XCTUnwrap(with.alpha(.nominal)), try XCTUnwrap(without.alpha(.nominal)), accuracy: 1e-15)
        // π = (3.5/6, 2.5/6): Fleiss' p_e = (12.25 + 6.25)/36; kappa = (0.75 − p_e)/(1 − p_e).
        let pe = (12.25 + 6.25) / 36
        XCTAssertEqual(try XCTUnwrap(with.fleissKappa), (0.75 - pe) / (1 - pe), accuracy: 1e-12)
    }

    func testWeightedKappaUsesPositionDistancesOverAllValues() throws {
        // Values 1, 2, 10 (uneven); a: 1 2 10, b: 2 2 10. Positions 0 1 2 and 1 1 2.
        let scale = AgreementScale(categoryCount: 3, level: .interval, numbers: [1, 2, 10])
        let pair = try XCTUnwrap(Agreement.pairs(Self.table(q: 3, [[0, 1], [1, 1], [2, 2]]), scale: scale).first)
        // Confusion: (0,1), (1,1), (2,2); rows (1,1,1), columns (0,2,1), expected = row·column/3.
        // Linear: observed 1; expected Σ_{a≠b}|a−b| r_a c_b / 3 = (0·1·0 ... ) computed below.
        let rows = [1.0, 1, 1], cols = [0.0, 2, 1]
        func kappa(_ w: (Int, Int) -> Double, observed: Double) -> Double {
            var e = 0.0
            for a in 0..<3 { for b in 0..<3 { e += w(a, b) * rows[a] * cols[b] / 3 } }
            return 1 - observed / e
        }
        XCTAssertEqual(try XCTUnwrap(pair.cohenKappa), kappa({ $0 == $1 ? 0 : 1 }, observed: 1), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(pair.cohenKappaLinear), kappa({ Double(abs($0 - $1)) }, observed: 1), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(pair.cohenKappaQuadratic), kappa({ Double(($0 - $1) * ($0 - $1)) }, observed: 1), accuracy: 1e-12)
    }

    func testRatingTableKeepsOneRatingPerRaterAndItemAndDropsUnknownCategories() {
        let table = RatingTable(categoryCount: 2, ratings: [
            Rating(item: "x", rater: "b", category: 0), Rating(item: "x", rater: "a", category: 1),
            Rating(item: "x", rater: "b", category: 1), Rating(item: "y", rater: "c", category: 7),
        ])
        XCTAssertEqual(table.items, ["x"])
        XCTAssertEqual(table.raters, ["a", "b"])
        XCTAssertEqual(table.counts(ofItem: 0), [0, 2])
    }

    func testBootstrapIsSeededAndBracketsTheEstimate() throws {
        var rows: [[Int?]] = []
        var g = SeededGenerator(seed: 42)
        for _ in 0..<200 {
            let truth = Int(g.next() % 5)
            rows.append((0..<3).map { _ in g.next() % 4 == 0 ? Int(g.next() % 5) : truth })
        }
        let table = Self.table(q: 5, rows)
        let scale = AgreementScale(categoryCount: 5, level: .ordinal, numbers: [1, 2, 3, 4, 5])
        let first = Agreement.intervals(table, scale: scale, seed: 7)
        let again = Agreement.intervals(table, scale: scale, seed: 7)
        XCTAssertEqual(again.alpha, first.alpha)
        XCTAssertEqual(again.ac1, first.ac1)
        XCTAssertNotEqual(Agreement.intervals(table, scale: scale, seed: 8).alpha, first.alpha)
        let s = Agreement.summary(table, scale: scale)
        let alpha = try XCTUnwrap(s.alpha(.ordinal)), ac1 = try XCTUnwrap(s.gwetAC1)
        XCTAssertLessThan(try XCTUnwrap(first.alpha.low), alpha)
        XCTAssertGreaterThan(try XCTUnwrap(first.alpha.high), alpha)
        XCTAssertLessThan(try XCTUnwrap(first.ac1.low), ac1)
        XCTAssertGreaterThan(try XCTUnwrap(first.ac1.high), ac1)
        XCTAssertEqual(first.alpha.undefined, 0)
        XCTAssertLessThan(try XCTUnwrap(first.alpha.high) - (try XCTUnwrap(first.alpha.low)), 0.3)
    }

    func testBootstrapCountsUndefinedResamples() {
        // One pairable item among single ratings: many resamples miss it and leave alpha and AC1 undefined.
        let table = Self.table(q: 2, [[0, 1], [0, nil], [nil, 1], [1, nil], [0, nil]])
        let ci = Agreement.intervals(table, scale: Self.nominal2, resamples: 200, seed: 3)
        XCTAssertGreaterThan(ci.ac1.undefined, 0)
        XCTAssertLessThan(ci.ac1.undefined, 200)
        XCTAssertGreaterThan(ci.alpha.undefined, 0)
    }

    func testPercentileInterpolatesLikeNumpy() throws {
        XCTAssertEqual(Bootstrap.percentile([1, 2, 3, 4], 0.5), 2.5)
        XCTAssertEqual(try XCTUnwrap(Bootstrap.percentile([1, 2, 3, 4, 5], 0.025)), 1.1, accuracy: 1e-12)
        XCTAssertEqual(Bootstrap.percentile([3], 0.975), 3)
        XCTAssertNil(Bootstrap.percentile([], 0.5))
    }

    func testUniformIndexStaysInRange() {
        var g = SeededGenerator(seed: 1)
        var seen = Set<Int>()
        for _ in 0..<1000 { seen.insert(Bootstrap.uniformIndex(below: 7, using: &g)) }
        XCTAssertEqual(seen, Set(0..<7))
    }

    func testISOWeeks() {
        XCTAssertEqual(ISOWeek.name(ofTimestamp: "2021-01-03T23:59:59Z"), "2020-W53")
        XCTAssertEqual(ISOWeek.name(ofTimestamp: "2021-01-04T00:00:00Z"), "2021-W01")
        XCTAssertEqual(ISOWeek.name(ofTimestamp: "2024-12-30T12:00:00Z"), "2025-W01")
        XCTAssertEqual(ISOWeek.name(ofTimestamp: "2026-01-31T12:00:00Z"), "2026-W05")
        XCTAssertEqual(ISOWeek.name(ofTimestamp: "2026-11-22T10:15:00+02:00"), "2026-W47")
        XCTAssertEqual(ISOWeek.name(ofTimestamp: "1970-01-01T00:00:00Z"), "1970-W01")
        XCTAssertNil(ISOWeek.name(ofTimestamp: "last week"))
        for day in -1000...3000 {
            let (y, m, d) = ISOWeek.civil(fromDay: day)
            XCTAssertEqual(ISOWeek.dayNumber(year: y, month: m, day: d), day)
        }
    }

    func testAnnotatorsAgainstTheOthersAndGold() throws {
        // Scale 1–3 (positions 0–2). a, b, c on four items; gold on items 0 and 1.
        let table = Self.table(q: 3, [[0, 0, 1], [2, 2, 2], [1, 0, nil], [2, nil, nil]])
        let gold = RatingTable(categoryCount: 3, ratings: [
            Rating(item: "item0", rater: "lead", category: 0), Rating(item: "item1", rater: "lead", category: 1),
        ])
        let scale = AgreementScale(categoryCount: 3, level: .ordinal, numbers: [1, 2, 3])
        let annotators = Agreement.annotators(table, gold: gold, scale: scale)
        XCTAssertEqual(annotators.map(\.annotator), ["a", "b", "c"])
        let a = annotators[0], c = annotators[2]
        XCTAssertEqual(a.items, 4)
        XCTAssertEqual(a.pairableItems, 3)
        // Item 0: others (b 1, c 2) tie → no majority. Item 1: others 3, 3 → agrees. Item 2: other b 1 → a says 2.
        XCTAssertEqual(a.majorityItems, 2)
        XCTAssertEqual(a.majorityAgreement, 0.5)
        // Bias: item 0: 1 − 1.5; item 1: 3 − 3; item 2: 2 − 1 → (−0.5 + 0 + 1)/3.
        XCTAssertEqual(try XCTUnwrap(a.bias), 0.5 / 3, accuracy: 1e-12)
        // Gold: item 0 agrees (1 = 1), item 1 does not (3 vs 2).
        XCTAssertEqual(a.gold.n, 2)
        XCTAssertEqual(a.gold.agreement, 0.5)
        XCTAssertEqual(c.items, 2)
        XCTAssertEqual(c.pairableItems, 2)
        XCTAssertEqual(c.majorityItems, 2)
        XCTAssertEqual(c.majorityAgreement, 0.5)
        XCTAssertEqual(try XCTUnwrap(c.bias), ((2 - 1) + (3 - 3)) / 2.0, accuracy: 1e-12)
        // Pooled kappa of c vs the others: pairs (2,1), (2,1), (3,3), (3,3) → positions (1,0)×2, (2,2)×2.
        // Rows (0, 2, 2), columns (2, 0, 2): expected off-diagonal = (4·4 − 2·2)/4 = 3; observed 2.
        XCTAssertEqual(try XCTUnwrap(c.kappa.cohenKappa), 1 - 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(c.gold.n, 2)
        XCTAssertEqual(c.gold.agreement, 0)
        let keys = try XCTUnwrap(a.json.objectValue).keys
        XCTAssertEqual(keys, ["items", "pairable_items", "majority_items", "majority_agreement", "cohen_kappa", "cohen_kappa_linear",
                              "cohen_kappa_quadratic", "bias", "gold"])
    }
}
