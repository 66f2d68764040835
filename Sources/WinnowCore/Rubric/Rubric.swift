import Crypto
import Foundation

/// The criteria experts grade items against, read from a YAML file (`--rubric PATH`).
///
/// A rubric from `load` or `parse` has been checked completely (see `Criterion` for what holds of each
/// criterion; ids are unique and there is at least one criterion), so the screens and exports can rely
/// on it without checking again. Bad files are reported as a `RubricError` naming file, line, column
/// and field; nothing in a file can make parsing trap.
public struct Rubric: Sendable, Equatable {
    public var name: String
    public var version: String
    /// Guidance shown to graders before they start.
    public var instructions: String
    public var criteria: [Criterion]

    public init(name: String, version: String, instructions: String = "", criteria: [Criterion]) {
        self.name = name
        self.version = version
        self.instructions = instructions
        self.criteria = criteria
    }

    /// Reads and checks the rubric at `path`.
    public static func load(path: String) throws(RubricError) -> Rubric {
        let text = try RubricFile.read(path: path)
        return try parse(yaml: text, file: path)
    }

    /// Checks the rubric in `yaml`; `file` is the name used in error messages.
    public static func parse(yaml: String, file: String) throws(RubricError) -> Rubric {
        try RubricParser(file: file, text: yaml).parse()
    }

    /// The rubric without its `rank` criteria: what one item alone can be graded on.
    public var withoutRankings: Rubric {
        var copy = self
        copy.criteria.removeAll { $0.kind == .rank }
        return copy
    }

    /// Whether some criterion is a ranking.
    public var hasRanking: Bool { criteria.contains { $0.kind == .rank } }

    public func criterion(_ id: String) -> Criterion? {
        criteria.first(where: { $0.id == id })
    }

    /// The overall score of one item's values (keyed by criterion id): Σ w·s / Σ w over the criteria
    /// that have a value and count (weight above 0; choices only with `scores`), where s is the
    /// criterion's `normalizedScore`. Nil when no criterion counts. Values for unknown criteria, or
    /// that are not among a criterion's values, are ignored.
    public func overallScore(_ values: [String: ScoreValue]) -> Double? {
        var weighted = 0.0
        var totalWeight = 0.0
        for criterion in criteria {
            guard let value = values[criterion.id], let s = criterion.normalizedScore(of: value) else { continue }
            weighted += criterion.weight * s
            totalWeight += criterion.weight
        }
        return totalWeight > 0 ? weighted / totalWeight : nil
    }

    /// The normalized rubric as JSON: what `winnow rubric check --json` prints and what `contentHash`
    /// covers. Defaults are filled in (level, weight, better, keys), numbers are written canonically,
    /// and members come in a fixed order:
    /// `{"name","version","criteria":[{"id","title","question","kind","level","values","anchors",
    /// "weight","required","better","keys"}]}`. `anchors` and `keys` are keyed by the value's text
    /// ("1", "true", "yes") and follow `values` order; `keys` has every value. A choice with `scores`
    /// gets a `scores` list after `keys` (no other criterion has one). `instructions` is left out: it
    /// is guidance for graders, not part of what a label means.
    public var normalizedJSON: String {
        normalizedJSONValue.serialized()
    }

    public var normalizedJSONValue: JSONValue {
        .object(JSONObject([
            "name": .string(name),
            "version": .string(version),
            "criteria": .array(criteria.map(\.normalizedJSONValue)),
        ]))
    }

    /// Lowercase hex SHA-256 of `normalizedJSON`. A label records the hash of the rubric it was given
    /// under; edits that change only formatting, comments, key order or `instructions` keep the hash,
    /// while any change to what a value means (values, anchors, weights, keys, …) changes it.
    public var contentHash: String {
        SHA256.hash(data: Data(normalizedJSON.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

extension Criterion {
    /// This criterion's member of the normalized rubric JSON (see `Rubric.normalizedJSON`).
    public var normalizedJSONValue: JSONValue {
        var anchorMembers: [JSONObject.Member] = []
        for value in values {
            if let text = anchors[value] { anchorMembers.append(.init(key: value.text, value: .string(text))) }
        }
        var object = JSONObject([
            "id": .string(id),
            "title": .string(title),
            "question": .string(question),
            "kind": .string(kind.rawValue),
            "level": .string(level.rawValue),
            "values": .array(values.map(\.json)),
            "anchors": .object(JSONObject(anchorMembers)),
            "weight": .number(weight),
            "required": .bool(required),
            "better": better?.json ?? .null,
            "keys": .object(JSONObject(keys.map { .init(key: $0.value.text, value: .string(String($0.key))) })),
        ])
        // Not in the list of members: only choices that have scores carry them, last.
        if let scores { object.members.append(.init(key: "scores", value: .array(scores.map { .number($0) }))) }
        return .object(object)
    }
}
