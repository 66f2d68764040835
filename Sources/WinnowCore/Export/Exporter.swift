import Crypto
import Foundation
import GRDB

/// Writes the selected subset in one format, with a manifest beside it that says how it was chosen.
///
/// Files are written to a temporary name in the same folder and renamed when complete, so a crash
/// never leaves half a file under the final name. Records are streamed to the file as they are made;
/// the item set is held once.
public struct Exporter {
    public struct Options {
        public var format: ExportFormat
        public var output: String
        public var rubric: Rubric
        public var source: ScoreSource = .best
        /// True when `--source` was given: items without a score from it are then left out even
        /// without selection stages.
        public var sourceGiven = false
        public var stages: [SelectionStage] = []
        public var withCaptions = false
        public var imageRoot: String?
        /// nil: HelpSteer's three when the rubric has them, else overall (`PairPlan.make`).
        public var pairCriteria: [String]?
        /// nil: one sixth of the pair score's range.
        public var margin: Double?
        /// `--pairs`: best against worst, or every pair of a group.
        public var pairs: PairPlan.PairMode = .extremes
        public var system = ""
        public var dryRun = false
        /// Write an empty file (and exit 0) when nothing is selected, instead of refusing.
        public var allowEmpty = false
        /// The field that strata are counted by in the summary and manifest (`--per`, else `type`).
        public var strataField = "type"
        public var commandLine: [String] = []
        /// Extra manifest sections (e.g. agreement statistics) the caller computed.
        public var manifestExtras: [JSONObject.Member] = []
        /// Told (records written, records to write) as the file is written, every 1,000 records and at the end.
        public var progress: (@Sendable (Int, Int) -> Void)?

        public init(format: ExportFormat, output: String, rubric: Rubric) {
            self.format = format
            self.output = output
            self.rubric = rubric
        }
    }

    public struct Counts: Sendable, Equatable {
        public var total = 0
        public var perStratum: [String: Int] = [:]
        public var perSource: [String: Int] = [:]

