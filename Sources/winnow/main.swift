import ArgumentParser
import Foundation
import WinnowCore
import WinnowTUI

/// The `winnow` command: each subcommand is a small type in Commands/.
struct Winnow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "winnow",
        abstract: "Grade multimodal instruction data against a rubric, with a reward model in the loop.",
        version: WinnowCore.version,
        subcommands: [
            LabelCommand.self,
            ImportCommand.self,
            StatusCommand.self,
            RubricCommand.self,
            LabelsCommand.self,
            WorkerCommand.self,
            EmbeddingsCommand.self,
            StatsCommand.self,
            ReviewCommand.self,
            DisagreementsCommand.self,
            GoldCommand.self,
            FlagsCommand.self,
            ExportCommand.self,
            ConfigCommand.self,
            ModelCommand.self,
            SimulateCommand.self,
            BenchCommand.self,
        ])
}

// As `Winnow.main`, but every message (an error quotes keys, names, file names and expressions from the
// user's data) passes through the screen's sanitising before it reaches the terminal.
do {
    var command = try Winnow.parseAsRoot(StoreOptions.movingLeadingOptions(Array(CommandLine.arguments.dropFirst())))
    try command.run()
} catch {
    let code = Winnow.exitCode(for: error)
    let message = Winnow.fullMessage(for: error)
    if !message.isEmpty {
        let text = Data((Sanitizer.displayable(message) + "\n").utf8)
        (code == .success ? FileHandle.standardOutput : FileHandle.standardError).write(text)
    }
    exit(code.rawValue)
}
