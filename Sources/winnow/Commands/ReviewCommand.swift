import ArgumentParser
import Foundation
import Logging
import WinnowCore
import WinnowTUI
import WinnowTerminal

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Settle disagreements into gold labels (the lead's review screen).",
        discussion: """
            The queue: items where annotators disagree (largest normalised distance first), then items where the \
            reward model and the humans disagree beyond the model's 95% interval, then flagged items. Each \
            criterion shows every annotator's value and the model's prediction; the criteria they agree on start \
            with the common value. Enter saves a label of role gold, committed before the next item appears. \
            With config auto_accept_unanimous (default true), items on which every annotator (two or more) agrees \
            and nobody flagged are accepted as gold automatically (annotator auto, source unanimous). Press ? for all keys.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The rubric the labels were given under.", valueName: "rubric.yaml"))
    var rubric: String

    @Option(help: ArgumentHelp("Your name as the lead in the label log (default: your login name).", valueName: "name"))
    var annotator: String?

    @Option(help: ArgumentHelp("Only items disputed on this criterion.", valueName: "id")) var criterion: String?

    @Option(name: .customLong("only-annotator"), help: ArgumentHelp("Only items this annotator labeled.", valueName: "name"))
    var onlyAnnotator: String?

    @Option(help: ArgumentHelp("Folder that image paths in the data are relative to (default: the current folder).", valueName: "dir"))
    var images: String?

    func run() throws {
        let rubric = try Rubric.load(path: rubric)
        let name = annotator ?? LoginName.current()
        guard !name.isEmpty else { throw ValidationError("--annotator is empty") }
        let store = try store.openExisting()
        let logger = FileLog.logger(besideDatabase: store.path)
        logger.info("review session started", metadata: ["lead": "\(name)", "rubric": "\(rubric.name) v\(rubric.version)"])
        let filter = ReviewQueue.Filter(criterion: criterion, annotator: onlyAnnotator)
        let images = images
        try MainActor.assumeIsolated {
            let controller = try ReviewController(store: store, rubric: rubric, lead: name, filter: filter, imagesDirectory: images,
                                                  colorMode: .palette256)
            // The queue is built (and a filter naming nothing refused) before the terminal is taken over.
            try controller.start()
            let app = AppLoop(root: controller, inbox: Inbox())
            do {
                try TerminalSession.run(app) { terminal in
                    controller.colorMode = terminal.colorCapability.imageColorMode
                    controller.graphics = terminal.graphics
                    let size = terminal.size()
                    controller.resize(width: size.width, height: size.height)
                }
            } catch {
                logger.error("review session stopped: \(error)")
                throw error
            }
        }
        logger.info("review session ended", metadata: ["lead": "\(name)"])
    }
}
