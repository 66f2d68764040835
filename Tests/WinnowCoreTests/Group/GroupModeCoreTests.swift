import Foundation
import GRDB
@_spi(Testing) @testable import WinnowCore
import WinnowTestSupport
import XCTest

/// Group mode in the core: the `rank` kind, saving a group's labels together, the group queue and server,
/// Kendall's W, and the exports that use rankings.
final class GroupModeCoreTests: CoreTestCase {
    static let rankRubric = """
        name: ranked
        version: "1"
        criteria:
          - id: quality
            title: Quality
            question: How good?
            kind: scale
            values: [1, 2, 3, 4, 5]
            required: true
          - id: order
            title: Order
            question: Best to worst?
            kind: rank
            required: true
        """

    /// One record with one gpt turn of `n` candidate answers, per id.
    func importCandidates(_ ids: [String], n: Int = 3) throws {
        let records = ids.map { id in
            JSONValue.object(JSONObject([
                "id": .string(id),
                "conversations": .array([
                    .object(JSONObject(["from": .string("human"), "value": .string("What is in picture \(id)?")])),
                    .object(JSONObject(["from": .string("gpt"), "value": .array((0..<n).map { .string("answer \($0) of \(id) word\($0)") })])),
                ]),
            ])).serialized()
        }
        try runImport([try sandbox.write("candidates.json", "[" + records.joined(separator: ",") + "]")])
    }

    // MARK: the rank kind

