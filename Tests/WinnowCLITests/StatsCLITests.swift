import Foundation
import XCTest
import WinnowCore

/// `winnow stats`: agreement statistics from labels brought in with `labels import`.
final class StatsCLITests: CLITestCase {
    /// A choice, an ordinal scale, an interval scale with uneven values, and a flag.
    static let rubric = """
        name: stats-test
        version: "1"
        criteria:
          - id: tone
            title: Tone
            question: What is the tone?
            kind: choice
            values: [friendly, neutral, rude]
          - id: quality
            title: Quality
            question: How good is it?
            kind: scale
            values: [1, 2, 3, 4, 5]
            better: higher
          - id: length
            title: Length
            question: How much too long is it?
            kind: scale
            level: interval
            values: [0, 0.5, 2, 10]
            better: lower
          - id: hallucination
            title: Hallucination
            question: Does it make things up?
            kind: flag
            better: false

        """

    static let items = (1...6).map { #"{"id": "i\#($0)", "instruction": "Say something \#($0).", "output": "Something \#($0)."}"# }

    /// (item, annotator, role, tone, quality, length, at). Everyone says hallucination false.
    static let labels: [(String, String, String, String, Int, Double, String)] = [
        ("i1", "ann", "annotator", "friendly", 4, 0.5, "2026-01-05T09:00:00Z"),
        ("i2", "ann", "annotator", "neutral", 2, 2, "2026-01-05T09:01:00Z"),
        ("i3", "ann", "annotator", "friendly", 5, 0.5, "2026-01-05T09:02:00Z"),
        ("i4", "ann", "annotator", "rude", 1, 10, "2026-01-05T09:03:00Z"),
        ("i5", "ann", "annotator", "neutral", 3, 0, "2026-01-05T09:04:00Z"),
        ("i1", "bob", "annotator", "friendly", 4, 0.5, "2026-01-13T10:00:00Z"),
        ("i2", "bob", "annotator", "neutral", 2, 0.5, "2026-01-13T10:01:00Z"),
        ("i3", "bob", "annotator", "friendly", 4, 0.5, "2026-01-13T10:02:00Z"),
        ("i6", "bob", "annotator", "friendly", 5, 0, "2026-01-13T10:03:00Z"),
        ("i1", "cy", "annotator", "friendly", 5, 2, "2026-01-14T08:00:00Z"),
        ("i3", "cy", "annotator", "neutral", 5, 0.5, "2026-01-14T08:01:00Z"),
        ("i4", "cy", "annotator", "rude", 2, 10, "2026-01-14T08:02:00Z"),
        ("i1", "lead", "gold", "friendly", 4, 0.5, "2026-01-15T08:00:00Z"),
        ("i4", "lead", "gold", "rude", 1, 10, "2026-01-15T08:01:00Z"),
    ]

    private var rubricPath = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        rubricPath = try winnow.write("stats-test.yaml", Self.rubric)
        try succeed(["import", try winnow.write("items.jsonl", Self.items.joined(separator: "\n") + "\n")])
        var lines = Self.labels.map { l in
            #"{"item": "\#(l.0)", "annotator": "\#(l.1)", "role": "\#(l.2)", "scores": {"tone": "\#(l.3)", "quality": \#(l.4), "#
                + #""length": \#(JSONValue.number(l.5).serialized()), "hallucination": false}, "at": "\#(l.6)"}"#
        }
        // Imported scores are never raters.
        lines.append(#"{"item": "i5", "annotator": "gpt", "role": "imported", "scores": {"quality": 1, "tone": "rude"}}"#)
        try succeed(["labels", "import", try winnow.write("labels.jsonl", lines.joined(separator: "\n") + "\n"), "--rubric", rubricPath])
    }

    /// Reference values from krippendorff 0.9, scikit-learn 1.9 and irrCAC 0.4 on the same ratings
    /// (Tests/reference/agreement_reference.py).
    static let expected: [String: [String: Double?]] = [
        "tone": ["percent_agreement": 5.0 / 6, "fleiss_kappa": 0.732673267327, "gwet_ac1": 0.757847533632, "alpha.nominal": 0.7096774193548387],
        "quality": ["percent_agreement": 5.0 / 12, "fleiss_kappa": 0.236363636364, "gwet_ac1": 0.278969957082, "alpha.nominal": 0.25,
                    "alpha.ordinal": 0.7411764705882353, "alpha.interval": 0.8676470588235294],
        "length": ["percent_agreement": 7.0 / 12, "fleiss_kappa": 0.41431670282, "gwet_ac1": 0.453809844909, "alpha.nominal": 0.3571428571428571,
                   "alpha.ordinal": 0.55, "alpha.interval": 0.9703513909224012],
        "hallucination": ["percent_agreement": 1, "fleiss_kappa": nil, "gwet_ac1": 1, "alpha.nominal": nil],
    ]

    func testJSONHasTheKeysAndTheReferenceValues() throws {
        let outcome = try succeed(["stats", "--json", "--rubric", rubricPath])
        let criteria = try XCTUnwrap(try json(outcome.stdout).objectValue?["criteria"]?.objectValue)
        XCTAssertEqual(criteria.keys, ["tone", "quality", "length", "hallucination"], "rubric order")
        for member in criteria.members {
            let id = member.key
            let c = try XCTUnwrap(member.value.objectValue, id)
            XCTAssertEqual(c.keys, ["percent_agreement", "fleiss_kappa", "gwet_ac1", "krippendorff_alpha", "pairs", "ci", "items", "pairable_items", "verdict", "labels_by_mode"], id)
            XCTAssertEqual(try XCTUnwrap(c["krippendorff_alpha"]?.objectValue).keys,
                           id == "quality" || id == "length" ? ["nominal", "ordinal", "interval"] : ["nominal"], id)
            for (name, reference) in Self.expected[id]! {
                let parts = name.split(separator: ".")
                let actual = parts.count == 2 ? c["krippendorff_alpha"]?.objectValue?[String(parts[1])] : c[name]
                if let reference {
                    XCTAssertEqual(try XCTUnwrap(actual?.doubleValue, "\(id).\(name)"), reference, accuracy: 1e-9, "\(id).\(name)")
                } else {
                    XCTAssertEqual(actual, .null, "\(id).\(name)")
                }
            }
            // ann, bob, cy rated i1–i6 (not gold, not imported): 6 items, 4 rated twice or more.
            XCTAssertEqual(c["items"], .number(6), id)
            XCTAssertEqual(c["pairable_items"], .number(4), id)
            let ci = try XCTUnwrap(c["ci"]?.objectValue, id)
            XCTAssertEqual(ci.keys, ["krippendorff_alpha", "gwet_ac1"])
            let alphaCI = try XCTUnwrap(ci["krippendorff_alpha"]?.objectValue)
            XCTAssertEqual(alphaCI.keys, ["level", "low", "high", "undefined"])
            XCTAssertEqual(alphaCI["level"]?.stringValue, ["quality": "ordinal", "length": "interval"][id] ?? "nominal")
            XCTAssertEqual(try XCTUnwrap(ci["gwet_ac1"]?.objectValue).keys, ["low", "high", "undefined"])
            if let low = alphaCI["low"]?.doubleValue, let high = alphaCI["high"]?.doubleValue {
                XCTAssertLessThanOrEqual(low, high, id)
            }
        }
        // Alpha is undefined for hallucination in every resample; AC1 is 1 whenever a resample has a pairable item.
        let flagCI = try XCTUnwrap(criteria["hallucination"]?.objectValue?["ci"]?.objectValue)
        XCTAssertEqual(flagCI["krippendorff_alpha"]?.serialized(), #"{"level":"nominal","low":null,"high":null,"undefined":1000}"#)
        XCTAssertEqual(flagCI["gwet_ac1"]?.objectValue?["low"], .number(1))
        XCTAssertEqual(flagCI["gwet_ac1"]?.objectValue?["high"], .number(1))

        // Pairs: weighted kappas only for the scales.
        let quality = try XCTUnwrap(criteria["quality"]?.objectValue?["pairs"]?.arrayValue)
        XCTAssertEqual(quality.map { $0.objectValue?.keys ?? [] }, Array(repeating: ["a", "b", "n", "cohen_kappa", "cohen_kappa_linear", "cohen_kappa_quadratic"], count: 3))
        XCTAssertEqual(quality[0].serialized(), #"{"a":"ann","b":"bob","n":3,"cohen_kappa":0.5,"cohen_kappa_linear":0.7272727272727273,"cohen_kappa_quadratic":0.8695652173913043}"#)
        XCTAssertEqual(try XCTUnwrap(quality[1].objectValue?["cohen_kappa_quadratic"]?.doubleValue), 0.875, accuracy: 1e-12)
        XCTAssertEqual(quality[2].serialized(), #"{"a":"bob","b":"cy","n":2,"cohen_kappa":0,"cohen_kappa_linear":0,"cohen_kappa_quadratic":0}"#)
        let tone = try XCTUnwrap(criteria["tone"]?.objectValue?["pairs"]?.arrayValue)
        XCTAssertEqual(tone[0].serialized(), #"{"a":"ann","b":"bob","n":3,"cohen_kappa":1}"#)
        XCTAssertEqual(try XCTUnwrap(tone[1].objectValue?["cohen_kappa"]?.doubleValue), 0.5, accuracy: 1e-12)
        XCTAssertEqual(criteria["hallucination"]?.objectValue?["pairs"]?.arrayValue?.first?.serialized(),
                       #"{"a":"ann","b":"bob","n":3,"cohen_kappa":null}"#)
    }

    func testTheRubricDefaultsToTheOneOfTheLatestLabelAndTheSeedIsReproducible() throws {
        let given = try succeed(["stats", "--json", "--rubric", rubricPath]).stdout
        XCTAssertEqual(try succeed(["stats", "--json"]).stdout, given)
        XCTAssertEqual(try succeed(["stats", "--json", "--seed", "0"]).stdout, given)
        XCTAssertNotEqual(try succeed(["stats", "--json", "--seed", "5"]).stdout, given, "another seed, other resamples")
        let one = try json(try succeed(["stats", "--json", "--criterion", "length"]).stdout)
        XCTAssertEqual(one.objectValue?["criteria"]?.objectValue?.keys, ["length"])
        XCTAssertEqual(one.objectValue?["criteria"]?.objectValue?["length"],
                       try json(given).objectValue?["criteria"]?.objectValue?["length"], "a criterion's numbers do not depend on the others")
    }

    func testByAnnotatorAndByWeek() throws {
        let outcome = try succeed(["stats", "--json", "--criterion", "quality", "--by", "annotator", "--by", "week"])
        let quality = try XCTUnwrap(try json(outcome.stdout).objectValue?["criteria"]?.objectValue?["quality"]?.objectValue)
        XCTAssertEqual(Array(quality.keys.suffix(2)), ["by_annotator", "by_week"])
        let annotators = try XCTUnwrap(quality["by_annotator"]?.objectValue)
        XCTAssertEqual(annotators.keys, ["ann", "bob", "cy"])
        let ann = try XCTUnwrap(annotators["ann"]?.objectValue)
        XCTAssertEqual(ann.keys, ["items", "pairable_items", "majority_items", "majority_agreement", "cohen_kappa", "cohen_kappa_linear",
                                  "cohen_kappa_quadratic", "bias", "gold"])
        XCTAssertEqual(ann["items"], .number(5))
        XCTAssertEqual(ann["pairable_items"], .number(4))
        // i1: 4 − 4.5; i2: 2 − 2; i3: 5 − 4.5; i4: 1 − 2.
        XCTAssertEqual(ann["bias"], .number(-0.25))
        XCTAssertEqual(ann["gold"]?.serialized(), #"{"n":2,"agreement":1,"cohen_kappa":1,"cohen_kappa_linear":1,"cohen_kappa_quadratic":1,"below_control_min_agreement":false}"#)
        XCTAssertEqual(annotators["cy"]?.objectValue?["gold"]?.objectValue?["agreement"], .number(0))
        // Majority of the others, for ann: i1 (4, 5) and i3 (4, 5) tie; i2: 2 = 2; i4: cy's 2 ≠ 1.
        XCTAssertEqual(ann["majority_items"], .number(2))
        XCTAssertEqual(ann["majority_agreement"], .number(0.5))

        let weeks = try XCTUnwrap(quality["by_week"]?.objectValue)
        XCTAssertEqual(weeks.keys, ["2026-W02", "2026-W03"])
        XCTAssertEqual(weeks["2026-W02"]?.serialized(),
                       #"{"percent_agreement":null,"fleiss_kappa":null,"gwet_ac1":null,"krippendorff_alpha":{"nominal":null,"ordinal":null,"interval":null},"items":5,"pairable_items":0}"#)
        XCTAssertEqual(weeks["2026-W03"]?.objectValue?["items"], .number(5))
        XCTAssertEqual(weeks["2026-W03"]?.objectValue?["pairable_items"], .number(2))
        XCTAssertEqual(weeks["2026-W03"]?.objectValue?["percent_agreement"], .number(0))
    }

    func testTextIsATableWithPairsBelow() throws {
        let text = try succeed(["stats", "--by", "annotator", "--by", "week"]).stdout
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("rubric stats-test 1 "), lines[0])
        let header = try XCTUnwrap(lines.first { $0.hasPrefix("criterion") })
        for column in ["items", "pairable", "agree", "fleiss κ", "AC1", "α nominal", "α ordinal", "α interval"] {
            XCTAssertTrue(header.contains(column), column)
        }
        let rows = lines.drop { !$0.hasPrefix("criterion") }.dropFirst().prefix(4)
        XCTAssertEqual(rows.map { String($0.prefix { $0 != " " }) }, ["tone", "quality", "length", "hallucination"])
        let quality = try XCTUnwrap(rows.first { $0.hasPrefix("quality") })
        XCTAssertTrue(quality.contains("0.417"), quality)  // percent agreement 5/12
        XCTAssertTrue(quality.contains("0.741"), quality)  // ordinal alpha
        let hallucination = try XCTUnwrap(rows.first { $0.hasPrefix("hallucination") })
        XCTAssertTrue(hallucination.contains("n/a"), hallucination)
        XCTAssertTrue(text.contains("quality: Cohen's kappa per annotator pair"))
        XCTAssertTrue(lines.contains { $0.hasPrefix("  ann") && $0.contains("bob") && $0.contains("0.500") && $0.contains("0.870") })
        XCTAssertTrue(text.contains("quality: each annotator against the others and against gold"))
        XCTAssertTrue(text.contains("quality: by ISO week of the label"))
        XCTAssertTrue(lines.contains { $0.hasPrefix("  2026-W03") })
        XCTAssertFalse(lines.contains { $0.hasSuffix(" ") }, "no trailing blanks")
    }

    func testErrors() throws {
        let bad = try winnow.run(["stats", "--criterion", "nope"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("no criterion 'nope' in rubric stats-test (tone, quality, length, hallucination)"), bad.stderr)

        // A path with no database is an error, and no file is made there.
        let missing = winnow.directory.appendingPathComponent("missing.sqlite").path
        let absent = try winnow.run(["stats", "--db", missing, "--rubric", rubricPath])
        XCTAssertNotEqual(absent.status, 0)
        XCTAssertTrue(absent.stderr.contains("no database at \(missing); `winnow import` creates one"), absent.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing))

        let empty = winnow.directory.appendingPathComponent("empty.sqlite").path
        _ = try Store(path: empty)
        let none = try winnow.run(["stats", "--db", empty])
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.stderr.contains("give --rubric"), none.stderr)
        // With a rubric, an empty database reports every criterion as undefined.
        let criteria = try json(try succeed(["stats", "--db", empty, "--json", "--rubric", rubricPath]).stdout)
        XCTAssertEqual(criteria.objectValue?["criteria"]?.objectValue?["tone"]?.objectValue?["items"], .number(0))
        XCTAssertEqual(criteria.objectValue?["criteria"]?.objectValue?["tone"]?.objectValue?["fleiss_kappa"], .null)
    }
}
