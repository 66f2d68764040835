import ArgumentParser
import Foundation
import WinnowBench
import WinnowCore
import WinnowTUI

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Winnow's speed on a generated LLaVA-Instruct-sized set, against a plain-Python import.",
        discussion: """
            Generates a deterministic LLaVA-Instruct-style set (about 230 MB at 158,000 items) and a COCO
            captions file in a temporary folder, then measures import (Winnow and scripts/bench_baseline.py on
            the same file, each run in a fresh process on a fresh database), the labeling screen (first item,
            save to next item, key to frame, alone and during a refit), refit + re-rank and export. Times are
            the median of --runs runs; everything is measured in this one run on this machine, so compare
            ratios, not absolute figures, across machines. A figure that cannot be measured is "not available"
            (null in JSON). Build with `swift build -c release` first: a debug build is much slower.
            """)

    @Option(help: ArgumentHelp("Records in the generated set.", valueName: "n"))
    var items = 158_000

    @Option(help: ArgumentHelp("Runs per timed step; the median is reported.", valueName: "r"))
    var runs = 3

    @Flag(help: "Print the figures as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Saves timed for save_next_ms.", valueName: "n"))
    var saves = 200

    @Option(help: ArgumentHelp("The plain-Python baseline script (default: scripts/bench_baseline.py of the clone).", valueName: "path"))
    var baseline: String?

    @Flag(help: "Keep the temporary folder (data, databases) and print its path.")
    var keep = false

    @Option(help: ArgumentHelp("With more items than this, the bench runs at this size too and prints the cost per item at both side by side.", valueName: "n"))
    var referenceItems = 158_000

    func validate() throws {
        if items < 100 { throw ValidationError("--items must be at least 100") }
        if runs < 1 { throw ValidationError("--runs must be at least 1") }
        if saves < 1 { throw ValidationError("--saves must be at least 1") }
        if referenceItems < 100 { throw ValidationError("--reference-items must be at least 100") }
    }

    func run() throws {
        let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("winnow-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer {
            if keep {
                say("kept \(folder)")
            } else {
                try? FileManager.default.removeItem(atPath: folder)
            }
        }
        let script = baseline ?? Bench.findBaselineScript()
        // Above the reference size, the reference first, in its own folder (removed before the large run).
        var reference: BenchResults?
        if items > referenceItems {
            say("reference run at \(referenceItems) items")
            let referenceFolder = (folder as NSString).appendingPathComponent("reference")
            reference = try Bench(items: referenceItems, runs: runs, saves: saves, folder: referenceFolder, baselineScript: script, say: say).run()
            if !keep { try? FileManager.default.removeItem(atPath: referenceFolder) }
            say("run at \(items) items")
        }
        let results = try Bench(items: items, runs: runs, saves: saves, folder: folder, baselineScript: script, say: say).run()
        let scale = reference.map { BenchScale(reference: $0, large: results) }
        if json {
            var object = results.json().objectValue ?? JSONObject()
            if let scale, let reference {
                object["reference"] = reference.json()
                object["scale"] = scale.json()
            }
            Output.json(.object(object))
        } else {
            if let reference {
                print(reference.table())
            }
            print(results.table(), terminator: "")
            if let scale { print("\n" + scale.table(), terminator: "") }
        }
    }

    private func say(_ line: String) {
        FileHandle.standardError.write(Data("bench: \(line)\n".utf8))
    }
}

/// One bench run: the steps in order, each filling its figures in `results`.
struct Bench {
    let items: Int
    let runs: Int
    let saves: Int
    let folder: String
    let baselineScript: String?
    let say: (String) -> Void
    let winnow = BenchProcess.currentExecutable()