    func testRankCriterionParsesWithImpliedPlacesAndStaysOutOfTheOverallScore() throws {
        let rubric = try Rubric.parse(yaml: Self.rankRubric, file: "r.yaml")
        let rank = try XCTUnwrap(rubric.criterion("order"))
        XCTAssertEqual(rank.kind, .rank)
        XCTAssertEqual(rank.level, .ordinal)
        XCTAssertEqual(rank.values, (1...9).map { .number(Double($0)) })
        XCTAssertTrue(rank.keys.isEmpty)
        XCTAssertFalse(rank.counts)
        XCTAssertNil(rank.normalizedScore(of: .number(1)))
        XCTAssertEqual(rank.value(from: .number(2)), .number(2))
        XCTAssertNil(rank.value(from: .number(12)))
        // The overall score ignores the place.
        XCTAssertEqual(rubric.overallScore(["quality": .number(5), "order": .number(3)]), 1)
        XCTAssertTrue(rubric.normalizedJSON.contains(#""kind":"rank""#))
        XCTAssertEqual(rubric.withoutRankings.criteria.map(\.id), ["quality"])
    }

    func testRankRefusesValuesKeysWeightAndANonOrdinalLevel() {
        for (field, text) in [("values", "    values: [1, 2]\n"), ("keys", "    keys: {1: a}\n"), ("weight", "    weight: 1\n"),
                              ("better", "    better: lower\n")] {
            let yaml = RubricFixture.oneCriterion("    title: A\n    question: Q?\n    kind: rank\n" + text)
            let message = RubricFixture.error(yaml) ?? ""
            XCTAssertTrue(message.contains("a rank has no \(field)"), message)
        }
        let nominal = RubricFixture.error(RubricFixture.oneCriterion("    title: A\n    question: Q?\n    kind: rank\n    level: nominal\n")) ?? ""
        XCTAssertTrue(nominal.contains("a rank is ordinal"), nominal)
        let unknown = RubricFixture.error(RubricFixture.oneCriterion("    title: A\n    question: Q?\n    kind: ranking\n")) ?? ""
        XCTAssertTrue(unknown.contains("scale, choice, flag or rank"), unknown)
    }

    // MARK: saving a group

    func testSaveGroupWritesEveryCandidateInGroupModeWithTheTimeSplitEvenly() throws {
        try importCandidates(["r1"])
        let rubric = try Rubric.parse(yaml: Self.rankRubric, file: "r.yaml")
        let ids = try store.groupMembers("turn:r1/t0")
        XCTAssertEqual(ids.count, 3)
        let members = ids.enumerated().map { i, id in
            LabelLog.GroupMember(itemId: id, scores: LabelLog.scoresJSON(["quality": .number(Double(i + 1)), "order": .number(Double(3 - i))], rubric: rubric))
        }
        let events = try store.testWrite { db in
            try LabelLog.saveGroup(db, members: members, annotator: "ana", rubric: StoredRubric(rubric), activeSeconds: 9)
        }
        XCTAssertEqual(events.map(\.mode), [.group, .group, .group])
        XCTAssertEqual(events.map(\.activeSeconds), [3, 3, 3])
        let stored = try store.labelEvents()
        XCTAssertEqual(stored.map(\.mode), [.group, .group, .group])
        XCTAssertEqual(try store.labelModeCounts(rubricHash: rubric.contentHash), [.group: 3])
        // Undone together, in one transaction.
        try LabelLog(store: store).undo(events)
        XCTAssertTrue(try LabelLog(store: store).currentLabels().isEmpty)
        XCTAssertEqual(try store.labelEvents().filter { $0.action == .undo }.count, 3)
    }

    func testAGroupSaveThatFailsPartWayWritesNothing() throws {
        try importCandidates(["r1"])
        let rubric = try Rubric.parse(yaml: Self.rankRubric, file: "r.yaml")
        let ids = try store.groupMembers("turn:r1/t0")
        var members = ids.map { LabelLog.GroupMember(itemId: $0, scores: #"{"quality":3}"#) }
        members[2].itemId = 999_999  // no such item: the foreign key fails on the last insert
        XCTAssertThrowsError(try store.testWrite { db in
            try LabelLog.saveGroup(db, members: members, annotator: "ana", rubric: StoredRubric(rubric), activeSeconds: 3)
        })
        XCTAssertEqual(try count("label_event"), 0)
    }

    // MARK: the group queue

    func testOrderUncertaintyIsOneForACoinFlipAndNearZeroWhenFarApart() throws {
        let same = GroupQueue.orderUncertainty([.init(mean: 0.5, std: 0.1), .init(mean: 0.5, std: 0.1)])
        XCTAssertEqual(try XCTUnwrap(same), 1, accuracy: 1e-9)
        let apart = GroupQueue.orderUncertainty([.init(mean: 0.1, std: 0.01), .init(mean: 0.9, std: 0.01)])
        XCTAssertLessThan(try XCTUnwrap(apart), 1e-6)
        XCTAssertNil(GroupQueue.orderUncertainty([.init(mean: 0.1, std: 0.01), nil]))
    }

    func testModelOrderPutsTheLeastCertainOrderFirstAndExploresTheGivenShare() {
        var groups: [(group: String, members: [Int64])] = []
        for g in 0..<10 {
            let first = Int64(g) * 2
            groups.append((group: "g\(g)", members: [first, first + 1]))
        }
        // Group g's two candidates are g/10 apart: group 0 is a coin flip, group 9 nearly sure.
        let estimate: (Int64) -> Prediction.Estimate? = { id in
            let g = Double(id / 2)
            return .init(mean: id % 2 == 0 ? 0.5 : 0.5 + g / 10, std: 0.05)
        }
        let plain = GroupQueue.order(groups: groups, estimate: estimate, modelVersion: 1, spreadOrder: [], exploreFraction: 0, seed: 1)
        XCTAssertEqual(plain.map(\.group), (0..<10).map { "g\($0)" })
        XCTAssertEqual(plain.map(\.reason), Array(repeating: .uncertainty, count: 10))
        let explored = GroupQueue.order(groups: groups, estimate: estimate, modelVersion: 1, spreadOrder: [], exploreFraction: 0.3, seed: 1)
        XCTAssertEqual(explored.filter { $0.reason == .explore }.count, 3)
        XCTAssertEqual(Set(explored.map(\.group)).count, 10)
        let cold = GroupQueue.order(groups: groups, estimate: nil, modelVersion: nil, spreadOrder: [19, 18, 5, 0], exploreFraction: 0, seed: 1)
        XCTAssertEqual(cold.prefix(3).map(\.group), ["g9", "g2", "g0"])
        XCTAssertEqual(cold.map(\.reason), Array(repeating: .coldStart, count: 10))
    }

    func testTwoAnnotatorsAreNotServedTheSameGroupAndSavedGroupsAreNotServedAgain() throws {
        try importCandidates(["r1", "r2"])
        _ = try makeItems(["single"])  // a group of one: not served in group mode
        let a = try GroupServer(store: store, annotator: "ana")
        let b = try GroupServer(store: store, annotator: "ben")
        XCTAssertEqual(a.entries.count, 2)
        let first = try XCTUnwrap(try a.next())
        let second = try XCTUnwrap(try b.next())
        XCTAssertNotEqual(first.group, second.group)
        XCTAssertEqual(first.members.count, 3)
        XCTAssertNil(try b.next(), "ana holds the other group")
        let rubric = try Rubric.parse(yaml: Self.rankRubric, file: "r.yaml")
        let (_, next) = try a.saveAndNext(current: first) { db in
            try LabelLog.saveGroup(db, members: first.members.map { .init(itemId: $0, scores: #"{"quality":3}"#) }, annotator: "ana",
                                   rubric: StoredRubric(rubric), activeSeconds: 1)
        }
        XCTAssertNil(next, "the only other group is ben's")
        // A new session of ana's is not served the group she saved.
        let again = try GroupServer(store: store, annotator: "ana")
        XCTAssertNil(try again.next())
    }

    func testOverlapGroupsGoToMinAnnotatorsPeopleAndOthersStartedFirst() throws {
        try importCandidates(["r1", "r2", "r3"])
        try Config(store: store).set("overlap", "1")
        let rubric = try Rubric.parse(yaml: Self.rankRubric, file: "r.yaml")
        let ana = try GroupServer(store: store, annotator: "ana")
        let served = try XCTUnwrap(try ana.next())
        _ = try ana.saveAndNext(current: served, serveNext: false) { db in
            try LabelLog.saveGroup(db, members: served.members.map { .init(itemId: $0, scores: #"{"quality":3}"#) }, annotator: "ana",
                                   rubric: StoredRubric(rubric), activeSeconds: 1)
        }
        let ben = try GroupServer(store: store, annotator: "ben")
        let benFirst = try XCTUnwrap(try ben.next())
        XCTAssertEqual(benFirst.group, served.group, "the group ana graded comes first, for agreement")
        XCTAssertEqual(benFirst.reason, .overlap)
        _ = try ben.saveAndNext(current: benFirst, serveNext: false) { db in
            try LabelLog.saveGroup(db, members: benFirst.members.map { .init(itemId: $0, scores: #"{"quality":4}"#) }, annotator: "ben",
                                   rubric: StoredRubric(rubric), activeSeconds: 1)
        }
        // Two people (min_annotators) have it now: a third is not served it.
        let cy = try GroupServer(store: store, annotator: "cy")
        var groups: [String] = []
        while let next = try cy.next() {
            groups.append(next.group)
            try cy.skip(next)
            if groups.count > 5 { break }
        }
        XCTAssertFalse(groups.contains(served.group))
    }

    func testResumableGroupIsTheOneLeftUnsaved() throws {
        try importCandidates(["r1", "r2"])
        let first = try XCTUnwrap(try GroupServer(store: store, annotator: "ana").next())
        let resumed = try XCTUnwrap(try GroupServer(store: store, annotator: "ana").resumable())
        XCTAssertEqual(resumed.group, first.group)
        XCTAssertEqual(resumed.members, first.members)
        XCTAssertEqual(resumed.reason, .resumed)
    }

    // MARK: Kendall's W

    func testKendallWIsOneForTheSameOrderAndZeroForOppositeOrders() throws {
        let same = KendallW.compute(["g": ["a": ["x": 1, "y": 2, "z": 3], "b": ["x": 1, "y": 2, "z": 3]]])
        XCTAssertEqual(try XCTUnwrap(same).mean, 1, accuracy: 1e-12)
        let opposite = KendallW.compute(["g": ["a": ["x": 1, "y": 2, "z": 3], "b": ["x": 3, "y": 2, "z": 1]]])
        XCTAssertEqual(try XCTUnwrap(opposite).mean, 0, accuracy: 1e-12)
        XCTAssertNil(KendallW.compute(["g": ["a": ["x": 1, "y": 2]]]), "one rater: undefined")
        // An incomplete ranking does not count.
        XCTAssertNil(KendallW.compute(["g": ["a": ["x": 1, "y": 2, "z": 3], "b": ["x": 1]]]))
    }

    func testKendallWTextbookValue() throws {
        // Three raters, four items: place sums 4, 6, 9, 11 around m(n+1)/2 = 7.5, so S = 29 and
        // W = 12·29 / (3²·(4³ − 4)) = 348/540.
        let w = KendallW.compute(["g": [
            "a": ["p": 1, "q": 2, "r": 3, "s": 4], "b": ["p": 1, "q": 3, "r": 2, "s": 4], "c": ["p": 2, "q": 1, "r": 4, "s": 3],
        ]])
        XCTAssertEqual(try XCTUnwrap(w).mean, 348.0 / 540.0, accuracy: 1e-12)
        XCTAssertEqual(w?.groups, 1)
    }
}
