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
        public var pairCriteria = ["helpfulness", "correctness", "coherence"]
        public var margin = 2.0
        public var system = ""
        public var dryRun = false
        /// The field that strata are counted by in the summary and manifest (`--per`, else `type`).
        public var strataField = "type"
        public var commandLine: [String] = []
        /// Extra manifest sections (e.g. agreement statistics) the caller computed.
        public var manifestExtras: [JSONObject.Member] = []

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

    public struct Summary: Sendable, Equatable {
        public var before = Counts()
        public var after = Counts()
        /// Records written (pairs for the preference formats).
        public var records = 0
        /// Groups whose best and worst differed by less than the margin (preference formats).
        public var pairsSkipped = 0
        public var manifestPath: String?
    }

    public enum ExportError: Error, CustomStringConvertible, Equatable {
        case unknownCriterion(option: String, name: String, known: [String])
        case cannotWrite(path: String, reason: String)

        public var description: String {
            switch self {
            case .unknownCriterion(let option, let name, let known):
                return "\(option): '\(name)' is not a criterion of the rubric (criteria: \(known.joined(separator: ", ")))"
            case .cannotWrite(let path, let reason): return "\(path): cannot write: \(reason)"
            }
        }
    }

    public let store: Store

    public init(store: Store) { self.store = store }

    public func run(_ options: Options) throws -> Summary {
        let rubric = options.rubric
        if options.format == .dpo || options.format == .dpoLLaVA {
            for name in options.pairCriteria where rubric.criterion(name) == nil {
                throw ExportError.unknownCriterion(option: "--pair-criteria", name: name, known: rubric.criteria.map(\.id))
            }
        }
        let resolved = try ScoreResolver.resolve(store: store, rubric: rubric, source: options.source)
        let (items, formats) = try store.pool.read { db -> ([Item], [Int64: String]) in
            // Without the original bytes: they are read one record at a time while writing, so the pool is
            // never held twice (once parsed, once as bytes).
            let items = try Item.fetchAll(db, sql: """
                SELECT id, key, group_key, image, captions, turns, fields, source_name, record_index, part, source_file_id,
                       turn_index, candidate_index, X'' AS original, content_hash
                FROM item ORDER BY id
                """)
            var formats: [Int64: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT i.id, s.format FROM item i LEFT JOIN source_file s ON s.id = i.source_file_id") {
                formats[row["id"]] = row["format"] ?? ExportFormat.llava.rawValue
            }
            return (items, formats)
        }
        var candidateTurns: [String: Int] = [:]
        var seenTurns: Set<String> = []
        for item in items where item.turnIndex != nil {
            let record = SelectionStage.recordIdentity(item)
            if seenTurns.insert(record + "\u{0}\(item.turnIndex!)").inserted { candidateTurns[record, default: 0] += 1 }
        }
        let leaveOutUnscored = options.sourceGiven || !options.stages.isEmpty
        var units: [ExportUnit] = []
        units.reserveCapacity(items.count)
        for item in items {
            let scores = resolved.scores[item.id!]
            if scores == nil && leaveOutUnscored { continue }
            units.append(ExportUnit(
                items: [item], scores: scores ?? ResolvedScores(values: [:], overall: nil, source: "none"),
                format: formats[item.id!] ?? "llava", assembled: false, groupWinner: false))
        }
        var summary = Summary()
        summary.before = counts(units, field: options.strataField)
        for stage in options.stages { units = stage.apply(units, candidateTurns: candidateTurns) }
        units.sort { ($0.items[0].id ?? 0) < ($1.items[0].id ?? 0) }
        summary.after = counts(units, field: options.strataField)
        if options.dryRun { return summary }

        let builder = RecordBuilder(rubric: rubric, withCaptions: options.withCaptions, imageRoot: options.imageRoot, system: options.system)
        let writer = try AtomicFileWriter(path: options.output)
        do {
            switch options.format {
            case .llava, .jsonl, .steerlm:
                // One read transaction for the whole write: each unit's original record is fetched as it
                // is written, from one consistent snapshot.
                try store.pool.read { db in
                    let original = try db.makeStatement(sql: "SELECT original FROM item WHERE id = ?")
                    if options.format == .llava { try writer.write("[\n") }
                    for (i, var unit) in units.enumerated() {
                        unit.items[0].original = try Data.fetchOne(original, arguments: [unit.items[0].id]) ?? Data()
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
                summary.records = units.count
            case .dpo, .dpoLLaVA:
                let (pairs, skipped) = preferencePairs(units, criteria: options.pairCriteria, margin: options.margin)
                for pair in pairs {
                    let value = options.format == .dpo
                        ? builder.dpo(chosen: pair.chosen, rejected: pair.rejected)
                        : builder.dpoLLaVA(chosen: pair.chosen, rejected: pair.rejected, key: pair.group, margin: pair.margin)
                    try writer.write(value.serialized() + "\n")
                }
                summary.records = pairs.count
                summary.pairsSkipped = skipped
            }
            try writer.commit()
        } catch {
            writer.abandon()
            throw error
        }
        let manifestPath = options.output + ".manifest.json"
        let manifest = try self.manifest(options, summary: summary, units: units, model: resolved.model)
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

    struct Pair {
        var group: String
        var chosen: Item
        var rejected: Item
        var margin: Double
    }

    /// The mllm-dpo rule: per group, each candidate's score is the sum of the pair criteria; chosen is
    /// the highest, rejected the lowest (ties by key), skipped when they differ by less than `margin`.
    func preferencePairs(_ units: [ExportUnit], criteria: [String], margin: Double) -> ([Pair], Int) {
        var groups: [String: [(Item, Double)]] = [:]
        var order: [String] = []
        for unit in units where !unit.assembled {
            let item = unit.items[0]
            let parts = criteria.compactMap { unit.scores.number($0) }
            guard parts.count == criteria.count else { continue }
            if groups[item.group] == nil { order.append(item.group) }
            groups[item.group, default: []].append((item, parts.reduce(0, +)))
        }
        var pairs: [Pair] = []
        var skipped = 0
        for group in order {
            let members = groups[group]!
            guard members.count >= 2 else { continue }
            let sorted = members.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.key < $1.0.key }
            let chosen = sorted.first!, rejected = sorted.last!
            let difference = chosen.1 - rejected.1
            if difference < margin {
                skipped += 1
                continue
            }
            pairs.append(Pair(group: group, chosen: chosen.0, rejected: rejected.0, margin: difference))
        }
        return (pairs, skipped)
    }

    func manifest(_ options: Options, summary: Summary, units: [ExportUnit], model: ModelVersion?) throws -> JSONValue {
        let rubric = options.rubric
        let (inputs, annotators) = try store.pool.read { db -> ([JSONValue], [JSONObject.Member]) in
            let inputs = try Row.fetchAll(db, sql: "SELECT name, path, sha256, format, records, imported_at FROM source_file ORDER BY id").map { row in
                JSONValue.object(JSONObject([
                    "name": .string(row["name"]), "path": .string(row["path"]), "sha256": .string(row["sha256"]),
                    "format": .string(row["format"]), "records": .number(row["records"] as Int), "imported_at": .string(row["imported_at"]),
                ]))
            }
            let annotators = try Row.fetchAll(db, sql: """
                SELECT annotator, role, count(*) AS n FROM current_label WHERE rubric_hash = ? GROUP BY annotator, role ORDER BY annotator, role
                """, arguments: [rubric.contentHash]).map { row in
                JSONObject.Member(key: "\(row["annotator"] as String) (\(row["role"] as String))", value: .number(row["n"] as Int))
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
        object["source"] = .string(options.source.rawValue)
        object["stages"] = .array(options.stages.map { .string($0.description) })
        object["counts"] = .object(JSONObject(["before": summary.before.json, "after": summary.after.json]))
        if options.format == .dpo || options.format == .dpoLLaVA {
            object["pairs"] = .object(JSONObject([
                "criteria": .array(options.pairCriteria.map(JSONValue.string)), "margin": .number(options.margin),
                "written": .number(summary.records), "skipped_under_margin": .number(summary.pairsSkipped),
            ]))
        }
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
