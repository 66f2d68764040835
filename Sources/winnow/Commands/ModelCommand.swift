import ArgumentParser
import Foundation
import WinnowCore

/// `winnow model report [--json] [--rubric R] [--folds K] [--seed N]`: the current reward model's quality.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Inspect the reward model.",
        subcommands: [ModelReportCommand.self])
}

struct ModelReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Cross-validate the current reward model: Spearman, pairwise accuracy, interval coverage, learning curve, strongest features.",
        discussion: """
            Folds are grouped: items that share a candidate group or an image are never split between folds. \
            Each fold is fitted exactly as the worker fits (same labels, same options) on the other folds' labels. \
            The same metrics are also given over the randomly explored items alone (first served with reason \
            explore), since uncertainty-first serving biases the pooled figures. Undefined metrics are null (—). \
            Without a model the command fails; with --json it prints {"model_version": null, ...} and exits 0.
            """)

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    @Option(help: ArgumentHelp("The rubric to evaluate (default: the current model's rubric, from the database).", valueName: "rubric.yaml"))
    var rubric: String?

    @Option(help: ArgumentHelp("Number of cross-validation folds.", valueName: "k"))
    var folds = 5

    @Option(help: ArgumentHelp("Seed of the fold assignment, subsamples and fits (default: the config's seed).", valueName: "n"))
    var seed: UInt64?

    func validate() throws {
        guard folds >= 2 else { throw ValidationError("--folds takes at least 2, got \(folds)") }
    }

    func run() throws {
        let database = try store.openExisting()
        let rubric = try self.rubric.map { try Rubric.load(path: $0) }
        if let rubric, let warning = try RubricScope.check(database, rubric: rubric) { Output.error(warning) }
        let made = try Output.withProgress("cross-validating") { report in
            try ModelReport.make(store: database, rubric: rubric, folds: folds, seed: seed, progress: report)
        }
        guard let report = made else {
            if json {
                Output.json(.object(JSONObject([
                    "model_version": .null, "labels": .number(0), "cv": .null, "explored": .null, "learning_curve": .array([]),
                    "baselines": .null, "top_features": .array([]), "reason": .string("no model yet"),
                ])))
                return
            }
            Output.error("no reward model yet in \(store.path): run `winnow worker --rubric R` once 20 items are labeled")
            throw ExitCode(1)
        }
        if json { Output.json(report.json()) } else { Output.text(report.text()) }
    }
}