        var json: JSONValue {
            .object(JSONObject([
                "total": .number(total),
                "per_stratum": .object(JSONObject(perStratum.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: .number($0.value)) })),
                "per_source": .object(JSONObject(perSource.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: .number($0.value)) })),
            ]))
        }
    }

    /// How many units were left after a step of the export, so an empty result says which step emptied it.
    public struct StageCount: Sendable, Equatable {
        public var step: String
        public var remaining: Int
    }

    public struct Summary: Sendable, Equatable {
        public var before = Counts()
        public var after = Counts()
        /// Every item, then what was left after each step.
        public var steps: [StageCount] = []
        /// Records written, or that would be (pairs for the preference formats).
        public var records = 0
        /// The preference formats' plan and what happened to the groups.
        public var plan: PairPlan?
        public var pairs = PairCounts()
        /// Candidate answers left out because an earlier candidate turn of their record has no scored candidate.
        public var contextLeftOut = 0
        public var manifestPath: String?
        /// The `dpo` format's sidecar: one line per pair with its keys, scores and margin.
        public var pairsPath: String?

        /// Why nothing was selected, step by step.
        public var emptyReasons: [String] {
            var reasons: [String] = []
            var previous: Int?
            for step in steps {
                if let previous { reasons.append("\(step.step): \(previous) → \(step.remaining)") }
                else { reasons.append("\(step.step): \(step.remaining)") }
                previous = step.remaining
            }
            if contextLeftOut > 0 {
                reasons.append("\(contextLeftOut) candidate answer\(contextLeftOut == 1 ? "" : "s") left out: an earlier candidate turn of the record has no scored candidate")
            }
            if let plan {
                var text = "pairs by \(plan.label), margin \(PairPlan.shown(plan.margin)): \(pairs.groups) group\(pairs.groups == 1 ? "" : "s") of one prompt with two or more scored answers, \(pairs.underMargin) under the margin"
                if pairs.tooFewScored > 0 { text += ", \(pairs.tooFewScored) with fewer than two scored answers" }
                if pairs.ranked > 0 { text += "; \(pairs.ranked) paired by their ranking" }
                if pairs.notOnePrompt > 0 { text += "; \(pairs.notOnePrompt) group\(pairs.notOnePrompt == 1 ? "" : "s") of question sets or records, which never pair" }
                reasons.append(text)
            }
            return reasons
        }
    }

    public enum ExportError: Error, CustomStringConvertible, Equatable {
        case unknownCriterion(option: String, name: String, known: [String])
        case cannotWrite(path: String, reason: String)
        case pairsAfterBestPerGroup
        case empty(what: String, reasons: [String])

        public var description: String {
            switch self {
            case .unknownCriterion(let option, let name, let known):
                return "\(option): '\(name)' is not a criterion of the rubric (criteria: \(known.joined(separator: ", ")))"
            case .cannotWrite(let path, let reason): return "\(path): cannot write: \(reason)"
            case .pairsAfterBestPerGroup:
                return "--best-per-group keeps one answer of each group, and a preference pair needs two: leave it out for dpo and dpo-llava"
            case .empty(let what, let reasons):
                return "nothing to write: 0 \(what)\n" + reasons.map { "  " + $0 }.joined(separator: "\n")
                    + "\nnothing was written; --allow-empty writes an empty file"
            }
        }
    }

    public let store: Store

    public init(store: Store) { self.store = store }

    /// The names `--where` may use with their types: the rubric's criteria, `overall`, and every field
    /// some item has.
    public static func whereNames(_ db: Database, rubric: Rubric) throws -> [String: WhereExpression.NameType] {
        var types: [String: WhereExpression.NameType] = [:]
        for name in try Item.fieldNames(db) { types[name] = .field }
        for criterion in rubric.criteria {
            switch criterion.kind {
            case .scale, .rank: types[criterion.id] = .number
            case .flag: types[criterion.id] = .flag
            case .choice: types[criterion.id] = .choice(criterion.values.map(\.text))
            }
        }
        types["overall"] = .number
        return types
    }

    public func run(_ options: Options) throws -> Summary {
        let rubric = options.rubric
        var summary = Summary()
        if options.format.isPreference {
            if options.stages.contains(.bestPerGroup) { throw ExportError.pairsAfterBestPerGroup }
            summary.plan = try PairPlan.make(rubric: rubric, criteria: options.pairCriteria, margin: options.margin, pairs: options.pairs)
        }
        let filters = options.stages.compactMap { stage -> WhereExpression? in
            if case .filter(let expression, _) = stage { return expression } else { return nil }
        }
        if !filters.isEmpty {
            let types = try store.read { db in try Self.whereNames(db, rubric: rubric) }
            for expression in filters { try expression.check(types: types) }
        }
        let resolved = try ScoreResolver.resolve(store: store, rubric: rubric, source: options.source)
        let (items, formats) = try store.read { db -> ([Item], [Int64: String]) in
            // Without the original bytes: they are read one record at a time while writing, so the pool is
            // never held twice (once parsed, once as bytes).
            // A LLaVA export without best-per-group (whose winners are rebuilt from their turns) writes whole
            // LLaVA records as their bytes: their turns are not read at all.
            let items = try Item.allWithoutOriginals(
                db, turnsOnlyWhereLLaVANeedsThem: options.format == .llava && !options.stages.contains(.bestPerGroup))
            let formats = try Item.sourceFormats(db).mapValues { $0 ?? ExportFormat.llava.rawValue }
            return (items, formats)
        }
        var candidateTurns: [String: Int] = [:]
        var seenTurns: Set<String> = []
        for item in items where item.turnIndex != nil {
            let record = SelectionStage.recordIdentity(item)
            if seenTurns.insert(record + "\u{0}\(item.turnIndex!)").inserted { candidateTurns[record, default: 0] += 1 }
        }
        summary.steps.append(StageCount(step: "items", remaining: items.count))
        let leaveOutUnscored = options.sourceGiven || !options.stages.isEmpty || options.format.isPreference
        var units: [ExportUnit] = []
        units.reserveCapacity(items.count)
        for item in items {
            let scores = resolved.scores[item.id!]
            if scores == nil && leaveOutUnscored { continue }
            units.append(ExportUnit(
                items: [item], scores: scores ?? ResolvedScores(values: [:], overall: nil, source: "none"),
                format: formats[item.id!] ?? "llava", assembled: false, groupWinner: false))
        }
        if leaveOutUnscored { summary.steps.append(StageCount(step: "scored by source \(options.source)", remaining: units.count)) }
        summary.before = counts(units, field: options.strataField)
        for stage in options.stages {
            units = stage.apply(units, candidateTurns: candidateTurns, rank: rubric.criteria.first { $0.kind == .rank }?.id)
            summary.steps.append(StageCount(step: stage.description, remaining: units.count))
        }
        // Earlier candidate turns take the chosen candidate's text; without one the candidate is left out.
        let context = CandidateContext(items: items, scores: resolved.scores)
        units = units.compactMap { unit in
            guard !unit.assembled, unit.items.count == 1 else { return unit }
            guard let item = context.resolve(unit.items[0]) else {
                summary.contextLeftOut += 1
                return nil
            }
            var resolvedUnit = unit
            resolvedUnit.items[0] = item
            return resolvedUnit
        }
        if summary.contextLeftOut > 0 { summary.steps.append(StageCount(step: "earlier candidate turns chosen", remaining: units.count)) }
        units.sort { ($0.items[0].id ?? 0) < ($1.items[0].id ?? 0) }
        summary.after = counts(units, field: options.strataField)
        var pairs: [PreferencePair] = []
        if let plan = summary.plan {
            (pairs, summary.pairs) = PreferencePairs.make(units, plan: plan)
            summary.records = pairs.count
        } else {
            summary.records = units.count
        }
        if options.dryRun { return summary }
        if summary.records == 0 && !options.allowEmpty {
            throw ExportError.empty(what: options.format.isPreference ? "pairs" : "records", reasons: summary.emptyReasons)
        }

        let builder = RecordBuilder(rubric: rubric, withCaptions: options.withCaptions, imageRoot: options.imageRoot, system: options.system)
        let writer = try AtomicFileWriter(path: options.output)
        let pairsPath = options.output + ".pairs.jsonl"
        let sidecar = options.format == .dpo ? try AtomicFileWriter(path: pairsPath) : nil
        do {
            switch options.format {
            case .llava, .jsonl, .steerlm:
                // One read transaction for the whole write: each unit's original record is fetched as it
                // is written, from one consistent snapshot.
                try store.read { db in
                    let original = try Item.OriginalReader(db)
                    if options.format == .llava { try writer.write("[\n") }
                    for (i, var unit) in units.enumerated() {
                        if i % 1000 == 0 { options.progress?(i, units.count) }
                        unit.items[0].original = try original.bytes(of: unit.items[0].id)
                        switch options.format {
                        case .llava:
                            if i > 0 { try writer.write(",\n") }
                            let record = builder.llava(unit)
                            if let bytes = record.bytes { try writer.write(bytes) } else { try writer.write(record.value.serialized()) }
                        case .jsonl: try writer.write(builder.jsonl(unit).serialized() + "\n")
                        default: try writer.write(builder.steerlm(unit).serialized() + "\n")
                        }
                    }
                    if options.format == .llava { try writer.write(units.isEmpty ? "]\n" : "\n]\n") }
                }
            case .dpo, .dpoLLaVA:
                for (i, pair) in pairs.enumerated() {
                    if i % 1000 == 0 { options.progress?(i, pairs.count) }
                    if let sidecar {
                        try writer.write(builder.dpo(chosen: pair.chosen, rejected: pair.rejected).serialized() + "\n")
                        var line = JSONObject(["line": .number(i + 1)])
                        for member in builder.trace(pair, plan: summary.plan!).members { line[member.key] = member.value }
                        try sidecar.write(JSONValue.object(line).serialized() + "\n")
                    } else {
                        try writer.write(builder.dpoLLaVA(pair, plan: summary.plan!).serialized() + "\n")
                    }
                }
            }
            options.progress?(summary.records, summary.records)
            try writer.commit()
            try sidecar?.commit()
        } catch {
            writer.abandon()
            sidecar?.abandon()
            throw error
        }
        if sidecar != nil { summary.pairsPath = pairsPath }
        let manifestPath = options.output + ".manifest.json"
        // The model is named only when some written record's scores came from it.
        let modelUsed = units.contains { $0.scores.source == "model" } ? resolved.model : nil
        let manifest = try self.manifest(options, summary: summary, units: units, model: modelUsed)
        let manifestWriter = try AtomicFileWriter(path: manifestPath)
        try manifestWriter.write(manifest.serialized() + "\n")
        try manifestWriter.commit()
        summary.manifestPath = manifestPath
        return summary
    }

    func counts(_ units: [ExportUnit], field: String) -> Counts {
        var counts = Counts()
        for unit in units {
            counts.total += 1
            counts.perStratum[SelectionStage.stratum(unit, field), default: 0] += 1
            counts.perSource[unit.scores.source, default: 0] += 1
        }
        return counts
    }

    func manifest(_ options: Options, summary: Summary, units: [ExportUnit], model: ModelVersion?) throws -> JSONValue {
        let rubric = options.rubric
        let (inputs, annotators) = try store.read { db -> ([JSONValue], [JSONObject.Member]) in
            let inputs = try SourceFile.all(db).map { file in
                JSONValue.object(JSONObject([
                    "name": .string(file.name), "path": .string(file.path), "sha256": .string(file.sha256),
                    "format": .string(file.format), "records": .number(file.records), "imported_at": .string(file.importedAt),
                ]))
            }
            let annotators = try LabelLog.labelCounts(db, rubricHash: rubric.contentHash).map { entry in
                JSONObject.Member(key: "\(entry.annotator) (\(entry.role))", value: .number(entry.count))
            }
            return (inputs, annotators)
        }
        var object = JSONObject()
        object["tool"] = .object(JSONObject(["name": .string("winnow"), "version": .string(WinnowCore.version)]))
        object["command"] = .array(options.commandLine.map(JSONValue.string))
        object["created_at"] = .string(Timestamp.now())
        object["format"] = .string(options.format.rawValue)
        object["output"] = .object(JSONObject([
            "path": .string(options.output), "records": .number(summary.records),
            "sha256": .string(try Self.sha256(path: options.output)),
        ]))
        object["inputs"] = .array(inputs)
        object["rubric"] = .object(JSONObject([
            "name": .string(rubric.name), "version": .string(rubric.version), "hash": .string(rubric.contentHash),
        ]))
        object["source"] = .string(options.source.description)
        object["stages"] = .array(options.stages.map { .string($0.description) })
        object["counts"] = .object(JSONObject(["before": summary.before.json, "after": summary.after.json]))
        if let plan = summary.plan {
            var pairs = JSONObject([
                "score": .string(plan.label), "criteria": .array(plan.criteria.map(JSONValue.string)),
                "margin": .number(PairPlan.rounded(plan.margin)), "written": .number(summary.pairs.written),
                "skipped_under_margin": .number(summary.pairs.underMargin),
                "groups_with_fewer_than_two_scored": .number(summary.pairs.tooFewScored),
                "groups_not_of_one_prompt": .number(summary.pairs.notOnePrompt),
            ])
            pairs["mode"] = .string(plan.pairs.rawValue)
            if let rank = plan.rank {
                pairs["rank"] = .string(rank)
                pairs["groups_ranked"] = .number(summary.pairs.ranked)
            }
            if let note = plan.note { pairs["note"] = .string(note) }
            if let path = summary.pairsPath { pairs["trace"] = .string(path) }
            object["pairs"] = .object(pairs)
        }
        if summary.contextLeftOut > 0 { object["candidates_left_out_for_context"] = .number(summary.contextLeftOut) }
        if let model {
            object["model"] = .object(JSONObject([
                "version": .number(Int(model.id)), "created_at": .string(model.createdAt), "labels_used": .number(model.labelsUsed),
                "metrics": model.metrics,
            ]))
        } else {
            object["model"] = .null
        }
        object["annotators"] = .object(JSONObject(annotators))
        for extra in options.manifestExtras { object[extra.key] = extra.value }
        return .object(object)
    }

    static func sha256(path: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        return hexDigits(SHA256.hash(data: data))
    }
}

/// Writes a file under a temporary name beside its destination and renames it into place on
/// `commit`, after an fsync: readers see the old file or the whole new one, never a part.
final class AtomicFileWriter {
    let path: String
    let temporaryPath: String
    private let handle: FileHandle
    private var buffer = Data()

    init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        temporaryPath = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
        guard FileManager.default.createFile(atPath: temporaryPath, contents: nil), let handle = FileHandle(forWritingAtPath: temporaryPath) else {
            throw Exporter.ExportError.cannotWrite(path: path, reason: "cannot create \(temporaryPath)")
        }
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    func write(_ text: String) throws { try write(Data(text.utf8)) }

    func write(_ data: Data) throws {
        buffer.append(data)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw Exporter.ExportError.cannotWrite(path: path, reason: error.localizedDescription)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func commit() throws {
        try flush()
        try handle.synchronize()
        try handle.close()
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            abandon()
            throw Exporter.ExportError.cannotWrite(path: path, reason: reason)
        }
    }

    func abandon() {
        try? handle.close()
        unlink(temporaryPath)
    }
}
