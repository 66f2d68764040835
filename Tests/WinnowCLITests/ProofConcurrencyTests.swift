import Foundation
import XCTest
import WinnowCore
import WinnowTestSupport

/// The proof suite's concurrency: 8 writers on one database for a bounded time (3 labeling screens in
/// tmux, each with its background worker, 2 workers, 2 label imports, 1 data import, the last five as
/// processes run over and over). No label is lost, no "database is locked" (or any other failure) reaches
/// anyone, with `overlap` 0 no item is graded by two of the labeling screens, and one refit at a time:
/// the model versions' spans (refit start to switch, with the holder of the lock) never overlap, across
/// the five workers. Reduced: 8 seconds; full (`WINNOW_PROOF_FULL=1`): 90.
final class ProofConcurrencyTests: XCTestCase {
    private var winnow: WinnowProcess!
    private var sessions: [Tmux] = []

    override func setUpWithError() throws {
        guard Tmux.isAvailable else { throw XCTSkip("tmux is not installed (scripts/install-deps installs it)") }
        winnow = try WinnowProcess()
        let sample = WinnowProcess.packageRoot.appendingPathComponent("data/sample").path
        try XCTAssertEqual(winnow.run(["import", "\(sample)/conversation.json", "\(sample)/alpaca.jsonl"]).status, 0)
        // Labels enough for a model from the start (20 labeled items), so every worker refits.
        let records = (0..<30).map { #"{"id": "seed-\#($0)", "conversations": [{"from": "human", "value": "Seed question \#($0)?"}, {"from": "gpt", "value": "\#(String(repeating: "word ", count: 1 + $0 % 7))"}]}"# }
        try XCTAssertEqual(winnow.run(["import", try winnow.write("seed.jsonl", records.joined(separator: "\n") + "\n")]).status, 0)
        let labels = (0..<24).map { n in
            #"{"item": "seed-\#(n)", "annotator": "seeder", "scores": {"image_relevance": \#(1 + n % 5), "instruction_clarity": \#(1 + n % 3), "answer_correctness": \#(5 - n % 5), "hallucination": \#(n % 2 == 0), "helpfulness": \#(1 + n % 4)}}"#
        }
        try XCTAssertEqual(winnow.run(["labels", "import", try winnow.write("seed-labels.jsonl", labels.joined(separator: "\n") + "\n"), "--rubric", rubric]).status, 0)
    }

    override func tearDown() {
        sessions.forEach { $0.kill() }
        winnow?.remove()
    }

    private var rubric: String { WinnowProcess.packageRoot.appendingPathComponent("rubrics/llava-quality.yaml").path }
    private static let criteria = ["image_relevance", "instruction_clarity", "answer_correctness", "hallucination", "helpfulness", "language_quality"]

    /// What the background writers report: every run's outcome that was not a success.
    private final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var lines: [String] = []
        private(set) var runs = 0
        /// `worker --once` runs that found another worker refitting.
        private(set) var lockedOut = 0
        func record(_ what: String, _ outcome: WinnowProcess.Outcome) {
            lock.lock()
            defer { lock.unlock() }
            runs += 1
            if outcome.stdout.contains("another worker is refitting") { lockedOut += 1 }
            if outcome.status != 0 || outcome.stderr.lowercased().contains("locked") {
                lines.append("\(what): exit \(outcome.status): \(outcome.stderr)")
            }
        }
    }

