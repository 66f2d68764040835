import Foundation
import XCTest
@testable import WinnowCore
import WinnowTestSupport

/// Compares Winnow's agreement statistics with the reference packages on random data:
/// Krippendorff's alpha (nominal, ordinal, interval) with `krippendorff`, Cohen's kappa (unweighted,
/// linear, quadratic) with scikit-learn, Fleiss' kappa and Gwet's AC1 with irrCAC (asked for 12
/// digits), all to 1e-9. The numbers come from `python3 Tests/reference/agreement_reference.py`.
///
/// Without the Python packages the test fails when `CI=true` and is skipped otherwise
/// (`scripts/install-python-deps` installs them).
final class ReferenceAgreementTests: XCTestCase {
    struct Kind {
        var name: String
        var q: Int
        /// The scale's numbers; nil for choices and flags.
        var numbers: [Double]?
    }

    static let kinds = [
        Kind(name: "choice", q: 4, numbers: nil),
        Kind(name: "ordinal-1-5", q: 5, numbers: [1, 2, 3, 4, 5]),
        Kind(name: "interval-uneven", q: 5, numbers: [0, 0.5, 2, 7.25, 10]),
        Kind(name: "flag", q: 2, numbers: nil),
    ]

    /// One random case: items × raters, each cell a category or nil (missing). Raters follow a per-item
    /// true category with some noise, so the statistics are neither all 0 nor all 1; some items get no
    /// rating or one rating.
    struct Case {
        var name: String
        var kind: Kind
        var ratings: [[Int?]]
    }

    static func randomCase(kind: Kind, seed: UInt64) -> Case {
        var g = SeededGenerator(seed: seed &* 7919 &+ UInt64(kind.q))
        func uniform() -> Double { Double(g.next() >> 11) / Double(1 << 53) }
        func below(_ n: Int) -> Int { Int(UInt64(n).multipliedFullWidth(by: g.next()).high) }
        let raters = 2 + below(5)  // 2…6
        let itemCount = 15 + below(120)
        let missing = 0.15 + 0.5 * uniform()
        let noise = 0.1 + 0.6 * uniform()
        // Skewed true categories for some seeds (where kappa and AC1 part ways).
        let skew = seed % 3 == 0
        var ratings: [[Int?]] = []
        for _ in 0..<itemCount {
            let truth = skew && uniform() < 0.8 ? kind.q - 1 : below(kind.q)
            var row: [Int?] = []
            for _ in 0..<raters {
                if uniform() < missing {
                    row.append(nil)
                } else if uniform() < noise {
                    // Mostly a neighbouring value, sometimes any value.
                    if uniform() < 0.6 {
                        row.append(max(0, min(kind.q - 1, truth + (uniform() < 0.5 ? -1 : 1))))
                    } else {
                        row.append(below(kind.q))
                    }
                } else {
                    row.append(truth)
                }
            }
            ratings.append(row)
        }
        return Case(name: "\(kind.name)/seed\(seed)", kind: kind, ratings: ratings)
    }

    static func raterName(_ j: Int) -> String { "r" + (j < 10 ? "0" : "") + String(j) }

    static func table(_ c: Case) -> RatingTable {
        var ratings: [Rating] = []
        for (i, row) in c.ratings.enumerated() {
            for (j, cell) in row.enumerated() {
                if let cell { ratings.append(Rating(item: "i\(i)", rater: raterName(j), category: cell)) }
            }
        }
        return RatingTable(categoryCount: c.kind.q, ratings: ratings)
    }

