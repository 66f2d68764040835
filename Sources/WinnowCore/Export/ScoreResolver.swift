import GRDB

/// Which scores decide what an export keeps.
public enum ScoreSource: Sendable, Equatable, CustomStringConvertible {
    /// Gold labels only (a lead's settled labels).
    case gold
    /// Gold, else the consensus of annotators (scales: mean; flags and choices: majority).
    case human
    /// The reward model's predictions for the whole pool.
    case model
    /// Per item the best available: gold > consensus > model. Imported scores are not part of it.
    case best
    /// Imported scores (role `imported`, e.g. a dataset's released human scores): from every source, or
    /// from the one named (`imported:NAME`, the `--scores-as NAME` or `source` they were imported as).
    case imported(String?)

    /// The names `--source` takes, for messages.
    public static let names = ["gold", "human", "model", "best", "imported", "imported:NAME"]

    public init?(parsing text: String) {
        switch text {
        case "gold": self = .gold
        case "human": self = .human
        case "model": self = .model
        case "best": self = .best
        case "imported": self = .imported(nil)
        default:
            guard text.hasPrefix("imported:"), text.count > "imported:".count else { return nil }
            self = .imported(String(text.dropFirst("imported:".count)))
        }
    }

    public var description: String {
        switch self {
        case .gold: return "gold"
        case .human: return "human"
        case .model: return "model"
        case .best: return "best"
        case .imported(nil): return "imported"
        case .imported(let name?): return "imported:" + name
        }
    }
}

/// Resolves every item's scores from the chosen source.
public enum ScoreResolver {
    public struct Resolved {
        public var scores: [Int64: ResolvedScores]
        /// The model version whose predictions were used, if any.
        public var model: ModelVersion?
    }

    public static func resolve(store: Store, rubric: Rubric, source: ScoreSource) throws -> Resolved {
        var result: [Int64: ResolvedScores] = [:]
        var usedModel: ModelVersion?
        func addHuman(_ eligible: [TargetLabel], useImported: Bool) {
            var people: [Int64: (gold: Set<String>, others: Set<String>)] = [:]
            for label in eligible {
                if label.role == .gold { people[label.itemId, default: ([], [])].gold.insert(label.annotator) }
                else { people[label.itemId, default: ([], [])].others.insert(label.annotator) }
            }
            for (itemId, targets) in Targets.compute(labels: eligible, rubric: rubric, useImported: useImported) {
                var values: [String: WhereExpression.Value] = [:]
                for (criterion, target) in targets.criteria {
                    switch target {
                    case .number(let x): values[criterion] = .number(x)
                    case .flag(let b): values[criterion] = .flag(b)
                    case .choice(let s): values[criterion] = .text(s)
                    }
                }
                let who = people[itemId] ?? ([], [])
                result[itemId] = ResolvedScores(
                    values: values, overall: targets.overall,
                    source: useImported ? "imported" : (who.gold.isEmpty ? "consensus" : "gold"),
                    annotators: who.gold.union(who.others).sorted())
            }
        }
        if case .imported(let name) = source {
            let labels = try store.read { db in
                try Targets.labels(db, rubric: rubric, useImported: true).labels.filter { $0.role == .imported && (name == nil || $0.annotator == name) }
            }
            addHuman(labels, useImported: true)
        } else if source != .model {
            let labels = try store.read { db in try Targets.labels(db, rubric: rubric, useImported: false).labels }
            addHuman(source == .gold ? labels.filter { $0.role == .gold } : labels, useImported: false)
        }
        if source == .model || source == .best, let scores = try ModelScores.current(store: store) {
            usedModel = scores.version
            for id in scores.itemIds where result[id] == nil {
                guard let prediction = scores.prediction(for: id) else { continue }
                var values: [String: WhereExpression.Value] = [:]
                var probabilities: [String: Double] = [:]
                for criterion in rubric.criteria {
                    guard let estimate = prediction.criteria[criterion.id] else { continue }
                    switch criterion.kind {
                    case .flag:
                        // Model flag probabilities count as true at 0.5 or more.
                        values[criterion.id] = .flag(estimate.mean >= 0.5)
                        probabilities[criterion.id] = estimate.mean
                    default:
                        values[criterion.id] = .number(estimate.mean)
                    }
                }
                result[id] = ResolvedScores(values: values, overall: prediction.overall?.mean, source: "model", probabilities: probabilities)
            }
        }
        return Resolved(scores: result, model: usedModel)
    }
}
