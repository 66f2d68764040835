import ArgumentParser
import Foundation
import Logging
import WinnowCore
import WinnowTUI
import WinnowTerminal

struct LabelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Grade items at the keyboard (the labeling screen).",
        discussion: """
            Every Enter commits the label to the database before the next item appears. Press ? on the
            screen for all keys. The item on screen is leased (config lease_seconds) so two annotators
            sharing a database are not served the same item; quitting keeps the lease, so the next run
            resumes on it.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The rubric file to grade against.", valueName: "rubric.yaml"))
    var rubric: String

    @Option(help: ArgumentHelp("Your name in the label log (default: your login name).", valueName: "name"))
    var annotator: String?

    @Option(help: ArgumentHelp("Folder that image paths in the data are relative to (default: the current folder).", valueName: "dir"))
    var images: String?

    @Flag(help: "Show the reward model's predictions (for leads; annotators should not see them).")
    var showModel = false

    @Flag(help: "Do not refit the reward model in the background (e.g. when `winnow worker` runs elsewhere).")
    var noWorker = false

    func run() throws {
        let rubric = try Rubric.load(path: rubric)
        let name = annotator ?? LoginName.current()
        guard !name.isEmpty else { throw ValidationError("--annotator is empty") }
        let store = try store.open()
        let logger = FileLog.logger(besideDatabase: store.path)
        logger.info("label session started", metadata: ["annotator": "\(name)", "rubric": "\(rubric.name) v\(rubric.version)"])
        // The reward model refits on a background thread with its own connections; a save never waits
        // for it, and the queue picks up each new model version when it asks for the next item. The
        // screen hears of each refit through the app's inbox (and polls for refits made elsewhere).
        let inbox = Inbox()
        var worker: Worker?
        if !noWorker {
            let background = Worker(store: store, rubric: rubric)
            background.log = { line in logger.info("\(line)") }
            background.refitted = { version in inbox.post(ModelRefitted(version: version)) }
            background.start()
            worker = background
        }
        defer { worker?.stop(wait: true) }
        let images = images, showModel = showModel
        try MainActor.assumeIsolated {
            let controller = try LabelController(store: store, rubric: rubric, annotator: name, imagesDirectory: images, colorMode: .palette256)
            controller.showModel = showModel
            let app = AppLoop(root: controller, inbox: inbox)
            // The guidelines open over the first item; any key goes on to grading.
            if let guide = controller.guidelines { app.push(guide) }
            do {
                try TerminalSession.run(app) { terminal in
                    controller.colorMode = terminal.colorCapability.imageColorMode
                    let size = terminal.size()
                    controller.resize(width: size.width, height: size.height)
                    try controller.start()
                }
            } catch {
                logger.error("label session stopped: \(error)")
                throw error
            }
        }
        logger.info("label session ended", metadata: ["annotator": "\(name)"])
    }
}

/// The login name, for the label log when --annotator is not given.
enum LoginName {
    static func current() -> String {
        if let user = ProcessInfo.processInfo.environment["USER"], !user.isEmpty { return user }
        if let login = getlogin() { return String(cString: login) }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "annotator"
    }
}
