import Foundation
import XCTest
@testable import WinnowBench
import WinnowCore
import WinnowTestSupport

/// The bench's generator, statistics and result shapes. Nothing here times anything.
final class BenchTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws {
        folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("bench-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func testGeneratedSetIsALLaVAListWithRepeatsScriptsAndEscapes() throws {
        let data = try BenchDataGenerator.generate(items: 1500, folder: folder)
        XCTAssertEqual(data.records, 1500)
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: data.dataPath)[.size] as? Int)
        XCTAssertEqual(size, data.bytes)
        let reader = try RecordReader(path: data.dataPath)
        XCTAssertEqual(reader.container, .list)
        var count = 0
        var ids: [String] = []
        var kinds: Set<Int> = []
        var text = ""
        try reader.forEach { record in
            count += 1
            let object = record.value.objectValue!
            XCTAssertNil(object["type"], "the real set has no type field")
            ids.append(object["id"]!.stringValue!)
            XCTAssertEqual(object["image"]?.stringValue, ids.last! + ".jpg")
            let turns = object["conversations"]!.arrayValue!
            XCTAssertEqual(turns.count % 2, 0)
            kinds.insert(min(turns.count, 4))
            for turn in turns { text += turn.objectValue!["value"]!.stringValue! }
        }
        XCTAssertEqual(count, 1500)
        XCTAssertEqual(ids.count - Set(ids).count, data.repeatedIds)
        XCTAssertGreaterThan(data.repeatedIds, 0)
        XCTAssertEqual(Set(ids).count, data.images)
        XCTAssertEqual(kinds, [2, 4], "single-turn (detail, reasoning) and multi-turn (conversation) records")
        XCTAssertTrue(text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "some CJK")
        XCTAssertTrue(text.unicodeScalars.contains { (0x0600...0x06FF).contains($0.value) }, "some Arabic")
        XCTAssertTrue(text.unicodeScalars.contains { $0.value >= 0x1F300 }, "some emoji")
        XCTAssertTrue(text.contains("<image>"))
        let raw = try String(contentsOfFile: data.dataPath, encoding: .utf8)
        XCTAssertTrue(raw.contains("\\u"), "some \\u escapes")

        let captions = try CaptionIndex(path: data.captionsPath)
        XCTAssertEqual(captions.captions(forImage: ids[0] + ".jpg").count, 5)
    }

    func testGenerationIsDeterministic() throws {
        let a = try BenchDataGenerator.generate(items: 300, folder: (folder as NSString).appendingPathComponent("a"))
        let b = try BenchDataGenerator.generate(items: 300, folder: (folder as NSString).appendingPathComponent("b"))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a.dataPath)), try Data(contentsOf: URL(fileURLWithPath: b.dataPath)))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a.captionsPath)), try Data(contentsOf: URL(fileURLWithPath: b.captionsPath)))
    }

    func testGeneratedSetImportsWithRenamedRepeatsAndCaptions() throws {
        let data = try BenchDataGenerator.generate(items: 400, folder: folder)
        let store = try Store(path: (folder as NSString).appendingPathComponent("t.sqlite"))
        let summary = try Importer(store: store).run(.init(files: [data.dataPath], captions: data.captionsPath))
        XCTAssertEqual(summary.records, 400)
        XCTAssertEqual(summary.itemsAdded, 400)
        XCTAssertEqual(summary.renamed, data.repeatedIds)
        XCTAssertEqual(summary.captionedItems, 400)
    }

    func testSeededLabelsGiveAModel() throws {
        let data = try BenchDataGenerator.generate(items: 300, folder: folder)
        let store = try Store(path: (folder as NSString).appendingPathComponent("m.sqlite"))
        _ = try Importer(store: store).run(.init(files: [data.dataPath]))
        let rubric = try Rubric.parse(yaml: BenchModelSteps.rubricYAML, file: "bench")
        XCTAssertEqual(try BenchModelSteps.seedLabels(store: store, rubric: rubric, annotator: "rule", count: 60), 60)
        try FeatureCache.update(store: store)
        let seconds = try BenchModelSteps.refitAndRerank(store: store, rubric: rubric, matrix: FeatureMatrix())
        XCTAssertNotNil(seconds)
        XCTAssertNotNil(try ModelVersion.current(store: store))
    }

    func testPercentilesAndMedian() {
        XCTAssertNil(BenchStats.median([]))
        XCTAssertEqual(BenchStats.median([3, 1, 2]), 2)
        XCTAssertEqual(BenchStats.median([4, 1, 2, 3]), 2.5)
        let values = (1...200).map(Double.init)
        XCTAssertEqual(BenchStats.percentile(values, 50), 100)
        XCTAssertEqual(BenchStats.percentile(values, 99), 198)
        XCTAssertEqual(BenchStats.percentile([5], 99), 5)
        XCTAssertNil(BenchStats.percentiles([]))
    }

    func testJSONHasExactlyTheKeysAndNullForWhatWasNotMeasured() throws {
        var results = BenchResults(items: 158_000, runs: 3)
        results.importWinnowSeconds = 2
        results.peakRSSMB = [("import_winnow", 500), ("export", nil)]
        let json = results.json().serialized()
        XCTAssertEqual(json, """
            {"items":158000,"runs":3,"import":{"winnow_s":2,"python_s":null,"ratio":null},"first_item_s":null,\
            "save_next_ms":{"p50":null,"p99":null},"key_to_frame_ms":{"p50":null,"p99":null,"p99_during_refit":null},\
            "refit_s":null,"features_s":null,"export":{"winnow_s":null,"python_s":null,"ratio":null,"over_import":null},\
            "peak_rss_mb":{"import_winnow":500,"export":null}}
            """)
        let table = results.table()
        XCTAssertTrue(table.contains("not available"))
        XCTAssertFalse(table.contains("pass"))
    }

    func testScaleComparesTheCostPerItemAndAllowsTwentyPercent() throws {
        var small = BenchResults(items: 158_000, runs: 1)
        small.importWinnowSeconds = 3.16     // 20 µs an item
        small.featureSeconds = 15.8          // 100 µs
        small.exportSeconds = 6.32           // 40 µs
        var large = BenchResults(items: 1_000_000, runs: 1)
        large.importWinnowSeconds = 23       // 23 µs: +15%
        large.featureSeconds = 130           // 130 µs: +30%
        let scale = BenchScale(reference: small, large: large)
        let figures = Dictionary(uniqueKeysWithValues: scale.figures.map { ($0.name, $0) })
        XCTAssertEqual(scale.figures.map(\.name), ["import", "features", "export"])
        XCTAssertEqual(try XCTUnwrap(figures["import"]?.referenceMicroseconds), 20, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(figures["import"]?.growth), 0.15, accuracy: 1e-9)
        XCTAssertEqual(figures["import"]?.passes, true)
        XCTAssertEqual(figures["features"]?.passes, false)
        XCTAssertNil(figures["export"]?.growth, "not measured at 1M: no verdict")
        let table = scale.table()
        XCTAssertTrue(table.contains("+15%") && table.contains("+30%") && table.contains("FAIL") && table.contains("not available"), table)
        let json = try XCTUnwrap(scale.json().objectValue)
        XCTAssertEqual(json["reference_items"]?.doubleValue, 158_000)
        XCTAssertEqual(json["per_item_us"]?.objectValue?["features"]?.objectValue?["pass"], .bool(false))
        XCTAssertEqual(json["per_item_us"]?.objectValue?["export"]?.objectValue?["pass"], .null)
    }

    func testRatioAndVerdicts() {
        var results = BenchResults(items: 10, runs: 1)
        results.importWinnowSeconds = 2
        results.importPythonSeconds = 6.5
        XCTAssertEqual(results.importRatio, 3.25)
        results.saveNextMs = .init(p50: 1, p99: 2.5)
        let table = results.table()
        XCTAssertTrue(table.contains("3.25x"))
        let ratioLine = table.split(separator: "\n").first { $0.hasPrefix("import: ratio") }!
        XCTAssertTrue(ratioLine.hasSuffix("pass"))
        let saveLine = table.split(separator: "\n").first { $0.hasPrefix("save_next_ms p99") }!
        XCTAssertTrue(saveLine.hasSuffix("FAIL"))
        // The export against the Python export (at least 3x) and against the import (no slower).
        results.exportSeconds = 2.5
        results.exportPythonSeconds = 10
        XCTAssertEqual(results.exportRatio, 4)
        XCTAssertEqual(results.exportOverImport, 1.25)
        let lines = results.table().split(separator: "\n")
        XCTAssertTrue(lines.first { $0.hasPrefix("export: ratio") }!.hasSuffix("pass"))
        XCTAssertTrue(lines.first { $0.hasPrefix("export: time over the import's") }!.hasSuffix("FAIL"))
        XCTAssertEqual(results.json().objectValue?["export"]?.objectValue?["over_import"]?.doubleValue, 1.25)
    }
}
