import ArgumentParser
import Foundation
import WinnowCore
import WinnowTUI

/// `winnow rubric …`: working with rubric files.
struct RubricCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rubric",
        abstract: "Check rubric files.",
        subcommands: [Check.self])

    /// `winnow rubric check FILE [--json]`: exits 0 and describes the rubric if it is valid, or prints
    /// the first problem (`FILE:LINE:COL: FIELD: MESSAGE`) on stderr and exits 1.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a rubric file and summarise it, or print its first problem.")

        @Argument(help: "The rubric's YAML file.")
        var file: String

        @Flag(help: "Print the normalized rubric as one line of JSON (what the rubric's content hash covers), with its instructions last (not hashed).")
        var json = false

        func run() throws {
            let rubric: Rubric
            do {
                rubric = try Rubric.load(path: file)
            } catch {
                FileHandle.standardError.write(Data((Sanitizer.displayable(error.description) + "\n").utf8))
                throw ExitCode(1)
            }
            if json {
                Output.json(Self.json(of: rubric))
            } else {
                Output.text(Self.summary(of: rubric), terminator: "")
            }
        }

        /// The normalized form, and `instructions` after it when the rubric has any: they are shown to
        /// annotators but are not part of the content hash (rewording them does not make a new rubric).
        static func json(of rubric: Rubric) -> JSONValue {
            guard var object = (try? JSONParser.parse(rubric.normalizedJSON))?.objectValue else { return .string(rubric.normalizedJSON) }
            let instructions = rubric.instructions.trimmingCharacters(in: .whitespacesAndNewlines)
            if !instructions.isEmpty { object["instructions"] = .string(instructions) }
            return .object(object)
        }

        /// The human summary: the rubric, then each criterion with its kind, level, weight, whether it is
        /// required, which end is better, and its values with the keys that set them.
        static func summary(of rubric: Rubric) -> String {
            let count = rubric.criteria.count
            var out = "\(rubric.name) version \(rubric.version): \(count) \(count == 1 ? "criterion" : "criteria")\n"
            out += "hash \(rubric.contentHash)\n"
            let instructions = rubric.instructions.trimmingCharacters(in: .whitespacesAndNewlines)
            if !instructions.isEmpty {
                out += "\ninstructions (shown when grading starts and on i; not part of the hash):\n"
                for line in instructions.split(separator: "\n", omittingEmptySubsequences: false) { out += "  " + line + "\n" }
            }
            for criterion in rubric.criteria {
                out += "\n\(criterion.id): \(criterion.title)\n"
                var facts = [criterion.kind.rawValue, criterion.level.rawValue, "weight \(JSONValue.number(criterion.weight).serialized())"]
                facts.append(criterion.required ? "required" : "optional")
                switch criterion.better {
                case .higher: facts.append("higher is better")
                case .lower: facts.append("lower is better")
                case .good(let value): facts.append("\(value) is good")
                case nil: break
                }
                if !criterion.counts { facts.append("not in the overall score") }
                if criterion.typedEntry { facts.append("values without a key are typed on the grading screen (0 . 7 for 0.7)") }
                out += "  " + facts.joined(separator: ", ") + "\n"
                if criterion.kind == .rank {
                    out += "  places 1 (best) to \(CriterionKind.maximumRanked): on the group screen (label --by-group), press the candidates' numbers best to worst\n"
                    continue
                }
                for (index, value) in criterion.values.enumerated() {
                    let key = criterion.key(for: value).map { "[\($0)]" } ?? "[typed]"
                    var line = "  \(key) \(value.text)"
                    if let scores = criterion.scores, index < scores.count { line += " (score \(JSONValue.number(scores[index]).serialized()))" }
                    if let anchor = criterion.anchors[value] { line += ": " + Self.firstLine(anchor) }
                    out += line + "\n"
                }
            }
            return out
        }

        private static func firstLine(_ text: String) -> String {
            let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            return line.count > 100 ? String(line.prefix(99)) + "…" : line
        }
    }
}
