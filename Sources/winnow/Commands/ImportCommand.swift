import ArgumentParser
import Foundation
import WinnowCore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import data files (LLaVA JSON/JSONL, candidates, question sets, Alpaca, MM-Instruct).",
        discussion: """
            The format is told from the first record unless --format names it. Everything of one command is
            written in one transaction: on a bad record nothing is written and the error names the file, line,
            column, record and field. Importing the same file again adds nothing.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("Data files, JSON list or JSONL.", valueName: "file"))
    var files: [String]

    @Option(help: ArgumentHelp("A COCO captions file; captions are matched to each record's image.", valueName: "coco.json"))
    var captions: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Stamp FIELD=VALUE on every record of this command (repeatable).", valueName: "field=value"))
    var setFields: [String] = []

    @Option(help: ArgumentHelp("The record format: \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "format"))
    var format: String?

    @Option(help: ArgumentHelp("Import the files' `score` values as labels with role `imported` from this source.", valueName: "name"))
    var scoresAs: String?

    @Option(help: ArgumentHelp("The rubric criterion the imported scores are for (with --scores-as).", valueName: "id"))
    var scoresCriterion: String?

    @Option(help: ArgumentHelp("The rubric file the imported scores are checked against (with --scores-as).", valueName: "rubric.yaml"))
    var rubric: String?

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func validate() throws {
        if let format, ImportFormat(rawValue: format) == nil {
            throw ValidationError("unknown --format '\(format)'; expected one of: \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for pair in setFields where !pair.contains("=") || pair.hasPrefix("=") {
            throw ValidationError("--set takes FIELD=VALUE, got '\(pair)'")
        }
        if (scoresAs != nil || scoresCriterion != nil) && (scoresAs == nil || scoresCriterion == nil || rubric == nil) {
            throw ValidationError("--scores-as needs --scores-criterion and --rubric")
        }
    }

    func run() throws {
        let started = Date()
        let pairs = setFields.map { pair -> (String, String) in
            let i = pair.firstIndex(of: "=")!
            return (String(pair[..<i]), String(pair[pair.index(after: i)...]))
        }
        var options = Importer.Options(files: files, captions: captions, setFields: pairs, format: format.flatMap(ImportFormat.init(rawValue:)))
        if let scoresAs, let scoresCriterion, let rubric {
            options.scoreLabels = try ScoreImport.labels(source: scoresAs, criterion: scoresCriterion, rubricPath: rubric)
        }
        options.progress = { progress in
            Output.progress(label: (progress.file as NSString).lastPathComponent, fraction: Double(progress.bytesRead) / Double(max(1, progress.totalBytes)))
        }
        let summary: Importer.Summary
        do {
            summary = try Importer(store: store.open()).run(options)
        } catch {
            Output.endProgress()
            throw error
        }
        Output.endProgress()
        let seconds = Date().timeIntervalSince(started)
        if json {
            Output.json(.object(JSONObject([
                "files": .array(summary.files.map { file in
                    .object(JSONObject([
                        "path": .string(file.path), "format": .string(file.format), "records": .number(file.records),
                        "items_added": .number(file.itemsAdded), "unchanged": .number(file.unchanged),
                    ]))
                }),
                "records": .number(summary.records),
                "items_added": .number(summary.itemsAdded),
                "unchanged": .number(summary.unchanged),
                "renamed_repeats": .number(summary.renamed),
                "labels_added": .number(summary.labelsAdded),
                "scores_rounded": .number(summary.scoresRounded),
                "seconds": .number((seconds * 1000).rounded() / 1000),
            ])))
        } else {
            for file in summary.files {
                Output.text("\(file.path): \(file.format), \(file.records) records, \(file.itemsAdded) items added, \(file.unchanged) unchanged")
            }
            var line = "imported \(summary.itemsAdded) items from \(summary.records) records in \(summary.files.count) file\(summary.files.count == 1 ? "" : "s")"
            var extras: [String] = []
            if summary.unchanged > 0 { extras.append("\(summary.unchanged) already there") }
            if summary.renamed > 0 { extras.append("\(summary.renamed) with repeated ids renamed ID#N") }
            if summary.labelsAdded > 0 { extras.append("\(summary.labelsAdded) imported labels") }
            if summary.scoresRounded > 0 { extras.append("\(summary.scoresRounded) scores rounded to the nearest scale value") }
            if !extras.isEmpty { line += " (" + extras.joined(separator: ", ") + ")" }
            line += String(format: " in %.2f s", seconds)
            Output.text(line)
        }
    }
}