    func testMatchesKrippendorffScikitLearnAndIrrCACOnRandomData() throws {
        guard try Self.requirePythonPackages() else { return }
        var cases: [Case] = []
        for seed in UInt64(1)...6 {
            for kind in Self.kinds { cases.append(Self.randomCase(kind: kind, seed: seed)) }
        }
        // A few edge shapes: two raters only, heavy missingness, one category used throughout.
        cases.append(Case(name: "two-raters", kind: Self.kinds[1], ratings: [[0, 0], [1, 2], [4, 4], [3, 4], [nil, 2], [2, 2]]))
        cases.append(Case(name: "sparse", kind: Self.kinds[2], ratings: [[0, nil, nil], [nil, 1, 1], [3, nil, 4], [nil, nil, nil], [2, 2, 2], [nil, 4, nil]]))
        cases.append(Case(name: "constant", kind: Self.kinds[0], ratings: [[1, 1, nil], [1, nil, 1], [1, 1, 1]]))

        let input = JSONValue.object(JSONObject([
            "cases": .array(cases.map { c in
                .object(JSONObject([
                    "name": .string(c.name), "q": .number(c.kind.q),
                    "values": c.kind.numbers.map { .array($0.map { .number($0) }) } ?? .null,
                    "ratings": .array(c.ratings.map { row in .array(row.map { $0.map { .number($0) } ?? .null }) }),
                ]))
            }),
        ]))
        let reference = try Self.runReference(input)
        let results = try XCTUnwrap(reference.objectValue?["cases"]?.arrayValue)
        XCTAssertEqual(results.count, cases.count)

        var compared = 0
        for (c, result) in zip(cases, results) {
            let r = try XCTUnwrap(result.objectValue)
            XCTAssertEqual(r["name"]?.stringValue, c.name)
            let table = Self.table(c)
            // Every level and weighting, whatever the kind (the report itself shows fewer for nominal criteria).
            let scale = AgreementScale(categoryCount: c.kind.q, level: c.kind.numbers == nil ? .ordinal : .interval, numbers: c.kind.numbers)
            let summary = Agreement.summary(table, scale: scale)
            let alpha = try XCTUnwrap(r["alpha"]?.objectValue)
            for level in scale.alphaLevels {
                Self.assertClose(summary.alpha(level), alpha[level.rawValue], "\(c.name): alpha \(level.rawValue)")
                compared += 1
            }
            Self.assertClose(summary.fleissKappa, r["fleiss_kappa"], "\(c.name): Fleiss' kappa")
            Self.assertClose(summary.gwetAC1, r["gwet_ac1"], "\(c.name): AC1")
            compared += 2

            let pairs = Agreement.pairs(table, scale: scale)
            let expected = try XCTUnwrap(r["pairs"]?.arrayValue).compactMap(\.objectValue)
            XCTAssertEqual(pairs.count, expected.count, "\(c.name): pairs")
            for (pair, e) in zip(pairs, expected) {
                let a = Int(try XCTUnwrap(e["a"]?.doubleValue)), b = Int(try XCTUnwrap(e["b"]?.doubleValue))
                XCTAssertEqual(pair.a, Self.raterName(a), c.name)
                XCTAssertEqual(pair.b, Self.raterName(b), c.name)
                XCTAssertEqual(Double(pair.n), e["n"]?.doubleValue, "\(c.name): \(pair.a)-\(pair.b) n")
                Self.assertClose(pair.cohenKappa, e["unweighted"], "\(c.name): \(pair.a)-\(pair.b) kappa")
                Self.assertClose(pair.cohenKappaLinear, e["linear"], "\(c.name): \(pair.a)-\(pair.b) linear kappa")
                Self.assertClose(pair.cohenKappaQuadratic, e["quadratic"], "\(c.name): \(pair.a)-\(pair.b) quadratic kappa")
                compared += 3
            }
        }
        XCTAssertGreaterThan(compared, 500)
    }

    // MARK: - Support

    static let tolerance = 1e-9

    static func assertClose(_ value: Double?, _ reference: JSONValue?, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        let expected: Double? = reference?.doubleValue
        switch (value, expected) {
        case (nil, nil): return
        case (let v?, let e?):
            XCTAssertEqual(v, e, accuracy: tolerance, message, file: file, line: line)
        default:
            XCTFail("\(message): Winnow \(value.map { "\($0)" } ?? "nil"), reference \(expected.map { "\($0)" } ?? "null")", file: file, line: line)
        }
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    static var script: URL { packageRoot.appendingPathComponent("Tests/reference/agreement_reference.py") }

    /// True when python3 has the reference packages. Otherwise records a failure and returns false
    /// under CI (`CI=true`), and skips the test elsewhere.
    static func requirePythonPackages(file: StaticString = #filePath, line: UInt = #line) throws -> Bool {
        let check = try? run(["python3", "-c", "import krippendorff, sklearn, irrCAC, pandas"])
        guard let check, check.status == 0 else {
            let why = check.map { "python3 cannot import the reference packages: \($0.stderr.split(separator: "\n").last ?? "")" }
                ?? "python3 is not on PATH"
            let message = "\(why). Run scripts/install-python-deps (pip install krippendorff scikit-learn irrCAC)."
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                XCTFail(message, file: file, line: line)
                return false
            }
            throw XCTSkip(message)
        }
        return true
    }

    static func runReference(_ input: JSONValue) throws -> JSONValue {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-agreement-\(UUID().uuidString).json")
        try Data(input.serialized().utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try run(["python3", script.path, file.path])
        guard outcome.status == 0 else {
            XCTFail("agreement_reference.py exited \(outcome.status): \(outcome.stderr)")
            throw XCTSkip("reference script failed")
        }
        return try JSONParser.parse(outcome.stdout)
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
