import ArgumentParser
import WinnowCore

struct LabelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "labels", abstract: "Bring labels in from a file, or write the current labels out.",
        subcommands: [Import.self, Export.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append labels from a JSONL file, each checked against the rubric (all or nothing).")
        @OptionGroup var store: StoreOptions
        @Argument(help: ArgumentHelp("Labels, one {\"item\", \"annotator\", \"scores\"} object a line.", valueName: "file.jsonl"))
        var file: String
        @Option(help: ArgumentHelp("The rubric the labels were given under.", valueName: "rubric.yaml")) var rubric: String
        @Flag(help: "Print the summary as JSON.") var json = false

        func run() throws {
            let rubric = try Rubric.load(path: rubric)
            let summary = try LabelFile.importLabels(path: file, rubric: rubric, store: store.open())
            if json {
                Output.json(.object(JSONObject([
                    "lines": .number(summary.lines), "added": .number(summary.added), "unchanged": .number(summary.unchanged),
                ])))
            } else {
                Output.text("\(file): \(summary.lines) lines, \(summary.added) labels added, \(summary.unchanged) unchanged")
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the current labels as JSONL (the format `labels import` reads).")
        @OptionGroup var store: StoreOptions
        @Option(help: ArgumentHelp("Only labels given under this rubric.", valueName: "rubric.yaml")) var rubric: String?
        @Flag(help: "Print one JSON list instead of one object a line.") var json = false

        func run() throws {
            let hash = try rubric.map { try Rubric.load(path: $0).contentHash }
            let labels = try LabelLog(store: store.openExisting()).currentLabels(rubricHash: hash)
            let lines = labels.map(LabelFile.line)
            if json {
                Output.json(.array(lines))
            } else {
                for line in lines { print(line.serialized()) }
            }
        }
    }
}
