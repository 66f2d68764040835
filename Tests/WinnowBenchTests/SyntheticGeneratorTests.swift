import Foundation
import XCTest
@_spi(Testing) @testable import WinnowCore
@testable import WinnowBench
import WinnowTestSupport

/// The one synthetic generator behind `winnow bench` and `winnow simulate --synthetic`.
final class SyntheticGeneratorTests: CoreTestCase {
    func testConfoundsParseByNameAndRefuseUnknownNames() {
        XCTAssertEqual(SyntheticGenerator.Confounds(parsing: "all"), .all)
        XCTAssertEqual(SyntheticGenerator.Confounds(parsing: "none"), [])
        XCTAssertEqual(SyntheticGenerator.Confounds(parsing: "group,hidden"), [.group, .hidden])
        XCTAssertEqual(SyntheticGenerator.Confounds(parsing: "length"), .length)
        XCTAssertNil(SyntheticGenerator.Confounds(parsing: "lenght"))
        XCTAssertNil(SyntheticGenerator.Confounds(parsing: ""))
        XCTAssertEqual(SyntheticGenerator.Confounds.all.names, ["group", "length", "hidden"])
    }

    /// The bench's labels are the generated records' true scores, recomputed from the record's index: the
    /// same as generating the record again, and different between records.
    func testBenchTruthFollowsTheRecordAndRepeatsShareTheirScene() throws {
        let bench = BenchDataGenerator()
        let rubric = try BenchModelSteps.rubric()
        var seen: Set<String> = []
        for index in 0..<400 {
            let record = bench.record(index)
            XCTAssertEqual(bench.truth(recordIndex: index, rubric: rubric), SyntheticGenerator.scores(record.defects, rubric: rubric))
            let truth = bench.truth(recordIndex: index, rubric: rubric)
            for c in rubric.criteria { XCTAssertTrue(c.values.contains(try XCTUnwrap(truth[c.id])), "\(index) \(c.id)") }
            seen.insert(LabelLog.scoresJSON(truth, rubric: rubric))
            if record.repeated {
                XCTAssertTrue((0..<index).contains { bench.record($0).image == record.image && !bench.record($0).repeated })
            }
        }
        XCTAssertGreaterThan(seen.count, 10, "the records' true scores vary")
        XCTAssertNotEqual(BenchDataGenerator(seed: 1).record(5).turns.map(\.1), bench.record(5).turns.map(\.1))
    }

    /// Answers state what the captions state; positions are stated but never captioned (the hidden
    /// confound), and the wrong ones cost correctness.
    func testHiddenConfoundStatesPositionsNoCaptionShows() throws {
        let pool = SyntheticPool.generate(items: 800, seed: 4)
        let captions = try XCTUnwrap(pool.captions.objectValue?["annotations"]?.arrayValue).compactMap { $0.objectValue?["caption"]?.stringValue }
        for position in Vocabulary.positions { XCTAssertFalse(captions.contains { $0.contains(position) }, position) }
        let answers = pool.records.flatMap { $0.objectValue!["conversations"]!.arrayValue![1].objectValue!["value"]!.arrayValue! }
        let withPosition = answers.filter { a in Vocabulary.positions.contains { a.stringValue!.contains("is \($0).") } }
        XCTAssertGreaterThan(withPosition.count, 100)
        let easy = SyntheticPool.generate(items: 800, seed: 4, confounds: .none)
        let easyAnswers = easy.records.flatMap { $0.objectValue!["conversations"]!.arrayValue![1].objectValue!["value"]!.arrayValue! }
        XCTAssertFalse(easyAnswers.contains { a in Vocabulary.positions.contains { a.stringValue!.contains("is \($0).") && !a.stringValue!.contains("There is also") } })
    }

    /// With the group confound the questions differ in quality (more of the variance lies between groups
    /// than sampling alone puts there); with the length confound padding appears, more of it where the
    /// answers are worse, so length alone orders the pool worse than without it.
    func testGroupAndLengthConfoundsChangeThePoolAsDocumented() throws {
        func stats(_ pool: SyntheticPool) -> (groupSpread: Double, lengthPairwise: Double, padded: Int) {
            var groups: [String: [(length: Double, quality: Double)]] = [:]
            var padded = 0
            for record in pool.records {
                let object = record.objectValue!
                let id = object["id"]!.stringValue!
                let answers = object["conversations"]!.arrayValue![1].objectValue!["value"]!.arrayValue!
                for (k, a) in answers.enumerated() {
                    let text = a.stringValue!
                    if Vocabulary.padding.contains(where: text.contains) { padded += 1 }
                    groups[id, default: []].append((Double(text.count), pool.quality["\(id)/t0/c\(k)"]!))
                }
            }
            // The share of the quality's variance that lies between groups.
            let means = groups.values.map { g in g.map(\.quality).reduce(0, +) / Double(g.count) }
            let mean = means.reduce(0, +) / Double(means.count)
            let all = groups.values.flatMap { $0.map(\.quality) }
            let total = all.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(all.count)
            let spread = means.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(means.count) / total
            var right = 0.0, pairs = 0.0
            for g in groups.values {
                for i in g.indices { for j in g.indices where i < j && g[i].quality != g[j].quality {
                    pairs += 1
                    if g[i].length == g[j].length { right += 0.5 }
                    else if (g[i].length > g[j].length) == (g[i].quality > g[j].quality) { right += 1 }
                } }
            }
            return (spread, right / pairs, padded)
        }
        let hard = stats(SyntheticPool.generate(items: 2000, seed: 2))
        let easy = stats(SyntheticPool.generate(items: 2000, seed: 2, confounds: .none))
        let groupOnly = stats(SyntheticPool.generate(items: 2000, seed: 2, confounds: .group))
        XCTAssertGreaterThan(groupOnly.groupSpread, easy.groupSpread * 1.4, "a question-level quality")
        XCTAssertEqual(easy.padded, 0)
        XCTAssertGreaterThan(hard.padded, 200)
        XCTAssertLessThan(hard.lengthPairwise, easy.lengthPairwise, "padding blurs what length says")
    }
}
