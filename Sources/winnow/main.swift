import ArgumentParser
import WinnowCore

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
            ExportCommand.self,
            ConfigCommand.self,
            ModelCommand.self,
            SimulateCommand.self,
            BenchCommand.self,
        ])
}

Winnow.main(StoreOptions.movingLeadingOptions(Array(CommandLine.arguments.dropFirst())))
