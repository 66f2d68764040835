import Foundation
import XCTest
@testable import WinnowCore
import WinnowTestSupport

/// The report `winnow stats` prints, from labels in a real database.
final class AgreementReportTests: CoreTestCase {
    func testReportUsesCurrentAnnotatorLabelsOnly() throws {
        let ids = try makeItems(["x1", "x2", "x3"])
        let rubric = try TestRubric.rubric()
        let stored = StoredRubric(rubric)
        let log = LabelLog(store: try store)
        @discardableResult func save(_ item: Int, _ who: String, _ quality: Int, role: LabelRole = .annotator, at: String = "2026-01-05T10:00:00Z") throws -> LabelEvent {
            try log.save(itemId: ids[item], annotator: who, role: role, source: role == .imported ? "model" : nil, rubric: stored,
                         scores: #"{"quality":\#(quality),"hallucination":false}"#, activeSeconds: 1, at: at)
        }
        try save(0, "ann", 4)
        try save(0, "bob", 4)
        try save(1, "ann", 2)
        try save(1, "bob", 5)
        try save(1, "bob", 3)  // an edit: the current label is 3
        let undone = try save(2, "bob", 1)
        try log.undo(undone)
        try save(2, "ann", 5, at: "2026-01-12T10:00:00Z")
        try save(2, "lead", 5, role: .gold)
        try save(2, "model", 1, role: .imported)
        try save(0, "lead", 4, role: .gold)

        let labels = try LabelLog(store: store).agreementLabels(rubric: rubric)
        XCTAssertEqual(labels.filter { $0.role == .annotator }.count, 5)
        XCTAssertEqual(labels.filter { $0.role == .gold }.count, 2)

        let report = AgreementReport.make(labels: labels, rubric: rubric, options: AgreementOptions(byAnnotator: true, byWeek: true))
        XCTAssertEqual(report.criteria.map(\.agreement.criterion), ["quality", "hallucination", "tone"])
        let quality = report.criteria[0]
        XCTAssertEqual(quality.agreement.summary.items, 3)
        XCTAssertEqual(quality.agreement.summary.pairableItems, 2)
        XCTAssertEqual(quality.agreement.summary.percentAgreement, 0.5)
        XCTAssertEqual(quality.agreement.pairs.map { "\($0.a)-\($0.b):\($0.n)" }, ["ann-bob:2"])
        XCTAssertEqual(quality.annotators?.map(\.annotator), ["ann", "bob"])
        XCTAssertEqual(quality.annotators?[0].gold.n, 2)
        XCTAssertEqual(quality.annotators?[0].gold.agreement, 1)
        XCTAssertEqual(quality.annotators?[1].gold.n, 1)
        XCTAssertEqual(quality.weeks?.map(\.week), ["2026-W02", "2026-W03"])
        XCTAssertEqual(quality.weeks?.map(\.summary.items), [2, 1])

        // Everyone says hallucination false: no variation.
        let flag = report.criteria[1].agreement.summary
        XCTAssertEqual(flag.percentAgreement, 1)
        XCTAssertNil(flag.fleissKappa)
        XCTAssertEqual(flag.gwetAC1, 1)
        XCTAssertNil(flag.alpha(.nominal))
        // Nobody chose a tone.
        let tone = report.criteria[2].agreement
        XCTAssertEqual(tone.summary.items, 0)
        XCTAssertEqual(tone.alphaInterval, BootstrapInterval(low: nil, high: nil, undefined: 1000))

        let json = try XCTUnwrap(report.json.objectValue?["criteria"]?.objectValue)
        XCTAssertEqual(json.keys, ["quality", "hallucination", "tone"])
        XCTAssertEqual(json["quality"]?.objectValue?.keys, [
            "percent_agreement", "fleiss_kappa", "gwet_ac1", "krippendorff_alpha", "pairs", "ci", "items", "pairable_items",
            "verdict", "labels_by_mode", "by_annotator", "by_week",
        ])
        XCTAssertEqual(json["quality"]?.objectValue?["krippendorff_alpha"]?.objectValue?.keys, ["nominal", "ordinal", "interval"])
        XCTAssertEqual(json["tone"]?.objectValue?["krippendorff_alpha"]?.serialized(), #"{"nominal":null}"#)
        XCTAssertEqual(json["tone"]?.objectValue?["ci"]?.serialized(),
                       #"{"krippendorff_alpha":{"level":"nominal","low":null,"high":null,"undefined":1000},"gwet_ac1":{"low":null,"high":null,"undefined":1000}}"#)

        let only = AgreementReport.make(labels: labels, rubric: rubric, options: AgreementOptions(criterion: "quality"))
        XCTAssertEqual(only.criteria.map(\.agreement), [quality.agreement])
    }

    func testLatestRubricIsReadBackFromTheDatabase() throws {
        XCTAssertNil(try LabelLog(store: store).latestAnnotatorRubric())
        let ids = try makeItems(["x1"])
        let rubric = try TestRubric.rubric()
        try LabelLog(store: try store).save(
            itemId: ids[0], annotator: "ann", rubric: StoredRubric(rubric), scores: #"{"quality":3,"hallucination":true}"#,
            activeSeconds: 0)
        let latest = try XCTUnwrap(try LabelLog(store: store).latestAnnotatorRubric())
        XCTAssertEqual(latest.contentHash, rubric.contentHash)
        XCTAssertEqual(latest.criteria.map(\.id), ["quality", "hallucination", "tone"])
    }

    func testNormalizedJSONRoundTripsTheBundledRubrics() throws {
        for name in ["llava-quality.yaml", "helpsteer.yaml"] {
            let rubric = try Rubric.load(path: Self.packageRoot.appendingPathComponent("rubrics/\(name)").path)
            let back = try Rubric(normalizedJSON: rubric.normalizedJSON)
            XCTAssertEqual(back.normalizedJSON, rubric.normalizedJSON, name)
            XCTAssertEqual(back.criteria, rubric.criteria, name)
        }
        XCTAssertThrowsError(try Rubric(normalizedJSON: "[]"))
        XCTAssertThrowsError(try Rubric(normalizedJSON: #"{"name":"x","version":"1","criteria":[{"id":"a","kind":"scale","level":"ordinal","values":["no"]}]}"#))
    }
}
