import Foundation
import GRDB
import XCTest
@_spi(Testing) @testable import WinnowCore
import WinnowTestSupport

/// A LLaVA export of every item leaves the turns of whole LLaVA records unread (it writes their bytes):
/// everything it builds from turns still has them.
final class ExportTurnsTests: CoreTestCase {
    private func importMixed() throws {
        let plain = try sandbox.write("plain.json", """
            [{"id": "p1", "image": "a.jpg", "conversations": [{"from": "human", "value": "<image>\\nWhat is it?"}, {"from": "gpt", "value": "A dog."}]},
             {"id": "p2", "image": "a.jpg", "conversations": [{"from": "human", "value": "<image>\\nAnd the colour?"}, {"from": "gpt", "value": "Brown."}]}]
            """)
        let candidates = try sandbox.write("candidates.json", """
            [{"id": "c1", "image": "b.jpg", "conversations": [{"from": "human", "value": "<image>\\nCount them."}, {"from": "gpt", "value": ["Two.", "Three."]}]}]
            """)
        let alpaca = try sandbox.write("alpaca.json", #"[{"instruction": "Say hi.", "input": "", "output": "Hi."}]"#)
        try runImport([plain, candidates])
        try runImport([alpaca])
    }

    func testOnlyWholeLLaVARecordsLeaveTheirTurnsUnread() throws {
        try importMixed()
        let items = try store.testRead { db in try Item.allWithoutOriginals(db, turnsOnlyWhereLLaVANeedsThem: true) }
        let byKey = Dictionary(uniqueKeysWithValues: items.map { ($0.key, $0) })
        XCTAssertEqual(byKey.count, 5)
        XCTAssertEqual(byKey["p1"]?.turns.count, 0, "a whole LLaVA record is written as its bytes")
        XCTAssertEqual(byKey["p2"]?.turns.count, 0)
        for (key, item) in byKey where !key.hasPrefix("p") { XCTAssertFalse(item.turns.isEmpty, "\(key) is built from its turns") }
        let all = try store.testRead { db in try Item.allWithoutOriginals(db) }
        XCTAssertTrue(all.allSatisfy { !$0.turns.isEmpty }, "without the option every item has its turns")
    }

    func testEveryExportedRecordHasItsConversationWithAndWithoutBestPerGroup() throws {
        try importMixed()
        let rubric = try TestRubric.rubric()
        let log = LabelLog(store: try store)
        for item in try items() {
            try log.save(itemId: item.id!, annotator: "ana", rubric: StoredRubric(rubric),
                         scores: LabelLog.scoresJSON(["quality": .number(item.key.hasSuffix("2") ? 2 : 4), "hallucination": .flag(false)], rubric: rubric),
                         activeSeconds: 1)
        }
        for stages in [[], [SelectionStage.bestPerGroup]] {
            let out = sandbox.path("out-\(stages.count).json")
            var options = Exporter.Options(format: .llava, output: out, rubric: rubric)
            options.stages = stages
            let summary = try Exporter(store: store).run(options)
            let records = try XCTUnwrap(JSONParser.parse(Data(contentsOf: URL(fileURLWithPath: out))).arrayValue)
            XCTAssertEqual(records.count, summary.records)
            XCTAssertGreaterThan(records.count, 1)
            for record in records {
                let conversation = try XCTUnwrap(record.objectValue?["conversations"]?.arrayValue, "\(record)")
                XCTAssertGreaterThanOrEqual(conversation.count, 2, "\(record.serialized())")
                XCTAssertTrue(conversation.allSatisfy { ($0.objectValue?["value"]?.stringValue ?? "").isEmpty == false }, record.serialized())
            }
            if stages.isEmpty {
                // The plain records are their bytes as imported.
                let p1 = try XCTUnwrap(records.first { $0.objectValue?["id"]?.stringValue == "p1" })
                XCTAssertEqual(p1.objectValue?["conversations"]?.arrayValue?.last?.objectValue?["value"]?.stringValue, "A dog.")
            }
        }
    }
}