    func testEightWritersAtOnceLoseNothingAndNobodySeesALock() throws {
        let seconds = Double(ProofSize.count(reduced: 8, full: 90))
        XCTAssertEqual(try winnow.run(["config", "set", "overlap", "0"]).status, 0)
        let log = winnow.directory.appendingPathComponent("winnow.log").path
        let root = WinnowProcess.packageRoot.path
        let annotators = ["ana", "ben", "cy"]
        for name in annotators {
            let command = [WinnowProcess.binary.path, "label", "--db", winnow.database.path, "--rubric", rubric,
                           "--images", "\(root)/data/sample/images", "--annotator", name].map(Tmux.quote).joined(separator: " ")
            sessions.append(try Tmux(command: command, environment: ["WINNOW_LOG": log]))
        }

        let failures = Failures()
        let deadline = Date().addingTimeInterval(seconds)
        let group = DispatchGroup()
        let process = winnow!
        func loop(_ what: String, _ arguments: @escaping @Sendable (Int) throws -> [String]) {
            group.enter()
            DispatchQueue.global().async {
                defer { group.leave() }
                var n = 0
                while Date() < deadline {
                    do {
                        failures.record(what, try process.run(try arguments(n), environment: ["WINNOW_LOG": log]))
                    } catch {
                        failures.record(what, WinnowProcess.Outcome(status: -1, stdout: "", stderr: "\(error)"))
                    }
                    n += 1
                }
            }
        }
        let rubric = self.rubric
        for w in 0..<2 { loop("worker \(w)") { _ in ["worker", "--once", "--force", "--rubric", rubric] } }
        for w in 0..<2 {
            loop("labels import \(w)") { n in
                let scores = #""image_relevance": 4, "instruction_clarity": 4, "answer_correctness": 4, "hallucination": false, "helpfulness": 4"#
                let lines = ["alp-1", "alp-2", "alp-3", "alp-4"].map {
                    #"{"item": "\#($0)", "annotator": "importer\#(w)", "scores": {\#(scores)}, "note": "run \#(n)"}"#
                }
                return ["labels", "import", try process.write("labels-\(w)-\(n).jsonl", lines.joined(separator: "\n") + "\n"), "--rubric", rubric]
            }
        }
        loop("data import") { n in
            let records = (0..<3).map { #"{"id": "new-\#(n)-\#($0)", "conversations": [{"from": "human", "value": "Question \#(n).\#($0)?"}, {"from": "gpt", "value": "An answer."}]}"# }
            return ["import", try process.write("more-\(n).jsonl", records.joined(separator: "\n") + "\n")]
        }

        // The labeling screens, driven in turn until the time is up: each save waits for the screen to count it.
        var expected: [String: [String: String]] = [:]
        var random = SeededGenerator(seed: 19)
        for (session, _) in zip(sessions, annotators) {
            _ = try session.waitFor(text: ": guidelines", timeout: 30)
            try session.send("Escape")
        }
        var saves = 0
        while Date() < deadline {
            for (session, name) in zip(sessions, annotators) where (expected[name]?.count ?? 0) < 5 {
                let screen = try session.waitFor("an item", timeout: 30) { $0.contains("item ") && $0.contains("session ") && !$0.contains(": guidelines") }
                guard let key = capture(screen, #"item [^ \n]+"#), let saved = capture(screen, #"session [0-9]+"#).flatMap(Int.init) else { continue }
                let values = (0..<6).map { i in i == 3 ? Int.random(in: 0...1, using: &random) : Int.random(in: 1...5, using: &random) }
                try Tmux.run(["-S", session.socket, "send-keys", "-t", session.name] + values.map(String.init) + ["Enter"])
                _ = try session.waitFor("\(name)'s save \(saved + 1)", timeout: 30) { self.capture($0, #"session [0-9]+"#).flatMap(Int.init) == saved + 1 }
                XCTAssertFalse(try session.screen().contains("Not saved"), "\(name): a save was refused")
                expected[name, default: [:]][key] = "{" + zip(Self.criteria, values).map { c, v in
                    "\"\(c)\":" + (c == "hallucination" ? (v == 1 ? "true" : "false") : "\(v)")
                }.joined(separator: ",") + "}"
                saves += 1
            }
            if annotators.allSatisfy({ (expected[$0]?.count ?? 0) >= 5 }) { usleep(100_000) }
        }
        group.wait()
        for session in sessions {
            XCTAssertFalse(try session.screen().lowercased().contains("locked"))
            try session.send("q")
            _ = try session.waitFor(text: "EXITED rc=0", timeout: 30)
        }

        XCTAssertEqual(failures.lines, [], "runs that failed or saw a lock")
        var graders: [String: Set<String>] = [:]
        var logged: [String: [String: String]] = [:]
        for line in try winnow.run(["labels", "export"]).stdout.split(separator: "\n") {
            guard let object = try JSONParser.parse(String(line)).objectValue, let annotator = object["annotator"]?.stringValue,
                  let item = object["item"]?.stringValue, let scores = object["scores"] else { continue }
            logged[annotator, default: [:]][item] = scores.serialized()
            if annotators.contains(annotator) { graders[item, default: []].insert(annotator) }
        }
        for name in annotators {
            for (key, scores) in expected[name] ?? [:] { XCTAssertEqual(logged[name]?[key], scores, "\(name)'s label of \(key)") }
        }
        XCTAssertEqual(graders.filter { $0.value.count > 1 }.keys.sorted(), [], "items graded by two screens with overlap 0")
        for w in 0..<2 { XCTAssertEqual(logged["importer\(w)"]?.count, 4, "importer\(w)'s labels") }
        XCTAssertEqual(try winnow.sqlite("PRAGMA integrity_check").trimmingCharacters(in: .whitespacesAndNewlines), "ok")

        // One refit at a time: each version began after the one before it was switched in.
        let spans = try winnow.sqlite("""
            SELECT id, json_extract(metrics, '$.started_at'), json_extract(metrics, '$.switched_at'), json_extract(metrics, '$.lock_holder')
            FROM model_version ORDER BY id
            """).split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertGreaterThanOrEqual(spans.count, 2, "refits to compare")
        for (previous, span) in zip([nil] + spans.map { Optional($0) }, spans) {
            guard span.count == 4, let start = Double(span[1]), let end = Double(span[2]), !span[3].isEmpty else {
                XCTFail("model version \(span): no span or no lock holder")
                continue
            }
            XCTAssertLessThan(start, end, "model version \(span[0])")
            if let previous, let previousEnd = Double(previous[2]) {
                XCTAssertGreaterThan(start, previousEnd, "model version \(span[0]) began before \(previous[0]) was switched in: two refits at once")
            }
        }
        let refitters = Set(spans.compactMap { $0.count == 4 ? $0[3] : nil })
        XCTAssertGreaterThanOrEqual(refitters.count, 2, "refits by several workers")
        ProofSize.report("8 concurrent writers for \(Int(seconds)) s: \(saves) saves on 3 screens checked, \(failures.runs) worker, label import and data import runs, \(failures.lines.count) failures; \(spans.count) refits by \(refitters.count) lock holders checked one at a time, \(failures.lockedOut) worker runs found the lock held")
    }

    private func capture(_ screen: String, _ pattern: String) -> String? {
        guard let range = screen.range(of: pattern, options: .regularExpression) else { return nil }
        return String(screen[range]).split(separator: " ").last.map(String.init)
    }
}