    /// scripts/bench_baseline.py beside the binary's clone (.build/…/winnow) or under the current folder.
    static func findBaselineScript() -> String? {
        var dir = (BenchProcess.currentExecutable() as NSString).deletingLastPathComponent
        var candidates: [String] = []
        while dir != "/" && !dir.isEmpty {
            candidates.append((dir as NSString).appendingPathComponent("scripts/bench_baseline.py"))
            dir = (dir as NSString).deletingLastPathComponent
        }
        candidates.append((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent("scripts/bench_baseline.py"))
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    private func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    private func fmt(_ v: Double, _ places: Int = 2) -> String { String(format: "%.\(places)f", v) }

    func run() throws -> BenchResults {
        var results = BenchResults(items: items, runs: runs)
        #if DEBUG
        results.context.append(("build", "debug (figures not representative; use swift build -c release)"))
        #else
        results.context.append(("build", "release"))
        #endif

        // 1. The data set.
        say("generating \(items) records in \(folder)")
        BenchProcess.resetPeakRSS()
        var started = BenchProcess.now()
        let data = try BenchDataGenerator.generate(items: items, folder: folder)
        let generateSeconds = BenchProcess.now() - started
        results.peakRSSMB.append(("generate", BenchProcess.peakRSSMB()))
        results.context.append(("data", "\(fmt(Double(data.bytes) / 1e6, 1)) MB JSON list, \(data.records) records, \(data.repeatedIds) repeated ids, captions \(fmt(Double(data.captionBytes) / 1e6, 1)) MB (generated in \(fmt(generateSeconds)) s)"))
        let rubricPath = path("rubric.yaml")
        try BenchModelSteps.rubricYAML.write(toFile: rubricPath, atomically: true, encoding: .utf8)
        let rubric = try Rubric.load(path: rubricPath)

        // 2. Import: Winnow and the Python baseline, alternating, each run a fresh process and database.
        let python = BenchProcess.onPath("python3")
        if baselineScript == nil { results.context.append(("python baseline", "not available: scripts/bench_baseline.py not found")) }
        if python == nil { results.context.append(("python baseline", "not available: python3 not on PATH")) }
        var winnowTimes: [Double] = [], winnowRSS: [Double] = []
        var pythonImport = PythonBaseline(python: python, name: "python baseline")
        for r in 0..<runs {
            let db = path("import-\(r).sqlite")
            say("import run \(r + 1)/\(runs): winnow")
            let outcome = try BenchProcess.run(winnow, ["import", data.dataPath, "--db", db, "--json"], workingFolder: folder)
            guard outcome.status == 0 else { throw ValidationError("winnow import failed: \(outcome.stderr)") }
            winnowTimes.append(outcome.seconds)
            winnowRSS.append(outcome.peakRSSMB)
            removeDatabase(db)
            if let script = baselineScript, python != nil {
                say("import run \(r + 1)/\(runs): python baseline")
                let pdb = path("python-\(r).sqlite")
                try pythonImport.run(script, [data.dataPath, pdb], folder: folder)
                removeDatabase(pdb)
            }
        }
        results.importWinnowSeconds = BenchStats.median(winnowTimes)
        results.importPythonSeconds = pythonImport.medianSeconds
        results.peakRSSMB.append(("import_winnow", winnowRSS.max()))
        results.peakRSSMB.append(("import_python", pythonImport.peakRSSMB))
        if let failure = pythonImport.failure { results.context.append(failure) }

        // The database the other steps use: the same file imported with its captions.
        let db = path("bench.sqlite")
        say("import with --captions into the database the other steps use")
        let captioned = try BenchProcess.run(winnow, ["import", data.dataPath, "--captions", data.captionsPath, "--db", db, "--json"], workingFolder: folder)
        guard captioned.status == 0 else { throw ValidationError("winnow import --captions failed: \(captioned.stderr)") }
        results.context.append(("import with --captions (once)", "\(fmt(captioned.seconds)) s, peak \(fmt(captioned.peakRSSMB, 0)) MB"))

        // 3. The labeling screen, headless.
        say("first item")
        BenchProcess.resetPeakRSS()
        var firstTimes: [Double] = []
        for r in 0..<runs {
            firstTimes.append(try BenchLabelSteps.firstItem(databasePath: db, rubric: rubric, annotator: "bench-first-\(r)"))
        }
        results.firstItemSeconds = BenchStats.median(firstTimes)
        let store = try Store(path: db)
        say("save and next, \(saves) times")
        results.saveNextMs = BenchStats.percentiles(try BenchLabelSteps.saveNext(store: store, rubric: rubric, annotator: "bench-saver", count: saves))
        say("key to frame")
        let viewer = try BenchLabelSteps.controller(store: store, rubric: rubric, annotator: "bench-keys")
        try viewer.start()
        results.keyToFrameMs = BenchStats.percentiles(try BenchLabelSteps.keyToFrame(controller: viewer, rubric: rubric, minimum: 2000))
        results.peakRSSMB.append(("label", BenchProcess.peakRSSMB()))

        // 4. The reward model: synthetic labels, features cached (timed apart), then refit + re-rank.
        say("labels and features")
        BenchProcess.resetPeakRSS()
        let labelCount = min(2000, max(50, items / 20))
        try BenchModelSteps.seedLabels(store: store, rubric: rubric, annotator: "bench-oracle", count: labelCount)
        started = BenchProcess.now()
        try FeatureCache.update(store: store)
        results.featureSeconds = BenchProcess.now() - started
        let matrix = FeatureMatrix()
        started = BenchProcess.now()
        let first = try BenchModelSteps.refitAndRerank(store: store, rubric: rubric, matrix: matrix)
        if first != nil {
            results.context.append(("first refit of a session (loads features into memory)", "\(fmt(BenchProcess.now() - started)) s"))
            var refitTimes: [Double] = []
            for r in 0..<runs {
                say("refit run \(r + 1)/\(runs)")
                if let t = try BenchModelSteps.refitAndRerank(store: store, rubric: rubric, matrix: matrix) { refitTimes.append(t) }
            }
            results.refitSeconds = BenchStats.median(refitTimes)
            results.context.append(("labels the model learned from", "\(labelCount + saves) (\(labelCount) the generated set's true scores)"))
        } else {
            results.context.append(("refit", "not available: the model stayed cold with \(labelCount) labels"))
        }
        results.peakRSSMB.append(("refit", BenchProcess.peakRSSMB()))

        // Key to frame while a refit runs on another thread (as `winnow label`'s worker does).
        if first != nil {
            say("key to frame during refit")
            let refit = BackgroundRefit(store: store, rubric: rubric)
            refit.start()
            while !refit.isRunning { usleep(1000) }
            let during = try BenchLabelSteps.keyToFrame(controller: viewer, rubric: rubric, minimum: 200, keepGoing: { !refit.isDone })
            if let error = refit.error { throw error }
            results.keyToFrameDuringRefitP99Ms = BenchStats.percentile(during, 99)
            results.context.append(("keys timed during refit", "\(during.count) over \(fmt(refit.seconds)) s of refit"))
        }

        // 5. Export of everything, in a child process, and the plain-Python export of the same database.
        var exportTimes: [Double] = [], exportRSS: [Double] = []
        var pythonExport = PythonBaseline(python: python, name: "python export baseline")
        let exportScript = baselineScript.map { (($0 as NSString).deletingLastPathComponent as NSString).appendingPathComponent("bench_export_baseline.py") }
            .flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
        if exportScript == nil { results.context.append(("python export baseline", "not available: scripts/bench_export_baseline.py not found")) }
        for r in 0..<runs {
            say("export run \(r + 1)/\(runs): winnow")
            let out = path("export-\(r).json")
            let e = try BenchProcess.run(winnow, ["export", "--format", "llava", "--out", out, "--rubric", rubricPath, "--db", db], workingFolder: folder)
            guard e.status == 0 else { throw ValidationError("winnow export failed: \(e.stderr)") }
            exportTimes.append(e.seconds)
            exportRSS.append(e.peakRSSMB)
            try? FileManager.default.removeItem(atPath: out)
            try? FileManager.default.removeItem(atPath: out + ".manifest.json")
            if let script = exportScript, python != nil {
                say("export run \(r + 1)/\(runs): python baseline")
                try pythonExport.run(script, [db, out], folder: folder)
                try? FileManager.default.removeItem(atPath: out)
            }
        }
        results.exportSeconds = BenchStats.median(exportTimes)
        results.exportPythonSeconds = pythonExport.medianSeconds
        results.peakRSSMB.append(("export", exportRSS.max()))
        results.peakRSSMB.append(("export_python", pythonExport.peakRSSMB))
        if let failure = pythonExport.failure { results.context.append(failure) }
        return results
    }

    private func removeDatabase(_ db: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
    }
}

/// Runs of a plain-Python baseline script: their times and peak memory, until one fails (then no figure).
struct PythonBaseline {
    let python: String?
    let name: String
    private var seconds: [Double] = []
    private var rss: [Double] = []
    private(set) var failure: (name: String, value: String)?

    init(python: String?, name: String) {
        self.python = python
        self.name = name
    }

    mutating func run(_ script: String, _ arguments: [String], folder: String) throws {
        guard let python, failure == nil else { return }
        let outcome = try BenchProcess.run(python, [script] + arguments, workingFolder: folder)
        if outcome.status == 0 {
            seconds.append(outcome.seconds)
            rss.append(outcome.peakRSSMB)
        } else {
            failure = (name, "not available: it failed: \(outcome.stderr.split(separator: "\n").last ?? "")")
        }
    }

    var medianSeconds: Double? { failure == nil ? BenchStats.median(seconds) : nil }
    var peakRSSMB: Double? { failure == nil ? rss.max() : nil }
}

/// Refits (and re-ranks) once on its own thread with its own feature matrix, as the label command's worker does.
final class BackgroundRefit: @unchecked Sendable {
    private let store: Store
    private let rubric: Rubric
    private let lock = NSLock()
    private var running = false
    private var done = false
    private(set) var error: Error?
    private(set) var seconds = 0.0

    init(store: Store, rubric: Rubric) {
        self.store = store
        self.rubric = rubric
    }

    var isRunning: Bool { lock.withLock { running || done } }
    var isDone: Bool { lock.withLock { done } }

    func start() {
        let thread = Thread { [self] in
            lock.withLock { running = true }
            let started = BenchProcess.now()
            do {
                _ = try BenchModelSteps.refitAndRerank(store: store, rubric: rubric, matrix: FeatureMatrix())
            } catch {
                lock.withLock { self.error = error }
            }
            lock.withLock {
                seconds = BenchProcess.now() - started
                running = false
                done = true
            }
        }
        thread.name = "bench-refit"
        thread.start()
    }
}
