import Foundation
import XCTest
import WinnowCore

/// The real MM-Instruct evaluation files in ../shared/data/mm-instruct-eval (not in the repository).
final class MMInstructCLITests: CLITestCase {
    private func mmInstructFiles() throws -> (questions: String, answers: [String]) {
        guard let shared = WinnowProcess.sharedData else {
            throw XCTSkip("MM-Instruct files not available: no ../shared beside the clone (\(WinnowProcess.packageRoot.deletingLastPathComponent().path)/shared/data)")
        }
        let folder = shared.appendingPathComponent("mm-instruct-eval")
        let answersFolder = folder.appendingPathComponent("answers")
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("questions.jsonl").path) else {
            throw XCTSkip("MM-Instruct files not available: no ../shared beside the clone with data/mm-instruct-eval/questions.jsonl")
        }
        let answers = try FileManager.default.contentsOfDirectory(atPath: answersFolder.path)
            .filter { $0.hasSuffix(".jsonl") }.sorted().map { answersFolder.appendingPathComponent($0).path }
        return (folder.appendingPathComponent("questions.jsonl").path, answers)
    }

    func testQuestionsAndAnswersImportAsOneItemPerAnswerGroupedByQuestion() throws {
        let files = try mmInstructFiles()
        XCTAssertEqual(files.answers.count, 8)
        let outcome = try succeed(["import", files.questions] + files.answers + ["--json"])
        let summary = try XCTUnwrap(json(outcome.stdout).objectValue)
        XCTAssertEqual(summary["items_added"], .number(792), "8 answer files of 99 answers")
        XCTAssertEqual(summary["records"], .number(891), "99 questions and 792 answers")
        XCTAssertEqual(summary["renamed_repeats"], .number(0))
        XCTAssertEqual(try succeed(["status", "--json"]).stdout, #"{"items":792,"groups":99,"labeled":0,"unlabeled":792,"annotators":{}}"# + "\n")

        // Spot-check question 0 as answered by gpt4v, against the files themselves.
        let firstQuestion = try String(contentsOfFile: files.questions, encoding: .utf8).split(separator: "\n")[0]
        let question = try XCTUnwrap(JSONParser.parse(String(firstQuestion)).objectValue)
        XCTAssertEqual(question["question_id"], .number(0))
        let caption = try XCTUnwrap(question["caption"]?.stringValue)
        let image = try XCTUnwrap(question["image"]?.stringValue)
        let row = try winnow.sqlite("""
            SELECT group_key, image, captions, json_extract(fields, '$.model_id'), json_extract(turns, '$[0].value') FROM item WHERE key = 'q0/gpt4v'
            """)
        let expectedCaptions = JSONValue.array([.string(caption)]).serialized()
        XCTAssertEqual(row, "answers:q0|\(image)|\(expectedCaptions)|GPT4-V|\(question["text"]?.stringValue ?? "")\n")
        // model_id is kept as the file gives it, even where it is wrong (CogVLM's file says InstructBlip).
        XCTAssertEqual(try winnow.sqlite("SELECT json_extract(fields, '$.model_id') FROM item WHERE key = 'q0/CogVLM'"), "InstructBlip\n")
        XCTAssertEqual(try winnow.sqlite("SELECT count(*) FROM item WHERE group_key = 'answers:q42'"), "8\n")

        // Importing again adds nothing.
        let again = try XCTUnwrap(json(try succeed(["import", files.questions] + files.answers + ["--json"]).stdout).objectValue)
        XCTAssertEqual(again["items_added"], .number(0))
        XCTAssertEqual(again["unchanged"], .number(792))
        XCTAssertEqual(try winnow.sqlite("SELECT count(*) FROM item"), "792\n")
    }

    func testAnswersWithoutTheQuestionFileAreRefused() throws {
        let files = try mmInstructFiles()
        let outcome = try winnow.run(["import", files.answers[0]])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertEqual(outcome.stderr, "Error: \(files.answers[0]): MM-Instruct answers need their question file in the same command (winnow import questions.jsonl \(files.answers[0]) ...)\n")
        XCTAssertEqual(try winnow.sqlite("SELECT count(*) FROM item"), "0\n")
    }
}
