import Foundation
import GRDB
import XCTest
@testable import WinnowCore
import WinnowTestSupport

/// What each format makes of its records: keys, groups, turns, fields, captions.
final class ImportFormatTests: CoreTestCase {
    private func turns(_ pairs: [(String, String)]) -> [Turn] { pairs.map { Turn(from: Speaker(rawValue: $0.0)!, value: $0.1) } }

    private static let llavaRecords = [
        #"{"zeta": 1, "id": "a1", "image": "img/x.jpg", "conversations": [{"from": "human", "value": "<image>\nWhat is it?"}, {"from": "gpt", "value": "A cat."}, {"from": "human", "value": "Color?\n<image>"}, {"from": "gpt", "value": "Orange."}], "alpha": {"k": [1.50, null]}, "source": "synthetic"}"#,
        #"{"id": 42, "conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": "A"}]}"#,
        #"{"conversations": [{"from": "human", "value": "<image> Where?"}, {"from": "gpt", "value": "Here."}]}"#,
        #"{"id": 1.50, "conversations": [{"from": "gpt", "value": "only an answer"}]}"#,
    ]

    private func assertLLaVAItems(stem: String, name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let all = try items()
        XCTAssertEqual(all.map(\.key), ["a1", "42", "\(stem):2", "1.50"], file: file, line: line)
        XCTAssertEqual(all.map(\.group), all.map { "record:" + $0.key }, "a plain record is its own group", file: file, line: line)
        XCTAssertEqual(all.map(\.recordIndex), [0, 1, 2, 3], file: file, line: line)
        XCTAssertEqual(Set(all.map(\.sourceName)), [name], file: file, line: line)
        let a1 = all[0]
        XCTAssertEqual(a1.image, "img/x.jpg", file: file, line: line)
        XCTAssertEqual(a1.turns, turns([("human", "What is it?"), ("gpt", "A cat."), ("human", "Color?"), ("gpt", "Orange.")]), file: file, line: line)
        XCTAssertEqual(a1.fields.keys, ["zeta", "alpha", "source"], "other fields in file order", file: file, line: line)
        XCTAssertEqual(JSONValue.object(a1.fields).serialized(), #"{"zeta":1,"alpha":{"k":[1.50,null]},"source":"synthetic"}"#, file: file, line: line)
        XCTAssertEqual(String(decoding: a1.original, as: UTF8.self), Self.llavaRecords[0], "the record's bytes as read", file: file, line: line)
        XCTAssertEqual(all[2].turns, turns([("human", "Where?"), ("gpt", "Here.")]), file: file, line: line)
        XCTAssertNil(all[2].image, file: file, line: line)
        XCTAssertEqual(all[3].turns, turns([("gpt", "only an answer")]), file: file, line: line)
        XCTAssertTrue(all.allSatisfy { $0.part == "" && $0.turnIndex == nil && $0.candidateIndex == nil && $0.captions.isEmpty }, file: file, line: line)
    }

    func testLLaVAJSONList() throws {
        let path = try sandbox.write("llava.json", "[\n  " + Self.llavaRecords.joined(separator: ",\n  ") + "\n]\n")
        let summary = try runImport([path])
        XCTAssertEqual(summary.files, [.init(path: path, format: "llava (json)", records: 4, itemsAdded: 4, unchanged: 0)])
        XCTAssertEqual(summary.records, 4)
        XCTAssertEqual(summary.itemsAdded, 4)
        XCTAssertEqual(summary.renamed, 0)
        try assertLLaVAItems(stem: "llava", name: "llava.json")
        let source = try store.pool.read { db in try Row.fetchOne(db, sql: "SELECT name, path, format, records FROM source_file") }
        XCTAssertEqual(source?["name"], "llava.json")
        XCTAssertEqual(source?["path"], path)
        XCTAssertEqual(source?["format"], "llava")
        XCTAssertEqual(source?["records"], 4)
    }

    func testLLaVAJSONLines() throws {
        let path = try sandbox.write("lines.jsonl", Self.llavaRecords.joined(separator: "\n") + "\n\n  \n")
        let summary = try runImport([path])
        XCTAssertEqual(summary.files, [.init(path: path, format: "llava (jsonl)", records: 4, itemsAdded: 4, unchanged: 0)])
        try assertLLaVAItems(stem: "lines", name: "lines.jsonl")
    }

    func testJSONLinesWithCRLFAndNoFinalNewline() throws {
        let path = try sandbox.write("crlf.jsonl", Self.llavaRecords.prefix(2).joined(separator: "\r\n"))
        XCTAssertEqual(try runImport([path]).itemsAdded, 2)
        XCTAssertEqual(try items().map(\.key), ["a1", "42"])
    }

    func testImageTokenIsStrippedBeforeAndAfterTheText() {
        XCTAssertEqual(strippingImageToken("<image>\nWhat is this?"), "What is this?")
        XCTAssertEqual(strippingImageToken("What is this?\n<image>"), "What is this?")
        XCTAssertEqual(strippingImageToken("<image>What"), "What")
        XCTAssertEqual(strippingImageToken("no token"), "no token")
        XCTAssertEqual(strippingImageToken("  keep  spaces  "), "  keep  spaces  ", "text without the token is left alone")
    }

    func testRepeatedIdsBecomeHashNumberedKeysInFileOrder() throws {
        let lines = ["x", "y", "x", "x", "y"].enumerated().map { i, id in
            #"{"id": "\#(id)", "n": \#(i), "conversations": [{"from": "human", "value": "q\#(i)"}]}"#
        }
        let summary = try runImport([try sandbox.write("rep.jsonl", lines.joined(separator: "\n"))])
        XCTAssertEqual(summary.itemsAdded, 5)
        XCTAssertEqual(summary.renamed, 3)
        let all = try items()
        XCTAssertEqual(all.map(\.key), ["x", "y", "x#2", "x#3", "y#2"])
        XCTAssertEqual(all.map { $0.fields["n"] }, (0..<5).map { JSONValue.number($0) })
        XCTAssertEqual(all.map(\.group), ["x", "y", "x#2", "x#3", "y#2"].map { "record:" + $0 })

        // A later file with a taken id gets the next free number.
        let more = try runImport([try sandbox.write("more.jsonl", #"{"id": "x", "conversations": [{"from": "human", "value": "later"}]}"#)])
        XCTAssertEqual(more.renamed, 1)
        XCTAssertEqual(try item("x#4")?.turns.first?.value, "later")
    }

    func testCandidateAnswersBecomeOneItemEachWithTurnLevelScores() throws {
        let record = #"{"id": "r", "image": "i.jpg", "conversations": [{"from": "human", "value": "<image>\nQ1"}, {"from": "gpt", "value": ["A", "B", "C"], "score": [5, 3.5, 1]}, {"from": "human", "value": "Q2"}, {"from": "gpt", "value": "plain"}, {"from": "human", "value": "Q3"}, {"from": "gpt", "value": ["D", "E"], "score": [2, 4]}], "extra": "e"}"#
        let summary = try runImport([try sandbox.write("cand.json", "[" + record + "]")])
        XCTAssertEqual(summary.records, 1)
        XCTAssertEqual(summary.itemsAdded, 5)
        let all = try items()
        XCTAssertEqual(all.map(\.key), ["r/t0/c0", "r/t0/c1", "r/t0/c2", "r/t2/c0", "r/t2/c1"])
        XCTAssertEqual(all.map(\.group), ["turn:r/t0", "turn:r/t0", "turn:r/t0", "turn:r/t2", "turn:r/t2"])
        XCTAssertEqual(all.map(\.part), ["t0/c0", "t0/c1", "t0/c2", "t2/c0", "t2/c1"])
        XCTAssertEqual(all.map(\.turnIndex), [0, 0, 0, 2, 2])
        XCTAssertEqual(all.map(\.candidateIndex), [0, 1, 2, 0, 1])
        XCTAssertEqual(all.map { $0.fields["score"] }, [.number("5"), .number("3.5"), .number("1"), .number("2"), .number("4")])
        XCTAssertEqual(all[1].fields.keys, ["extra", "score"])
        XCTAssertEqual(all[1].turns, turns([("human", "Q1"), ("gpt", "B")]))
        XCTAssertEqual(all[4].turns, turns([("human", "Q1"), ("gpt", "A"), ("human", "Q2"), ("gpt", "plain"), ("human", "Q3"), ("gpt", "E")]),
                       "the context shows earlier candidate turns by their first candidate")
        XCTAssertTrue(all.allSatisfy { $0.image == "i.jpg" && $0.recordIndex == 0 })
    }

    func testRecordLevelScoreListsForCandidates() throws {
        let one = #"{"id": "s", "conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": ["A", "B"]}], "score": [1.5, 4]}"#
        let two = #"{"id": "t", "conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": ["A", "B"]}, {"from": "human", "value": "Q2"}, {"from": "gpt", "value": ["C", "D", "E"]}], "score": [[1, 2], [3, 4, 5]]}"#
        let none = #"{"id": "u", "conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": ["A", "B"]}], "note": "n"}"#
        try runImport([try sandbox.write("scores.jsonl", [one, two, none].joined(separator: "\n"))])
        let all = try items()
        XCTAssertEqual(all.map(\.key), ["s/t0/c0", "s/t0/c1", "t/t0/c0", "t/t0/c1", "t/t1/c0", "t/t1/c1", "t/t1/c2", "u/t0/c0", "u/t0/c1"])
        XCTAssertEqual(all.map { $0.fields["score"] }, [.number("1.5"), .number("4"), .number("1"), .number("2"), .number("3"), .number("4"), .number("5"), nil, nil])
        XCTAssertEqual(all[7].fields.keys, ["note"])
    }

    func testMismatchedScoreCountIsAnError() throws {
        let turnLevel = #"{"id": "r", "conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": ["A", "B", "C"], "score": [5, 3]}]}"#
        let path = try sandbox.write("bad-score.jsonl", turnLevel + "\n")
        XCTAssertEqual(try importError([path])?.description, "\(path):1:1: record 0: conversations[1].score: has 2 scores for 3 candidates")

        let recordLevel = #"{"id": "r", "conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": ["A", "B"]}], "score": [5, 3, 1]}"#
        let path2 = try sandbox.write("bad-score2.jsonl", recordLevel + "\n")
        XCTAssertEqual(try importError([path2])?.description, "\(path2):1:1: record 0: score: has 3 scores for 2 candidates")

        let nested = #"{"id": "r", "conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": ["A", "B"]}, {"from": "gpt", "value": ["C", "D"]}], "score": [[1, 2]]}"#
        let path3 = try sandbox.write("bad-score3.jsonl", nested + "\n")
        XCTAssertEqual(try importError([path3])?.description, "\(path3):1:1: record 0: score: expected a list with one list of scores per candidate turn")
        XCTAssertEqual(try count("item"), 0)
    }

    func testCandidateListProblemsNameTheField() throws {
        let empty = #"{"id": "r", "conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": []}]}"#
        let path = try sandbox.write("empty-cands.jsonl", empty)
        XCTAssertEqual(try importError([path])?.description, "\(path):1:1: record 0: conversations[1].value: the list of candidate answers is empty")
        let notString = #"{"id": "r", "conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": ["A", 2]}]}"#
        let path2 = try sandbox.write("num-cand.jsonl", notString)
        XCTAssertEqual(try importError([path2])?.description, "\(path2):1:1: record 0: conversations[1].value[1]: expected a string, found a number")
        let humanList = #"{"id": "r", "conversations": [{"from": "human", "value": ["A", "B"]}]}"#
        let path3 = try sandbox.write("human-list.jsonl", humanList)
        XCTAssertEqual(try importError([path3])?.description, "\(path3):1:1: record 0: conversations[0].value: expected a string, found a list")
    }

    func testQuestionSetsBecomeOneItemEachGroupedByRecord() throws {
        let record = #"{"id": "qs", "image": "x.jpg", "questions": [[{"from": "human", "value": "<image>\nA?"}, {"from": "gpt", "value": "a"}], ["B?", "b", "C?", "c"]], "score": [3, 1], "meta": "m"}"#
        let summary = try runImport([try sandbox.write("questions.json", "[" + record + "]")])
        XCTAssertEqual(summary.files.first?.format, "question-sets (json)")
        let all = try items()
        XCTAssertEqual(all.map(\.key), ["qs/q0", "qs/q1"])
        XCTAssertEqual(all.map(\.group), ["questions:qs", "questions:qs"])
        XCTAssertEqual(all.map(\.part), ["q0", "q1"])
        XCTAssertEqual(all.map(\.candidateIndex), [0, 1])
        XCTAssertEqual(all[0].turns, turns([("human", "A?"), ("gpt", "a")]))
        XCTAssertEqual(all[1].turns, turns([("human", "B?"), ("gpt", "b"), ("human", "C?"), ("gpt", "c")]))
        XCTAssertEqual(JSONValue.object(all[0].fields).serialized(), #"{"meta":"m","score":3}"#)
        XCTAssertEqual(all[1].fields["score"], .number("1"))
        XCTAssertEqual(all[1].image, "x.jpg")
    }

    func testQuestionSetScoreCountMustMatch() throws {
        let record = #"{"id": "qs", "questions": [["A?", "a"], ["B?", "b"]], "score": [3]}"#
        let path = try sandbox.write("qs.jsonl", record)
        XCTAssertEqual(try importError([path])?.description, "\(path):1:1: record 0: score: has 1 scores for 2 question sets")
    }

    func testAlpacaWithAndWithoutInput() throws {
        let lines = [
            #"{"id": "al1", "instruction": "Do X", "input": "with Y", "output": "done", "type": "t"}"#,
            #"{"instruction": "<image>\nDo Z", "output": "ok", "image": "z.png", "caption": "A zed."}"#,
            #"{"id": "al3", "instruction": "Do W", "input": "", "output": "fine"}"#,
        ]
        let summary = try runImport([try sandbox.write("alp.jsonl", lines.joined(separator: "\n"))])
        XCTAssertEqual(summary.files.first?.format, "alpaca (jsonl)")
        let all = try items()
        XCTAssertEqual(all.map(\.key), ["al1", "alp:1", "al3"])
        XCTAssertEqual(all[0].turns, turns([("human", "Do X\nwith Y"), ("gpt", "done")]))
        XCTAssertEqual(all[1].turns, turns([("human", "Do Z"), ("gpt", "ok")]))
        XCTAssertEqual(all[2].turns, turns([("human", "Do W"), ("gpt", "fine")]), "an empty input adds no newline")
        XCTAssertEqual(JSONValue.object(all[0].fields).serialized(), #"{"type":"t"}"#)
        XCTAssertEqual(all[1].image, "z.png")
        XCTAssertEqual(all[1].captions, ["A zed."])
        XCTAssertTrue(all[1].fields.isEmpty)
    }

    func testAlpacaNeedsInstructionAndOutput() throws {
        let path = try sandbox.write("alp.jsonl", #"{"instruction": "Do X"}"#)
        XCTAssertEqual(try importError([path])?.description, "\(path):1:1: record 0: output: missing (a string is required)")
    }

    // MARK: MM-Instruct

    private func writeMMInstruct() throws -> (questions: String, answersA: String, answersB: String) {
        let questions = try sandbox.write("mm/questions.jsonl", """
            {"question_id": 0, "image": "sa_1.jpg", "text": "Describe.", "caption": "A cap.", "category": "cat"}
            {"question_id": 1, "image": "sa_2.jpg", "text": "Count.", "caption": "Two dogs.", "category": "count"}

            """)
        let a = try sandbox.write("mm/answers/modelA.jsonl", """
            {"question_id": 0, "prompt": "Describe.", "text": "Ans A0", "model_id": "Mislabeled", "metadata": {}}
            {"question_id": 1, "prompt": "Count.", "text": "Ans A1", "model_id": "Mislabeled", "metadata": {}}

            """)
        let b = try sandbox.write("mm/answers/modelB.jsonl", """
            {"question_id": 1, "prompt": "Count.", "text": "Ans B1", "model_id": "B", "category": "own"}

            """)
        return (questions, a, b)
    }

    func testMMInstructAnswersBecomeItemsGroupedByQuestion() throws {
        let files = try writeMMInstruct()
        // The question file may come after the answers in the command.
        let summary = try runImport([files.answersA, files.answersB, files.questions])
        XCTAssertEqual(summary.files.map(\.format), ["mm-instruct-answers (jsonl)", "mm-instruct-answers (jsonl)", "mm-instruct-questions (jsonl)"])
        XCTAssertEqual(summary.files.map(\.itemsAdded), [2, 1, 0])
        XCTAssertEqual(summary.itemsAdded, 3)
        let all = try items()
        XCTAssertEqual(all.map(\.key), ["q0/modelA", "q1/modelA", "q1/modelB"])
        XCTAssertEqual(all.map(\.group), ["answers:q0", "answers:q1", "answers:q1"])
        let a0 = all[0]
        XCTAssertEqual(a0.image, "sa_1.jpg")
        XCTAssertEqual(a0.captions, ["A cap."])
        XCTAssertEqual(a0.turns, turns([("human", "Describe."), ("gpt", "Ans A0")]))
        XCTAssertEqual(JSONValue.object(a0.fields).serialized(), #"{"prompt":"Describe.","model_id":"Mislabeled","metadata":{},"category":"cat"}"#)
        XCTAssertEqual(all[2].fields["model_id"], .string("B"))
        XCTAssertEqual(all[2].fields["category"], .string("own"), "the answer's own category is kept")
        XCTAssertEqual(all[2].captions, ["Two dogs."])
    }

    func testMMInstructAnswersWithoutTheQuestionFileAreAnError() throws {
        let files = try writeMMInstruct()
        XCTAssertEqual(try importError([files.answersA])?.description,
                       "\(files.answersA): MM-Instruct answers need their question file in the same command (winnow import questions.jsonl \(files.answersA) ...)")
        XCTAssertEqual(try count("item"), 0)
    }

    func testMMInstructQuestionsWithoutAnswersAreAnErrorNotAnEmptyImport() throws {
        let files = try writeMMInstruct()
        XCTAssertEqual(try importError([files.questions])?.description,
                       "\(files.questions): MM-Instruct questions give no items on their own: import them with their answer files in the same command (winnow import \(files.questions) answers/*.jsonl)")
        XCTAssertEqual(try count("item"), 0)
    }

    func testMMInstructAnswerToAnUnknownQuestionIsAnError() throws {
        let files = try writeMMInstruct()
        let stray = try sandbox.write("mm/answers/stray.jsonl", #"{"question_id": 7, "prompt": "?", "text": "x", "model_id": "S"}"# + "\n")
        XCTAssertEqual(try importError([files.questions, files.answersA, stray])?.description,
                       "\(stray):1:1: record 0: question_id: no question 7 in the question file of this import")
        XCTAssertEqual(try count("item"), 0)
    }

    // MARK: captions

    func testCOCOCaptionsMatchByFileNameThenByNumber() throws {
        let coco = try sandbox.write("captions.json", """
            {"info": {}, "images": [{"id": 525439, "file_name": "COCO_val2014_000000525439.jpg"}, {"id": "7", "file_name": "sub/other_7.jpg"}],
             "annotations": [{"image_id": 525439, "caption": " A dog. "}, {"image_id": 7, "caption": "Seven."}, {"image_id": 525439, "caption": "A brown dog.\\n"}]}
            """)
        let records = [
            #"{"id": "byname", "image": "COCO_val2014_000000525439.jpg", "conversations": [{"from": "human", "value": "q"}]}"#,
            #"{"id": "bynumber", "image": "images/000000525439.jpg", "conversations": [{"from": "human", "value": "q"}]}"#,
            #"{"id": "folder", "image": "/abs/path/other_7.jpg", "conversations": [{"from": "human", "value": "q"}]}"#,
            #"{"id": "nomatch", "image": "COCO_val2014_000000000099.jpg", "conversations": [{"from": "human", "value": "q"}]}"#,
            #"{"id": "own", "image": "COCO_val2014_000000525439.jpg", "caption": "My caption.", "conversations": [{"from": "human", "value": "q"}]}"#,
            #"{"id": "noimage", "conversations": [{"from": "human", "value": "q"}]}"#,
        ]
        let summary = try runImport([try sandbox.write("cap.jsonl", records.joined(separator: "\n"))], captions: coco)
        XCTAssertEqual(summary.captionedItems, 4)
        let captions = try items().map(\.captions)
        XCTAssertEqual(captions, [["A dog.", "A brown dog."], ["A dog.", "A brown dog."], ["Seven."], [], ["My caption."], []])
    }

    func testCaptionIndexNamesAndNumbersMatchWhatFoundationsPathFunctionsGave() {
        let paths = ["COCO_val2014_000000525439.jpg", "/data/coco/train2014/COCO_train2014_000000000009.jpg", "a/b/", "noext",
                     ".hidden", "dir/.hidden", "x.tar.gz", "img12a34.jpg", "/", "", "12.34.56", "images//000000000105.png"]
        for path in paths {
            XCTAssertEqual(CaptionIndex.baseName(path), (path as NSString).lastPathComponent, path)
            let name = (path as NSString).lastPathComponent
            var digits = ""
            for ch in (name as NSString).deletingPathExtension.reversed() {
                if ch.isASCII, ch.isNumber { digits.insert(ch, at: digits.startIndex) } else if !digits.isEmpty { break }
            }
            XCTAssertEqual(CaptionIndex.number(inName: name), digits.isEmpty ? nil : Int(digits), path)
        }
    }

    func testCaptionsAreTrimmedLikeFoundationTrims() {
        for text in ["plain", " lead", "trail\n", "\u{3000}ideographic space\u{3000}", "\t both \r\n", "", "   ", "inner  space"] {
            XCTAssertEqual(trimmingWhitespace(text), text.trimmingCharacters(in: .whitespacesAndNewlines), text.debugDescription)
        }
    }

    func testCaptionIndexNumberIsTheLastRunOfDigits() {
        XCTAssertEqual(CaptionIndex.number(inName: "COCO_val2014_000000525439.jpg"), 525439)
        XCTAssertEqual(CaptionIndex.number(inName: "000000000105.png"), 105)
        XCTAssertNil(CaptionIndex.number(inName: "nodigits.jpg"))
    }

    func testABadCaptionsFileIsAnErrorBeforeAnythingIsWritten() throws {
        let data = try sandbox.write("d.jsonl", #"{"id": "a", "image": "1.jpg", "conversations": [{"from": "human", "value": "q"}]}"#)
        let list = try sandbox.write("list.json", "[]")
        XCTAssertEqual(try importError([data], captions: list)?.description,
                       "\(list):1:1: not a COCO captions file: expected an object with \"images\" and \"annotations\"")
        let noImages = try sandbox.write("noimages.json", #"{"annotations": []}"#)
        XCTAssertEqual(try importError([data], captions: noImages)?.description, "\(noImages): images: missing or not a list")
        XCTAssertEqual(try count("item"), 0)
    }

    // MARK: --set, re-import, formats

    func testSetFieldsAreStampedOnEveryRecordInOrder() throws {
        let lines = [
            #"{"id": "a", "conversations": [{"from": "human", "value": "q"}], "x": 1}"#,
            #"{"id": "b", "conversations": [{"from": "human", "value": "q"}], "type": "detail", "y": 2}"#,
        ]
        try runImport([try sandbox.write("set.jsonl", lines.joined(separator: "\n"))], set: [("type", "conversation"), ("batch", "7")])
        let all = try items()
        XCTAssertEqual(JSONValue.object(all[0].fields).serialized(), #"{"x":1,"type":"conversation","batch":"7"}"#)
        XCTAssertEqual(JSONValue.object(all[1].fields).serialized(), #"{"type":"conversation","y":2,"batch":"7"}"#,
                       "a field the record has is replaced in place")
    }

    func testSetWithAnEmptyFieldNameIsRefused() throws {
        let path = try sandbox.write("a.jsonl", #"{"id": "a", "conversations": [{"from": "human", "value": "q"}]}"#)
        XCTAssertThrowsError(try runImport([path], set: [("", "x")])) { error in
            XCTAssertEqual("\(error)", "--set: a field name is required (FIELD=VALUE)")
        }
    }

    func testReimportingTheSameFileAddsNothing() throws {
        let path = try sandbox.write("same.jsonl", Self.llavaRecords.joined(separator: "\n"))
        try runImport([path])
        let itemsBefore = try items()
        let summary = try runImport([path])
        XCTAssertEqual(summary.itemsAdded, 0)
        XCTAssertEqual(summary.unchanged, 4)
        XCTAssertEqual(summary.renamed, 0)
        XCTAssertEqual(summary.files, [.init(path: path, format: "llava (jsonl)", records: 4, itemsAdded: 0, unchanged: 4)])
        XCTAssertEqual(try items(), itemsBefore)
        XCTAssertEqual(try count("source_file"), 1)
    }

    func testReimportingTheSameFileLeavesEveryRowAsItWas() throws {
        let path = try sandbox.write("same.jsonl", Self.llavaRecords.joined(separator: "\n"))
        try runImport([path])
        let before = try dumpRows()
        try runImport([path])
        let after = try dumpRows()
        if after != before {
            let records = try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT records FROM source_file") }
            return XCTFail("re-importing an unchanged file changes source_file.records (4 records, now \(records ?? -1)): ItemWriter.write runs `UPDATE source_file SET records = records + 1` for unchanged records too")
        }
        XCTAssertEqual(after, before)
    }

    func testReimportingAFileWithADuplicateIdKeepsItsKeys() throws {
        let lines = ["x", "x"].map { #"{"id": "\#($0)", "conversations": [{"from": "human", "value": "q"}]}"# }
        let path = try sandbox.write("dup.jsonl", lines.joined(separator: "\n"))
        try runImport([path])
        let summary = try runImport([path])
        XCTAssertEqual(summary.itemsAdded, 0)
        XCTAssertEqual(summary.unchanged, 2)
        XCTAssertEqual(summary.renamed, 0)
        XCTAssertEqual(try items().map(\.key), ["x", "x#2"])
    }

    func testReimportingAChangedFileIsAnErrorNamingTheKeyAndWritesNothing() throws {
        let first = [
            #"{"id": "a", "conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "old"}]}"#,
            #"{"id": "b", "conversations": [{"from": "human", "value": "q"}]}"#,
        ]
        let path = try sandbox.write("data.jsonl", first.joined(separator: "\n"))
        try runImport([path])
        let before = try dumpRows()
        let changed = [first[0], #"{"id": "b", "conversations": [{"from": "human", "value": "changed"}]}"#, #"{"id": "c", "conversations": [{"from": "human", "value": "new"}]}"#]
        try sandbox.write("data.jsonl", changed.joined(separator: "\n"))
        XCTAssertEqual(try importError([path])?.description,
                       "\(path):2:1: record 1: key b was imported from data.jsonl before with different content; import the changed file under another name or into another database")
        XCTAssertEqual(try dumpRows(), before)
    }

    func testAFileWithTheSameContentUnderAnotherNameIsNewItems() throws {
        let text = #"{"id": "a", "conversations": [{"from": "human", "value": "q"}]}"#
        try runImport([try sandbox.write("one.jsonl", text)])
        let summary = try runImport([try sandbox.write("two.jsonl", text)])
        XCTAssertEqual(summary.itemsAdded, 1)
        XCTAssertEqual(summary.renamed, 1)
        XCTAssertEqual(try items().map(\.key), ["a", "a#2"])
    }

    func testFormatIsDetectedFromTheFirstRecord() {
        func detect(_ keys: [String]) -> ImportFormat? {
            ImportFormat.detect(JSONObject(keys.map { .init(key: $0, value: .null) }))
        }
        XCTAssertEqual(detect(["id", "conversations"]), .llava)
        XCTAssertEqual(detect(["id", "questions", "score"]), .questionSets)
        XCTAssertEqual(detect(["instruction", "output"]), .alpaca)
        XCTAssertEqual(detect(["instruction", "conversations"]), .llava)
        XCTAssertEqual(detect(["question_id", "text", "caption"]), .mmInstructQuestions)
        XCTAssertEqual(detect(["question_id", "text", "model_id"]), .mmInstructAnswers)
        XCTAssertEqual(detect(["question_id", "prompt", "text"]), .mmInstructAnswers)
        XCTAssertEqual(detect(["question_id", "answer_id"]), .mmInstructAnswers)
        XCTAssertNil(detect(["foo", "bar"]))
    }

    func testFormatOptionOverridesDetection() throws {
        let record = #"{"id": "both", "instruction": "Do X", "output": "done", "conversations": [{"from": "human", "value": "from conversations"}]}"#
        let path = try sandbox.write("both.jsonl", record)
        let summary = try runImport([path], format: .alpaca)
        XCTAssertEqual(summary.files.first?.format, "alpaca (jsonl)")
        XCTAssertEqual(try item("both")?.turns, turns([("human", "Do X"), ("gpt", "done")]))
        XCTAssertEqual(try item("both")?.fields.keys, ["conversations"])
    }

    func testUnknownFormatIsAnErrorNamingTheFieldsAndTheOption() throws {
        let path = try sandbox.write("odd.jsonl", #"{"foo": 1, "bar": 2}"#)
        XCTAssertEqual(try importError([path])?.description,
                       "\(path): record 0: cannot tell the format from the fields (foo, bar); name it with --format (llava, alpaca, question-sets, mm-instruct-questions, mm-instruct-answers)")
        XCTAssertEqual(try count("item"), 0)
    }

    func testAnEmptyListImportsNothing() throws {
        let path = try sandbox.write("empty.json", "[ ]\n")
        let summary = try runImport([path])
        XCTAssertEqual(summary.records, 0)
        XCTAssertEqual(summary.itemsAdded, 0)
        XCTAssertEqual(try count("item"), 0)
    }

    func testAMissingFileIsAnError() throws {
        let path = sandbox.path("nope.json")
        XCTAssertEqual(try importError([path])?.description, "\(path): no such file")
        XCTAssertEqual(try importError([sandbox.directory.path])?.description, "\(sandbox.directory.path): is a folder, not a data file")
    }
}
