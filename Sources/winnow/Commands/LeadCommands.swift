import ArgumentParser
import Foundation
import WinnowCore

/// The rubric a lead's command reports on: `--rubric`, else the rubric of the most recent annotator label.
enum LeadRubric {
    static func resolve(_ path: String?, store: Store, storePath: String) throws -> Rubric {
        if let path { return try Rubric.load(path: path) }
        if let latest = try LabelLog(store: store).latestAnnotatorRubric() { return latest }
        throw ValidationError("no annotator labels in \(storePath) to take the rubric from; give --rubric")
    }
}

/// `winnow disagreements`: the review screen's queue as text or JSON.
struct DisagreementsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disagreements",
        abstract: "List the items a lead should settle: annotators disagreeing (largest first), then the model against the humans, then flags.",
        discussion: """
            The same queue as `winnow review`. Disagreement is the largest distance between two annotators' values \
            of a criterion at its declared level, normalised by its range (nominal 0 or 1). Items with gold are \
            settled and left out. Reads only: unanimous items are counted here and accepted by `winnow review`.
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: ArgumentHelp("The rubric (default: the rubric of the most recent annotator label).", valueName: "rubric.yaml"))
    var rubric: String?
    @Option(help: ArgumentHelp("Only items disputed on this criterion.", valueName: "id")) var criterion: String?
    @Option(help: ArgumentHelp("Only items this annotator labeled.", valueName: "name")) var annotator: String?
    @Flag(help: "Print the queue as JSON.") var json = false

    func run() throws {
        let database = try store.openExisting()
        let rubric = try LeadRubric.resolve(rubric, store: database, storePath: store.path)
        let snapshot = try Review.load(store: database, rubric: rubric, filter: .init(criterion: criterion, annotator: annotator),
                                       autoAccept: false)
        if json {
            Output.json(ReviewJSON.queue(snapshot, rubric: rubric))
        } else {
            Output.text(ReviewText.queue(snapshot, rubric: rubric))
        }
    }
}

/// `winnow gold export`: the gold labels in the labels format.
struct GoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gold", abstract: "Gold labels: the values a lead settled (or that were accepted unanimously).",
        subcommands: [Export.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the current gold labels as JSONL in the labels format (`\"role\": \"gold\"`), which `labels import` reads.")
        @OptionGroup var store: StoreOptions
        @Option(help: ArgumentHelp("Only gold given under this rubric.", valueName: "rubric.yaml")) var rubric: String?
        @Flag(help: "Print one JSON list instead of one object a line.") var json = false

        func run() throws {
            let hash = try rubric.map { try Rubric.load(path: $0).contentHash }
            let gold = try LabelLog(store: store.openExisting()).currentLabels(rubricHash: hash).filter { $0.event.role == .gold }
            guard !gold.isEmpty else {
                throw ValidationError("no gold labels in \(store.path)\(rubric.map { " under \($0)" } ?? ""); settle items with `winnow review`")
            }
            let lines = gold.map(LabelFile.line)
            if json {
                Output.json(.array(lines))
            } else {
                for line in lines { print(line.serialized()) }
            }
        }
    }
}

/// `winnow flags`: flagged items with their notes.
struct FlagsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flags", abstract: "List the items annotators flagged for the lead, with their notes.")
    @OptionGroup var store: StoreOptions
    @Flag(help: "Print [{\"item\", \"annotator\", \"note\", \"at\", \"gold\"}] as JSON.") var json = false

    func run() throws {
        let log = LabelLog(store: try store.openExisting())
        let flagged = try log.flaggedLabels()
        let settled = Set(try log.currentLabels().filter { $0.event.role == .gold }.map(\.event.itemId))
        if json {
            Output.json(.array(flagged.map { label in
                var o = JSONObject(["item": .string(label.itemKey), "annotator": .string(label.event.annotator)])
                o["note"] = label.event.note.map(JSONValue.string) ?? .null
                o["at"] = .string(label.event.at)
                o["gold"] = .bool(settled.contains(label.event.itemId))
                return .object(o)
            }))
            return
        }
        guard !flagged.isEmpty else {
            Output.text("No flagged items in \(store.path).")
            return
        }
        var lines = ["\(flagged.count) flagged label\(flagged.count == 1 ? "" : "s") on \(Set(flagged.map(\.event.itemId)).count) items:"]
        for label in flagged {
            let note = label.event.note.map { ": \($0)" } ?? " (no note)"
            lines.append("  \(label.itemKey)  \(label.event.annotator)  \(label.event.at)\(settled.contains(label.event.itemId) ? "  [gold]" : "")\(note)")
        }
        Output.text(lines.joined(separator: "\n"))
    }
}

enum ReviewJSON {
    static func round(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }

    static func value(_ v: ScoreValue?) -> JSONValue { v?.json ?? .null }

    static func queue(_ s: ReviewSnapshot, rubric: Rubric) -> JSONValue {
        let items: [JSONValue] = s.queue.entries.map { e in
            var o = JSONObject(["item": .string(e.itemKey), "reason": .string(e.reason.name)])
            switch e.reason {
            case .disagreement(let d, let criteria):
                o["distance"] = .number(ReviewJSON.round(d))
                o["disputed"] = .array(criteria.map(JSONValue.string))
            case .model(let gap, let humans, let model):
                o["gap"] = .number(ReviewJSON.round(gap))
                o["humans"] = .number(ReviewJSON.round(humans))
                o["model"] = .number(ReviewJSON.round(model))
            case .flagged(let by):
                o["flagged_by"] = .array(by.map(JSONValue.string))
            }
            var criteria = JSONObject()
            for c in rubric.criteria {
                var x = JSONObject()
                switch e.verdicts[c.id] ?? .unrated {
                case .disputed(let d):
                    x["verdict"] = .string("disputed")
                    x["distance"] = .number(ReviewJSON.round(d))
                case .agreed(let v):
                    x["verdict"] = .string("agreed")
                    x["value"] = v.json
                case .unrated:
                    x["verdict"] = .string("unrated")
                }
                x["values"] = .object(JSONObject(e.labels.map { .init(key: $0.annotator, value: value($0.values[c.id])) }))
                criteria.members.append(.init(key: c.id, value: .object(x)))
            }
            o["criteria"] = .object(criteria)
            o["annotators"] = .array(e.labels.map { l in
                var a = JSONObject(["name": .string(l.annotator), "seconds": .number(ReviewJSON.round(l.seconds)), "flag": .bool(l.flag)])
                a["note"] = l.note.map(JSONValue.string) ?? .null
                return .object(a)
            })
            return .object(o)
        }
        var o = JSONObject(["rubric": .string(rubric.name), "version": .string(rubric.version)])
        o["items"] = .array(items)
        o["counts"] = .object(JSONObject([
            "disagreement": .number(s.queue.count("disagreement")), "model": .number(s.queue.count("model")),
            "flagged": .number(s.queue.count("flagged")), "settled": .number(s.queue.settled),
            "settled_automatically": .number(s.queue.settledAutomatically),
            "unanimous_waiting": .number(s.queue.unanimous.count),
        ]))
        o["model_version"] = s.modelVersion.map { .number(Double($0)) } ?? .null
        return .object(o)
    }
}

enum ReviewText {
    static func queue(_ s: ReviewSnapshot, rubric: Rubric) -> String {
        let q = s.queue
        var lines = ["rubric \(rubric.name) \(rubric.version) · \(q.entries.count) to review (\(q.count("disagreement")) disagreements, "
                     + "\(q.count("model")) model, \(q.count("flagged")) flagged) · \(q.settled) settled (\(q.settledAutomatically) automatically)"
                     + (s.modelVersion.map { " · model \($0)" } ?? " · no model")]
        if !q.unanimous.isEmpty {
            lines.append("\(q.unanimous.count) unanimous items wait to be accepted as gold: `winnow review` accepts them (config auto_accept_unanimous)")
        }
        if q.entries.isEmpty {
            lines.append(q.settled + q.unanimous.count == 0
                ? "Nothing to review: no item has labels from two annotators that differ, nor a flag. For agreement, let items be labeled twice: `winnow config set overlap 0.2`."
                : "Nothing left to review.")
            return lines.joined(separator: "\n")
        }
        for (n, e) in q.entries.enumerated() {
            lines.append("")
            lines.append("\(n + 1). \(e.itemKey)  \(e.why(rubric: rubric))")
            let shown = e.disputed(in: rubric)
            for c in shown.isEmpty ? rubric.criteria : shown {
                let given = e.labels.map { "\($0.annotator) \($0.values[c.id]?.text ?? "·")" }.joined(separator: ", ")
                lines.append("   \(c.title): \(given)")
            }
            for l in e.labels where l.note != nil || l.flag {
                lines.append("   \(l.annotator)\(l.flag ? " ⚑" : ""): \(l.note ?? "(no note)")")
            }
        }
        return lines.joined(separator: "\n")
    }
}
