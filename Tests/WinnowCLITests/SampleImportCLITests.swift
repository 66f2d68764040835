import Foundation
import XCTest
import WinnowCore

/// The bundled sample (data/sample) through `winnow import` and `winnow status`.
final class SampleImportCLITests: CLITestCase {
    private func fileSummary(_ path: String, _ format: String, records: Int, added: Int, unchanged: Int = 0) -> String {
        #"{"path":"\#(path)","format":"\#(format)","records":\#(records),"items_added":\#(added),"unchanged":\#(unchanged)}"#
    }

    func testTheBundledSampleImportsWithTheRightCounts() throws {
        let conversation = bundled("data/sample/conversation.json")
        // 15 records, 000000000105 twice: the second becomes 000000000105#2.
        XCTAssertEqual(try importSummary([conversation]),
                       #"{"files":[\#(fileSummary(conversation, "llava (json)", records: 15, added: 15))],"records":15,"items_added":15,"unchanged":0,"renamed_repeats":1,"labels_added":0,"scores_rounded":0}"#)
        let detail = bundled("data/sample/detail.jsonl")
        XCTAssertEqual(try importSummary([detail, "--captions", bundled("data/sample/captions.json"), "--set", "type=conversation"]),
                       #"{"files":[\#(fileSummary(detail, "llava (jsonl)", records: 6, added: 6))],"records":6,"items_added":6,"unchanged":0,"renamed_repeats":0,"labels_added":0,"scores_rounded":0}"#)
        // 4 records: 101, 107 and 111 with one list of 3 candidates, 103 with two: 3 + 6 + 3 + 3 items.
        let candidates = bundled("data/sample/candidates.json")
        XCTAssertEqual(try importSummary([candidates]),
                       #"{"files":[\#(fileSummary(candidates, "llava (json)", records: 4, added: 15))],"records":4,"items_added":15,"unchanged":0,"renamed_repeats":0,"labels_added":0,"scores_rounded":0}"#)
        // 3 records of 3 question sets each.
        let questions = bundled("data/sample/questions.json")
        XCTAssertEqual(try importSummary([questions]),
                       #"{"files":[\#(fileSummary(questions, "question-sets (json)", records: 3, added: 9))],"records":3,"items_added":9,"unchanged":0,"renamed_repeats":0,"labels_added":0,"scores_rounded":0}"#)
        let alpaca = bundled("data/sample/alpaca.jsonl")
        XCTAssertEqual(try importSummary([alpaca]),
                       #"{"files":[\#(fileSummary(alpaca, "alpaca (jsonl)", records: 4, added: 4))],"records":4,"items_added":4,"unchanged":0,"renamed_repeats":0,"labels_added":0,"scores_rounded":0}"#)

        // 15 + 6 + 15 + 9 + 4 = 49 items. Groups: 15 conversation records, 6 detail records, 5 candidate
        // turns (101/t0, 103/t0, 103/t1, 107/t0, 111/t0), 3 question-set groups (000000000105, 000000000102,
        // 000000000116: ids of records already imported, yet groups of another kind), 4 Alpaca records.
        let status = try succeed(["status", "--json"])
        XCTAssertEqual(status.stdout, #"{"items":49,"groups":33,"labeled":0,"unlabeled":49,"annotators":{}}"# + "\n")

        XCTAssertEqual(try winnow.sqlite("SELECT key FROM item WHERE key LIKE '000000000105%' ORDER BY id"),
                       "000000000105\n000000000105#2\n000000000105/q0\n000000000105/q1\n000000000105/q2\n")
        XCTAssertEqual(try winnow.sqlite("SELECT key, group_key FROM item WHERE key LIKE '000000000103/%' ORDER BY id"),
                       ["t0/c0", "t0/c1", "t0/c2", "t1/c0", "t1/c1", "t1/c2"].map { "000000000103/\($0)|turn:000000000103/\($0.prefix(2))\n" }.joined())
    }

    func testDetailRecordsGetTheirImagesCOCOCaptionsAndTheSetField() throws {
        try succeed(["import", bundled("data/sample/detail.jsonl"), "--captions", bundled("data/sample/captions.json"), "--set", "type=conversation"])
        XCTAssertEqual(try winnow.sqlite("SELECT image, captions FROM item WHERE key = '000000000115'"),
                       #"COCO_train2014_000000000115.png|["A pink birthday cake with five lit candles.","A round pink cake with white icing on a white plate, topped with five candles.","A birthday cake with blue, green, yellow, purple and orange candles."]"# + "\n")
        XCTAssertEqual(try winnow.sqlite("SELECT count(*) FROM item WHERE json_extract(fields, '$.type') = 'conversation' AND json_array_length(captions) > 0"), "6\n")
    }

    func testReimportingTheSampleAddsNothing() throws {
        let files = ["conversation.json", "candidates.json", "questions.json", "alpaca.jsonl"].map { bundled("data/sample/" + $0) }
        try succeed(["import"] + files)
        let before = try winnow.sqlite("SELECT * FROM item ORDER BY id")
        let again = try succeed(["import"] + files + ["--json"])
        let summary = try XCTUnwrap(json(again.stdout).objectValue)
        XCTAssertEqual(summary["items_added"], .number(0))
        XCTAssertEqual(summary["unchanged"], .number(43))
        XCTAssertEqual(try winnow.sqlite("SELECT * FROM item ORDER BY id"), before)
    }

    func testTheHumanSummaryNamesEachFile() throws {
        let conversation = bundled("data/sample/conversation.json")
        let outcome = try succeed(["import", conversation])
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "\(conversation): llava (json), 15 records, 15 items added, 0 unchanged")
        XCTAssertTrue(lines.last?.hasPrefix("imported 15 items from 15 records in 1 file (1 with repeated ids renamed ID#N) in ") == true, lines.last ?? "")
    }

    func testStatusInTextForm() throws {
        try succeed(["import", bundled("data/sample/alpaca.jsonl")])
        let outcome = try succeed(["status"])
        XCTAssertEqual(outcome.stdout, """
            database   \(winnow.database.path)
            items      4 in 4 groups
            labeled    0
            unlabeled  4
            annotators none yet

            """)
    }

    func testAnImportKilledMidwayLeavesTheDatabaseAsItWas() throws {
        _ = try succeed(["import", bundled("data/sample/conversation.json")])
        let before = try winnow.dump()
        // Enough records that the import is still writing when the kill comes.
        let lines = (0..<60_000).map { i in
            #"{"id": "big\#(i)", "image": "\#(i).jpg", "conversations": [{"from": "human", "value": "What is in image \#(i)?"}, {"from": "gpt", "value": "\#(String(repeating: "A long answer. ", count: 20))"}]}"#
        }
        let big = try winnow.write("big.jsonl", lines.joined(separator: "\n"))
        let process = Process()
        process.executableURL = WinnowProcess.binary
        process.arguments = ["import", big, "--db", winnow.database.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The import is alone with the file, so it writes under a rollback journal; kill it once the
        // journal and new pages are there (polling the files, not timing the import).
        let journal = winnow.database.path + "-journal"
        let startSize = (try? FileManager.default.attributesOfItem(atPath: winnow.database.path)[.size] as? Int) ?? 0
        let deadline = Date().addingTimeInterval(120)
        func size(_ path: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        while process.isRunning && Date() < deadline && !(size(journal) > 0 && size(winnow.database.path) > startSize + 1_000_000) {
            usleep(2_000)
        }
        XCTAssertTrue(process.isRunning, "the import ended before it could be killed; make the file bigger")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)

        XCTAssertEqual(try winnow.dump(), before, "the killed import left nothing behind")
        let status = try succeed(["status", "--json"])
        XCTAssertTrue(status.stdout.hasPrefix(#"{"items":15,"#), status.stdout)
        XCTAssertEqual(try winnow.sqlite("PRAGMA journal_mode"), "wal\n")
        XCTAssertEqual(try winnow.sqlite("PRAGMA integrity_check"), "ok\n")
    }
}
