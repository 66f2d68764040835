import Foundation
import XCTest
import WinnowCore

/// `winnow bench` end to end on a small set: the shape of its output, never its speed.
final class BenchCLITests: CLITestCase {
    func testSmallBenchPrintsEveryFigureAsANumberOrNull() throws {
        let outcome = try succeed(["bench", "--items", "300", "--runs", "1", "--saves", "20", "--json"])
        let object = try XCTUnwrap(json(outcome.stdout).objectValue)
        XCTAssertEqual(object.members.map(\.key),
                       ["items", "runs", "import", "first_item_s", "save_next_ms", "key_to_frame_ms", "refit_s", "features_s", "export", "peak_rss_mb"])
        XCTAssertEqual(object["items"]?.doubleValue, 300)
        XCTAssertEqual(object["runs"]?.doubleValue, 1)
        func positiveOrNull(_ value: JSONValue?, _ name: String) {
            guard let value else { return XCTFail("\(name) is missing") }
            if value.isNull { return }
            XCTAssertGreaterThan(value.doubleValue ?? -1, 0, name)
        }
        let imports = try XCTUnwrap(object["import"]?.objectValue)
        XCTAssertEqual(imports.members.map(\.key), ["winnow_s", "python_s", "ratio"])
        XCTAssertGreaterThan(imports["winnow_s"]?.doubleValue ?? -1, 0, "winnow's import is always measured")
        for key in ["python_s", "ratio"] { positiveOrNull(imports[key], key) }
        XCTAssertEqual(imports["python_s"]?.isNull, imports["ratio"]?.isNull, "a ratio exactly when both times are there")
        positiveOrNull(object["first_item_s"], "first_item_s")
        let save = try XCTUnwrap(object["save_next_ms"]?.objectValue)
        XCTAssertEqual(save.members.map(\.key), ["p50", "p99"])
        for key in ["p50", "p99"] { positiveOrNull(save[key], "save_next_ms.\(key)") }
        let keys = try XCTUnwrap(object["key_to_frame_ms"]?.objectValue)
        XCTAssertEqual(keys.members.map(\.key), ["p50", "p99", "p99_during_refit"])
        for key in ["p50", "p99", "p99_during_refit"] { positiveOrNull(keys[key], "key_to_frame_ms.\(key)") }
        positiveOrNull(object["refit_s"], "refit_s")
        let export = try XCTUnwrap(object["export"]?.objectValue)
        XCTAssertEqual(export.members.map(\.key), ["winnow_s", "python_s", "ratio", "over_import"])
        XCTAssertGreaterThan(export["winnow_s"]?.doubleValue ?? -1, 0, "winnow's export is always measured")
        for key in ["python_s", "ratio", "over_import"] { positiveOrNull(export[key], "export.\(key)") }
        XCTAssertEqual(export["python_s"]?.isNull, export["ratio"]?.isNull, "a ratio exactly when both times are there")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") {
            XCTAssertFalse(export["python_s"]?.isNull ?? true, "the Python export ran")
        }
        let rss = try XCTUnwrap(object["peak_rss_mb"]?.objectValue)
        XCTAssertFalse(rss.members.isEmpty)
        for member in rss.members { positiveOrNull(member.value, "peak_rss_mb.\(member.key)") }
    }

    func testAboveTheReferenceSizeTheBenchRunsBothAndComparesTheCostPerItem() throws {
        let outcome = try succeed(["bench", "--items", "300", "--reference-items", "150", "--runs", "1", "--saves", "10", "--json"])
        let object = try XCTUnwrap(json(outcome.stdout).objectValue)
        XCTAssertEqual(object["items"]?.doubleValue, 300)
        XCTAssertEqual(object["reference"]?.objectValue?["items"]?.doubleValue, 150)
        let scale = try XCTUnwrap(object["scale"]?.objectValue)
        XCTAssertEqual(scale["reference_items"]?.doubleValue, 150)
        let perItem = try XCTUnwrap(scale["per_item_us"]?.objectValue)
        XCTAssertEqual(perItem.keys, ["import", "features", "export"])
        for step in perItem.members {
            let figure = try XCTUnwrap(step.value.objectValue)
            XCTAssertEqual(figure.keys, ["reference", "large", "growth", "pass"])
            XCTAssertGreaterThan(figure["reference"]?.doubleValue ?? -1, 0, step.key)
            XCTAssertGreaterThan(figure["large"]?.doubleValue ?? -1, 0, step.key)
            XCTAssertNotNil(figure["pass"]?.boolValue, step.key)
        }
        let table = try succeed(["bench", "--items", "200", "--reference-items", "100", "--runs", "1", "--saves", "10"]).stdout
        XCTAssertTrue(table.contains("winnow bench: 100 items") && table.contains("winnow bench: 200 items"), table)
        XCTAssertTrue(table.contains("cost per item: 100 items beside 200 (target: growth at most 20%)"), table)
        let below = try succeed(["bench", "--items", "150", "--runs", "1", "--saves", "10", "--json"]).stdout
        XCTAssertNil(try json(below).objectValue?["scale"], "no reference run at or below the reference size")
    }

    func testTableNamesEachFigureWithItsTarget() throws {
        let outcome = try succeed(["bench", "--items", "200", "--runs", "1", "--saves", "10"])
        for figure in ["import: ratio (python / winnow)", "first_item_s", "save_next_ms p99", "key_to_frame_ms p99 during refit", "refit_s", "export: ratio (python / winnow)", "export: time over the import's", "peak_rss_mb"] {
            XCTAssertTrue(outcome.stdout.contains(figure), "\(figure) in\n\(outcome.stdout)")
        }
        XCTAssertTrue(outcome.stdout.contains(">= 3"))
        XCTAssertTrue(outcome.stdout.contains("< 16 ms"))
    }

    func testRefusesTooFewItems() throws {
        let outcome = try winnow.run(["bench", "--items", "5"])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.contains("--items must be at least 100"), outcome.stderr)
    }
}
