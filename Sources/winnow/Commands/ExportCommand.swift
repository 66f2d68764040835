import ArgumentParser
import Foundation
import WinnowCore
import WinnowTUI

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the curated subset (LLaVA JSON, JSONL, preference pairs, SteerLM) with a manifest.",
        discussion: """
            Selection stages (--where, --best-per-group, --top-fraction with --per, --limit) apply in the order
            given; ties break by item key. With no selection option every item is exported. The file is written
            under a temporary name and renamed when complete; FILE.manifest.json beside it says how the subset
            was chosen.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Output format: \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "format"))
    var format: String

    @Option(help: ArgumentHelp("The file to write.", valueName: "file"))
    var out: String?

    @Option(help: ArgumentHelp("The rubric the labels were given under.", valueName: "rubric.yaml"))
    var rubric: String

    @Option(help: ArgumentHelp("Which scores decide: gold, human (gold else consensus), model, best (gold > consensus > model), imported[:NAME] (imported scores, e.g. a dataset's released ones).", valueName: "source"))
    var source: String?

    @Option(name: .customLong("where"), help: ArgumentHelp("Keep items for which EXPR holds, e.g. \"overall >= 0.7 and hallucination == false\".", valueName: "expr"))
    var whereExpressions: [String] = []

    @Flag(help: "Keep the best candidate of each group; records with candidate turns are assembled from the best of each turn.")
    var bestPerGroup = false

    @Option(help: ArgumentHelp("Keep the best fraction X of each stratum (see --per).", valueName: "x"))
    var topFraction: [Double] = []

    @Option(help: ArgumentHelp("The field whose values are the strata of the --top-fraction before it (e.g. type); the first --per also names the strata the counts are broken down by.", valueName: "field"))
    var per: [String] = []

    @Option(help: ArgumentHelp("Keep the N best.", valueName: "n"))
    var limit: [Int] = []

    @Flag(help: "Add each record's captions as a \"captions\" list (llava, jsonl).")
    var withCaptions = false

    @Option(help: ArgumentHelp("Criteria summed for a candidate's preference score, or overall (dpo, dpo-llava; default helpfulness,correctness,coherence when the rubric has them, else overall).", valueName: "a,b,c"))
    var pairCriteria: String?

    @Option(help: ArgumentHelp("Minimum score difference between chosen and rejected (dpo, dpo-llava; default one sixth of the score's range: 2 for HelpSteer's three).", valueName: "m"))
    var margin: Double?

    @Option(help: ArgumentHelp("Which pairs a group gives (dpo, dpo-llava): extremes (its best against its worst answer) or all (every two answers in its order; a ranking of n gives n(n-1)/2).", valueName: "all|extremes"))
    var pairs: String = "extremes"

    @Flag(help: "Write the file even when nothing is selected (else an empty selection is an error that says which step emptied it).")
    var allowEmpty = false

    @Option(help: ArgumentHelp("Folder joined to image paths (dpo, dpo-llava).", valueName: "dir"))
    var imageRoot: String?

    @Option(help: ArgumentHelp("The system text of SteerLM records.", valueName: "text"))
    var system = ""

    @Flag(help: "Print counts per stratum and per source before and after selection; write nothing.")
    var dryRun = false

    func validate() throws {
        guard ExportFormat(rawValue: format) != nil else {
            throw ValidationError("unknown --format '\(format)'; expected one of: \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let source, ScoreSource(parsing: source) == nil {
            throw ValidationError("unknown --source '\(source)'; expected one of: \(ScoreSource.names.joined(separator: ", "))")
        }
        if out == nil && !dryRun { throw ValidationError("--out FILE is required (or --dry-run)") }
        for x in topFraction where !(x > 0 && x <= 1) { throw ValidationError("--top-fraction takes a number above 0 and at most 1, got \(x)") }
        for n in limit where n < 0 { throw ValidationError("--limit takes a count ≥ 0, got \(n)") }
        if per.count > topFraction.count + 1 { throw ValidationError("--per names the strata of a --top-fraction given before it (and the first may name the strata of the counts alone)") }
    }

    func run() throws {
        let rubric = try Rubric.load(path: rubric)
        var options = Exporter.Options(format: ExportFormat(rawValue: format)!, output: out ?? "/dev/null", rubric: rubric)
        options.source = source.flatMap(ScoreSource.init(parsing:)) ?? .best
        options.sourceGiven = source != nil
        options.stages = try stagesInCommandLineOrder()
        options.withCaptions = withCaptions
        options.imageRoot = imageRoot
        options.pairCriteria = pairCriteria.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        options.allowEmpty = allowEmpty
        options.margin = margin
        guard let pairMode = PairPlan.PairMode(rawValue: pairs) else {
            throw ValidationError("--pairs must be all or extremes (found '\(Sanitizer.displayableLine(pairs))')")
        }
        options.pairs = pairMode
        options.system = system
        options.dryRun = dryRun
        options.strataField = per.first ?? "type"
        options.commandLine = CommandLine.arguments
        let store = try store.openExisting()
        if let warning = try RubricScope.check(store, rubric: rubric) { Output.error(warning) }
        if !dryRun { options.manifestExtras.append(try Exporter.agreementSection(store: store, rubric: rubric)) }
        let summary = try Output.withProgress("exporting") { report in
            options.progress = report
            return try Exporter(store: store).run(options)
        }
        let what = options.format.isPreference ? "pairs" : "records"
        if let plan = summary.plan {
            Output.text("pairs: score \(plan.label), margin \(PairPlan.shown(plan.margin))" + (options.margin == nil ? " (one sixth of its range)" : ""))
            if let note = plan.note { Output.text("note: " + note) }
        }
        if summary.contextLeftOut > 0 {
            Output.warning("\(summary.contextLeftOut) candidate answer\(summary.contextLeftOut == 1 ? "" : "s") left out: an earlier candidate turn of the record has no scored candidate to stand as its context")
        }
        if dryRun {
            Output.text("source: \(options.source); stages: \(options.stages.isEmpty ? "none (every item)" : options.stages.map(\.description).joined(separator: " → "))")
            printCounts("before", summary.before)
            printCounts("after", summary.after)
            if summary.plan != nil { Output.text(pairLine(summary)) }
            if summary.records == 0 {
                Output.warning("the export would write 0 \(what)\n" + summary.emptyReasons.map { "  " + $0 }.joined(separator: "\n"))
            }
            return
        }
        if summary.records == 0 {
            Output.warning("wrote 0 \(what) (--allow-empty)\n" + summary.emptyReasons.map { "  " + $0 }.joined(separator: "\n"))
        }
        Output.text("wrote \(summary.records) \(what) to \(options.output)")
        if summary.plan != nil { Output.text(pairLine(summary)) }
        if let path = summary.pairsPath { Output.text("pair keys and scores: \(path)") }
        if let manifest = summary.manifestPath { Output.text("manifest: \(manifest)") }
    }

    private func pairLine(_ summary: Exporter.Summary) -> String {
        let p = summary.pairs
        var line = "pairs: \(p.written) from \(p.groups) group\(p.groups == 1 ? "" : "s") of one prompt with two or more scored answers; \(p.underMargin) under the margin"
        if p.ranked > 0 { line += "; \(p.ranked) paired by their ranking (\(summary.plan?.pairs == .all ? "every two places" : "first against last"))" }
        if p.tooFewScored > 0 { line += "; \(p.tooFewScored) with fewer than two scored answers" }
        if p.notOnePrompt > 0 { line += "; \(p.notOnePrompt) groups of question sets or records never pair" }
        return line
    }

    private func printCounts(_ label: String, _ counts: Exporter.Counts) {
        Output.text("\(label): \(counts.total) items")
        for (stratum, n) in counts.perStratum.sorted(by: { $0.key < $1.key }) { Output.text("  \(options(per: stratum)) \(n)") }
        Output.text("  by source: " + counts.perSource.sorted(by: { $0.key < $1.key }).map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }

    private func options(per stratum: String) -> String {
        "\(per.first ?? "type")=\(stratum)".padding(toLength: 28, withPad: " ", startingAt: 0)
    }

    /// The selection stages in the order they appear on the command line (an option parser keeps each
    /// option's values but not how different options interleave).
    func stagesInCommandLineOrder() throws -> [SelectionStage] {
        var stages: [SelectionStage] = []
        var whereIndex = 0, fractionIndex = 0, perIndex = 0, limitIndex = 0
        for argument in CommandLine.arguments.dropFirst() {
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            switch name {
            case "--where":
                guard whereIndex < whereExpressions.count else { continue }
                let text = whereExpressions[whereIndex]
                whereIndex += 1
                stages.append(.filter(try WhereExpression.parse(text), text: text))
            case "--best-per-group":
                stages.append(.bestPerGroup)
            case "--top-fraction":
                guard fractionIndex < topFraction.count else { continue }
                stages.append(.topFraction(topFraction[fractionIndex], per: nil))
                fractionIndex += 1
            case "--per":
                guard perIndex < per.count, let i = stages.lastIndex(where: { if case .topFraction = $0 { return true } else { return false } }),
                      case .topFraction(let x, nil) = stages[i] else { continue }
                stages[i] = .topFraction(x, per: per[perIndex])
                perIndex += 1
            case "--limit":
                guard limitIndex < limit.count else { continue }
                stages.append(.limit(limit[limitIndex]))
                limitIndex += 1
            default:
                continue
            }
        }
        return stages
    }
}
