import Foundation
import GRDB
import WinnowCore
import WinnowTUI

/// A temporary database with a few items and a small rubric, for driving the labeling screen headless.
final class LabelFixture {
    let directory: URL
    let store: Store
    let rubric: Rubric
    var clock: Double = 1_000_000

    static let rubricYAML = """
        name: test-rubric
        version: "1"
        criteria:
          - id: correctness
            title: Correctness
            question: Is it right?
            kind: scale
            values: [1, 2, 3, 4, 5]
            anchors: {1: Wrong, 5: Right}
            required: true
            better: higher
          - id: hallucination
            title: Hallucination
            question: Does it invent things?
            kind: flag
            required: true
            better: false
          - id: tone
            title: Tone
            question: How does it sound?
            kind: choice
            values: [plain, warm, rude]
        """

    init(records: [String]? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-label-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try Store(path: directory.appendingPathComponent("db.sqlite").path)
        rubric = try Rubric.parse(yaml: Self.rubricYAML, file: "test.yaml")
        let lines = records ?? (1...4).map { i in
            #"{"id": "item\#(i)", "image": "img\#(i).png", "conversations": [{"from": "human", "value": "<image>\nQuestion \#(i)?"}, {"from": "gpt", "value": "Answer \#(i)."}]}"#
        }
        let file = directory.appendingPathComponent("data.jsonl")
        try Data(lines.joined(separator: "\n").utf8).write(to: file)
        _ = try Importer(store: store).run(Importer.Options(files: [file.path]))
    }

    func controller(annotator: String = "ana") throws -> LabelController {
        let controller = try LabelController(
            store: store, rubric: rubric, annotator: annotator, imagesDirectory: directory.path, colorMode: .none,
            now: { self.clock })
        controller.resize(width: 120, height: 40)
        try controller.waitForQueueOrder()  // the queue's order, not the random picks made while it is computed
        try controller.start()
        return controller
    }

    /// Current labels of `annotator`, by item key.
    func labels(_ annotator: String = "ana") throws -> [String: String] {
        var result: [String: String] = [:]
        for label in try LabelLog(store: store).currentLabels() where label.event.annotator == annotator {
            result[label.itemKey] = label.event.scores
        }
        return result
    }

    func events() throws -> [LabelEvent] {
        try store.labelEvents()
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

extension LabelController {
    /// Presses keys in order; returns false if one of them quit.
    @discardableResult
    func press(_ keys: Key...) throws -> Bool {
        for key in keys where try !handle(key) { return false }
        return true
    }

    func type(_ text: String) throws {
        for c in text { try handle(.char(c)) }
    }
}
