import GRDB

/// Which scores decide what an export keeps.
public enum ScoreSource: String, Sendable, CaseIterable {
    /// Gold labels only (a lead's settled labels).
    case gold
    /// Gold, else the consensus of annotators (scales: mean; flags and choices: majority).
    case human
    /// The reward model's predictions for the whole pool.
    case model
    /// Per item the best available: gold > consensus > model.
    case best
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
        if source != .model {
            let labels = try store.pool.read { db in try Targets.labels(db, rubric: rubric, useImported: false).labels }
            let eligible = source == .gold ? labels.filter { $0.role == .gold } : labels
            var people: [Int64: (gold: Set<String>, annotators: Set<String>)] = [:]
            for label in eligible {
                if label.role == .gold { people[label.itemId, default: ([], [])].gold.insert(label.annotator) }
                else { people[label.itemId, default: ([], [])].annotators.insert(label.annotator) }
            }
            for (itemId, targets) in Targets.compute(labels: eligible, rubric: rubric) {
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
                    values: values, overall: targets.overall, source: who.gold.isEmpty ? "consensus" : "gold",
                    annotators: who.gold.union(who.annotators).sorted())
            }
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
