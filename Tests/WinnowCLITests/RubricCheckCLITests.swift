import Foundation
import XCTest

/// `winnow rubric check` end to end: exit codes, the normalized JSON on stdout, the error on stderr.
final class RubricCheckCLITests: XCTestCase {
    var winnow: WinnowProcess!

    override func setUpWithError() throws {
        winnow = try WinnowProcess()
    }

    override func tearDown() {
        winnow?.remove()
    }

    private func bundled(_ name: String) -> String {
        WinnowProcess.packageRoot.appendingPathComponent("rubrics/\(name)").path
    }

    func testBundledRubricsPassTheCheck() throws {
        for name in ["llava-quality.yaml", "helpsteer.yaml"] {
            let outcome = try winnow.run(["rubric", "check", bundled(name)])
            XCTAssertEqual(outcome.status, 0, name + ": " + outcome.stderr)
            XCTAssertEqual(outcome.stderr, "")
        }
    }

    func testSummaryNamesTheRubricAndEachCriterionWithItsKeys() throws {
        let outcome = try winnow.run(["rubric", "check", bundled("llava-quality.yaml")])
        XCTAssertEqual(outcome.status, 0)
        let lines = outcome.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines.first, "llava-quality version 1.0: 6 criteria")
        XCTAssertTrue(lines.contains("hallucination: Hallucination"), outcome.stdout)
        XCTAssertTrue(lines.contains("  flag, nominal, weight 2, required, false is good"), outcome.stdout)
        XCTAssertTrue(lines.contains("  [0] false: No: everything the answer describes can be seen in the image."), outcome.stdout)
        XCTAssertTrue(lines.contains("  scale, ordinal, weight 0.5, optional, higher is better"), outcome.stdout)
    }

    func testJSONPrintsTheNormalizedRubricOnOneLine() throws {
        let path = try winnow.write("small.yaml", """
            name: small
            version: 3
            instructions: Not printed.
            criteria:
              - id: ok
                title: OK
                question: Is it OK?
                kind: flag
                better: true
                anchors: {true: fine}
              - id: tone
                title: Tone
                question: Which tone?
                kind: choice
                values: [formal, casual]
                scores: [1, 0]
                weight: 2
            """)
        let outcome = try winnow.run(["rubric", "check", path, "--json"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(
            outcome.stdout,
            #"{"name":"small","version":"3","criteria":["#
                + #"{"id":"ok","title":"OK","question":"Is it OK?","kind":"flag","level":"nominal","values":[false,true],"anchors":{"true":"fine"},"weight":1,"required":false,"better":true,"keys":{"false":"0","true":"1"}},"#
                + #"{"id":"tone","title":"Tone","question":"Which tone?","kind":"choice","level":"nominal","values":["formal","casual"],"anchors":{},"weight":2,"required":false,"better":null,"keys":{"formal":"1","casual":"2"},"scores":[1,0]}"#
                + #"],"instructions":"Not printed."}"# + "\n", "the instructions come last (they are not hashed)")
        XCTAssertEqual(outcome.stderr, "")
    }

    func testBadRubricPrintsItsFirstErrorOnStderrAndExitsOne() throws {
        let path = try winnow.write("bad.yaml", """
            name: bad
            version: 1
            criteria:
              - id: q
                title: Q
                question: Q?
                kind: scale
                values: [1, 2, 4, 3]
                wieght: 2
            """)
        let outcome = try winnow.run(["rubric", "check", path, "--json"])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.stdout, "")
        XCTAssertEqual(outcome.stderr, "\(path):9:5: criteria[0].wieght: unknown field 'wieght' (a criterion has: id, title, question, kind, level, values, anchors, weight, required, better, scores, keys)\n")
    }

    func testMissingFileExitsOne() throws {
        let path = winnow.directory.appendingPathComponent("nope.yaml").path
        let outcome = try winnow.run(["rubric", "check", path])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.stdout, "")
        XCTAssertEqual(outcome.stderr, "\(path): no such file\n")
    }
}
