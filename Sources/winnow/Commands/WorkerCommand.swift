import ArgumentParser
import Foundation
import WinnowBench
import WinnowCore

/// `winnow worker [--db DB] --rubric R [--once] [--force] [--use-imported]`: the reward model's background
/// worker. Computes missing item features, then refits the model when enough new labels have arrived.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Refit the reward model in the background as labels arrive.",
        discussion: """
            Computes the features of items that have none (once per item), then refits the reward model
            after refit_every_labels new labels, or after refit_every_seconds when some labels are new.
            Only one worker per database refits at a time; a second one waits for the lock. Prints one
            line per refit: the model version, the labels it used, the items it scored and the seconds it took.
            Below 20 labeled items no model is fitted and the queue keeps its spread order.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The rubric whose criteria the model learns.", valueName: "rubric.yaml"))
    var rubric: String?

    @Option(help: .hidden) var bench: Int?
    @Option(help: .hidden) var benchLabels = 2000

    @Flag(help: "Do one step (features, then a refit if due) and exit.")
    var once = false

    @Flag(help: "With --once: refit even if no new labels arrived.")
    var force = false

    @Flag(help: "Also learn from imported scores (role imported) where nobody gave a label.")
    var useImported = false

    @Option(help: ArgumentHelp("An external reward model: a shell command that reads the pool's items as JSONL on stdin and prints a mean and std per target for each (protocol winnow-scorer/1, see the README).", valueName: "command"))
    var scorer: String?

    @Option(help: ArgumentHelp("Seconds the --scorer command may take before it is stopped.", valueName: "seconds"))
    var scorerTimeout: Double = 600

    @Flag(help: "Print each refit as one JSON object.")
    var json = false

    func run() throws {
        if let bench {
            Output.text(try ModelBench.run(items: bench, labels: benchLabels).description)
            return
        }
        guard let rubricPath = rubric else { throw ValidationError("Missing expected argument '--rubric <rubric.yaml>'") }
        let rubric = try Rubric.load(path: rubricPath)
        let store = try store.open()
        let roles: [LabelRole] = useImported ? LabelRole.allCases : [.annotator, .gold]
        if let warning = try RubricScope.check(store, rubric: rubric, roles: roles) { Output.error(warning) }
        let worker = Worker(store: store, rubric: rubric, options: RewardModel.Options(useImported: useImported))
        if let scorer {
            guard scorerTimeout > 0, scorerTimeout.isFinite else { throw ValidationError("--scorer-timeout takes a positive number of seconds, got \(scorerTimeout)") }
            guard !scorer.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--scorer takes a command, got an empty string") }
            worker.scorer = ExternalScorer(command: scorer, timeoutSeconds: scorerTimeout)
        }
        let featureBar = Output.progressReporter("features")
        worker.featureProgress = { done, total in
            featureBar(done, total)
            if done >= total { Output.endProgress() }
        }
        let json = self.json
        worker.log = { line in
            Output.text(line)
            fflush(nil)
        }
        if once {
            let started = Date()
            switch try worker.runOnce(force: force) {
            case .refitted(let v): report(v, seconds: Date().timeIntervalSince(started), json: json)
            case .cold:
                print(json ? #"{"model":null,"reason":"cold start"}"# : "cold start: too few labels for a model (20 labeled items and two distinct values needed); nothing fitted")
            case .notDue:
                print(json ? #"{"model":null,"reason":"no new labels"}"# : "no new labels since the current model; nothing to do (--force refits anyway)")
            case .locked(let holder):
                json ? print(#"{"model":null,"reason":"locked"}"#) : Output.text("another worker is refitting (\(holder)); nothing done")
            }
            return
        }
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { sig -> DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { worker.stop() }
            source.resume()
            return source
        }
        Output.text("worker: \(store.path), rubric \(rubric.name) v\(rubric.version); Ctrl-C stops")
        fflush(nil)
        withExtendedLifetime(sources) { worker.run() }
    }

    private func report(_ v: ModelVersion, seconds: Double, json: Bool) {
        if json {
            Output.json(.object(JSONObject([
                "model": .number(Int(v.id)), "labels_used": .number(v.labelsUsed), "items_scored": .number(v.itemsScored),
                "seconds": .number(seconds), "metrics": v.metrics,
            ])))
        } else {
            Output.text("model \(v.id): \(v.labelsUsed) labels used, \(v.itemsScored) items scored, " + String(format: "%.2f s", seconds))
        }
    }
}
