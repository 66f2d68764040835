import ArgumentParser
import Foundation
import WinnowBench
import WinnowCore

/// `winnow simulate (--synthetic [--items N] | --oracle FILE.jsonl --rubric R) [--budget B] [--seeds S] [--json]`.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Replay labeling against an oracle: does uncertainty-first serving beat random?",
        discussion: """
            Per seed, about 20% of the pool is held out (whole groups and images), a random seed set is labeled, then \
            each strategy refits the reward model (as the worker does) and picks the next labels in 10 steps up to \
            --budget: uncertainty (the worker's queue: highest rank uncertainty first, 10% explored at random, \
            diversity rules), random, and greedy (highest rank uncertainty first, nothing else). After each refit the \
            held-out Spearman (predicted vs true overall score) and within-group pairwise accuracy are recorded; \
            curves are averaged over seeds. \
            label_share_to_match_random: the share of the budget at which uncertainty's mean curve first reaches \
            random's final mean Spearman (null if it never does). \
            --synthetic generates a pool with a known quality in a temporary folder, with confounds that its features \
            cannot fully see (--confounds: group, a question-level quality; length, padding that follows the question; \
            hidden, positions no caption shows; default all); --oracle takes the labels file \
            (the format of `winnow labels export`) as the oracle over items already imported into --db (nothing is written).
            """)

    enum StrategyName: String, ExpressibleByArgument, CaseIterable {
        case uncertainty, random, greedy
    }

    @OptionGroup var store: StoreOptions

    @Flag(help: "Simulate on a generated pool with a known latent quality.")
    var synthetic = false

    @Option(help: ArgumentHelp("Items of the synthetic pool (default 1600).", valueName: "n"))
    var items: Int?

    @Option(help: ArgumentHelp("What makes the synthetic pool harder than its features: all (the default), none, or a list of group, length, hidden.", valueName: "list"))
    var confounds: String?

    @Option(help: ArgumentHelp("A labels file (JSONL) to use as the oracle, over the items of --db.", valueName: "labels.jsonl"))
    var oracle: String?

    @Option(help: ArgumentHelp("The rubric (required with --oracle; with --synthetic it replaces the built-in one).", valueName: "rubric.yaml"))
    var rubric: String?

    @Option(help: ArgumentHelp("Labels per strategy and seed.", valueName: "n"))
    var budget = 300

    @Option(help: ArgumentHelp("Number of seeds to average over.", valueName: "n"))
    var seeds = 20

    @Option(help: ArgumentHelp("First seed.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("A strategy to run (repeatable; default: uncertainty, random, greedy).", valueName: "name"))
    var strategy: [StrategyName] = []

    @Flag(help: "Print the curves as one JSON object.")
    var json = false

    var parsedConfounds: SyntheticGenerator.Confounds { confounds.flatMap(SyntheticGenerator.Confounds.init(parsing:)) ?? .all }

    func validate() throws {
        if synthetic == (oracle != nil) { throw ValidationError("give either --synthetic or --oracle FILE.jsonl") }
        if oracle != nil && rubric == nil { throw ValidationError("--oracle needs --rubric R (the rubric of the oracle's labels)") }
        guard budget >= 20 else { throw ValidationError("--budget takes at least 20 (the model needs 20 labels), got \(budget)") }
        guard seeds >= 1 else { throw ValidationError("--seeds takes at least 1, got \(seeds)") }
        if oracle != nil, items != nil || confounds != nil {
            throw ValidationError("--items and --confounds describe the synthetic pool; with --oracle the pool is the items of --db")
        }
        if let confounds, SyntheticGenerator.Confounds(parsing: confounds) == nil {
            throw ValidationError("--confounds takes all, none, or a comma-separated list of group, length, hidden; got '\(confounds)'")
        }
        if let items, items < 40 { throw ValidationError("--items takes at least 40, got \(items)") }
    }

    func run() throws {
        let rubric = try self.rubric.map { try Rubric.load(path: $0) }
        var options = Simulation.Options()
        options.seeds = seeds
        options.budget = budget
        options.seed = seed
        options.strategies = (strategy.isEmpty ? StrategyName.allCases : strategy).compactMap { Simulation.Strategy(rawValue: $0.rawValue) }
        let pool: Simulation.Pool
        var folder: String?
        defer { if let folder { try? FileManager.default.removeItem(atPath: folder) } }
        if synthetic {
            let path = NSTemporaryDirectory() + "winnow-simulate-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            folder = path
            pool = try Simulation.syntheticPool(items: items ?? 1600, seed: seed, rubric: rubric,
                                               confounds: parsedConfounds, folder: path)
        } else {
            pool = try Simulation.oraclePool(path: oracle!, rubric: rubric!, store: try store.open())
        }
        let available = pool.oracle.truth.count
        guard Double(available) * 0.8 > Double(budget) else {
            throw ValidationError("the pool has \(available) items with an oracle label; --budget \(budget) needs more than \(Int(Double(budget) / 0.8)) (20% are held out)")
        }
        let result = Output.withProgress("simulating") { progress in Simulation.run(pool: pool, options: options, progress: progress) }
        if result.curves.allSatisfy({ $0.curve.allSatisfy { $0.spearman == nil } }) {
            Output.error("no model could be fitted at any point of any curve (the oracle's labels give the rubric's criteria no values with variation); nothing to report")
            throw ExitCode(1)
        }
        // What the synthetic pool was made of.
        let poolDescription: JSONValue = synthetic
            ? .object(JSONObject(["kind": .string("synthetic"), "items": .number(Double(available)),
                                  "confounds": .array(parsedConfounds.names.map(JSONValue.string))]))
            : .object(JSONObject(["kind": .string("oracle"), "items": .number(Double(available))]))
        if json {
            var object = result.json().objectValue ?? JSONObject()
            object.members.insert(.init(key: "pool", value: poolDescription), at: 0)
            Output.json(.object(object))
        } else {
            if synthetic {
                let names = parsedConfounds.names
                print("synthetic pool: \(available) items, confounds: \(names.isEmpty ? "none" : names.joined(separator: ", "))")
            }
            print(result.table())
        }
    }
}
