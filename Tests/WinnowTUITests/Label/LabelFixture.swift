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

    init(records: [String]? = nil, rubricYAML: String = LabelFixture.rubricYAML) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-label-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try Store(path: directory.appendingPathComponent("db.sqlite").path)
        rubric = try Rubric.parse(yaml: rubricYAML, file: "test.yaml")
        let lines = records ?? (1...4).map { i in
            #"{"id": "item\#(i)", "image": "img\#(i).png", "conversations": [{"from": "human", "value": "<image>\nQuestion \#(i)?"}, {"from": "gpt", "value": "Answer \#(i)."}]}"#
        }
        let file = directory.appendingPathComponent("data.jsonl")
        try Data(lines.joined(separator: "\n").utf8).write(to: file)
        _ = try Importer(store: store).run(Importer.Options(files: [file.path]))
    }

    /// The labeling screen in an app loop, at 120x40, on the fixture's clock.
    func controller(annotator: String = "ana", showModel: Bool = false) throws -> LabelDriver {
        let controller = try LabelController(
            store: store, rubric: rubric, annotator: annotator, imagesDirectory: directory.path, colorMode: .none,
            now: { self.clock })
        controller.showModel = showModel
        try controller.waitForQueueOrder()  // the queue's order, not the random picks made while it is computed
        try controller.start()
        let app = AppLoop(root: controller, now: { self.clock })
        app.resize(width: 120, height: 40)
        return LabelDriver(app: app, controller: controller)
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

/// Keys in, frames out: the labeling screen driven through the app loop as `winnow label` drives it
/// (prompts and help are screens pushed on top).
final class LabelDriver {
    let app: AppLoop
    let controller: LabelController

    init(app: AppLoop, controller: LabelController) {
        self.app = app
        self.controller = controller
    }

    var state: LabelScreenState { controller.state }
    var currentItem: Int64? { controller.currentItem }
    func frame() -> Grid { app.frame() }

    /// Presses keys in order; returns false if one of them quit.
    @discardableResult
    func press(_ keys: Key...) throws -> Bool {
        for key in keys where try !app.send(key) { return false }
        return true
    }

    func type(_ text: String) throws {
        for c in text { try app.send(.char(c)) }
    }

    /// No key: a tick of the loop, as when the key read times out.
    func idle() throws { try app.tick() }
}
