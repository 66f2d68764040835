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

    @Flag(help: "Grade a whole group of candidates (the answers to one prompt) on one screen, side by side; one Enter saves them all.")
    var byGroup = false

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
        if byGroup {
            try runGroups(store: store, rubric: rubric, annotator: name, images: images, inbox: inbox, logger: logger)
            logger.info("label session ended", metadata: ["annotator": "\(name)"])
            return
        }
        if rubric.hasRanking {
            Output.warning("the rubric's rankings (\(rubric.criteria.filter { $0.kind == .rank }.map(\.id).joined(separator: ", "))) are given on the group screen only (--by-group); this screen leaves them out")
        }
        try MainActor.assumeIsolated {
            let controller = try LabelController(store: store, rubric: rubric, annotator: name, imagesDirectory: images, colorMode: .palette256)
            controller.showModel = showModel
            try Self.run(controller, inbox: inbox, logger: logger)
        }
        logger.info("label session ended", metadata: ["annotator": "\(name)"])
    }
}

/// What `winnow label` runs: the labeling screen or the group screen.
@MainActor
protocol GradingSession: Screen {
    var colorMode: ColorMode { get set }
    var graphics: GraphicsProtocol { get set }
    var guidelines: TextScreen? { get }
    func resize(width: Int, height: Int)
    func start() throws
}

extension LabelController: GradingSession {}
extension GroupController: GradingSession {}

extension LabelCommand {
    /// Runs a grading screen on the terminal: the rubric's guidelines over the first item (any key goes on
    /// to grading), the image in the terminal's colours, the first item served at the terminal's size.
    @MainActor
    static func run(_ controller: some GradingSession, inbox: Inbox, logger: Logger) throws {
        let app = AppLoop(root: controller, inbox: inbox)
        if let guide = controller.guidelines { app.push(guide) }
        do {
            try TerminalSession.run(app) { terminal in
                controller.colorMode = terminal.colorCapability.imageColorMode
                controller.graphics = terminal.graphics
                let size = terminal.size()
                controller.resize(width: size.width, height: size.height)
                try controller.start()
            }
        } catch {
            logger.error("label session stopped: \(error)")
            throw error
        }
    }

    /// The group screen: one group of candidates per screen.
    func runGroups(store: Store, rubric: Rubric, annotator: String, images: String?, inbox: Inbox, logger: Logger) throws {
        try MainActor.assumeIsolated {
            let controller = try GroupController(store: store, rubric: rubric, annotator: annotator, imagesDirectory: images, colorMode: .palette256)
            if controller.groupsQueued == 0 {
                throw ValidationError("no group of two or more candidates to grade in \(store.path) (import candidate answers, question sets or MM-Instruct answers; `winnow label` grades single items)")
            }
            if controller.groupsTooLarge > 0 {
                Output.warning("\(controller.groupsTooLarge) group(s) have more than \(GroupServer.maximumMembers) candidates; grade those with `winnow label`")
            }
            try Self.run(controller, inbox: inbox, logger: logger)
        }
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
