import GRDB

/// One current label as the model reads it.
public struct TargetLabel: Sendable, Equatable {
    public var itemId: Int64
    public var annotator: String
    public var role: LabelRole
    public var values: [String: ScoreValue]

    public init(itemId: Int64, annotator: String, role: LabelRole, values: [String: ScoreValue]) {
        self.itemId = itemId
        self.annotator = annotator
        self.role = role
        self.values = values
    }
}

/// What the model learns for one criterion of one item.
public enum TargetValue: Sendable, Equatable {
    /// A scale: the gold value or the annotators' mean (not necessarily one of the scale's values).
    case number(Double)
    case flag(Bool)
    case choice(String)
}

/// The learning targets of one item: per criterion, and the overall score.
public struct ItemTargets: Sendable, Equatable {
    public var criteria: [String: TargetValue] = [:]
    /// Normalized score per criterion (0 worst … 1 best), for the overall score.
    public var normalized: [String: Double] = [:]
    /// Σ w·s / Σ w over the criteria that count, as `Rubric.overallScore` defines it, with s the gold
    /// value's normalized score, else the mean of the annotators' normalized scores (scales) or the
    /// majority value's (flags, choices).
    public var overall: Double?

    public init() {}
}

/// Targets from labels: per item and criterion the gold value when a lead set one (role `gold`), else
/// the consensus of annotators (scales: mean; flags and choices: majority, a tie gives no target), else
/// — only with `useImported` — the consensus of imported scores, else none.
public enum Targets {
    public static func compute(labels: [TargetLabel], rubric: Rubric, useImported: Bool = false) -> [Int64: ItemTargets] {
        var byItem: [Int64: [TargetLabel]] = [:]
        for label in labels { byItem[label.itemId, default: []].append(label) }
        var result: [Int64: ItemTargets] = [:]
        for (itemId, itemLabels) in byItem {
            var targets = ItemTargets()
            for criterion in rubric.criteria {
                var sources: [[ScoreValue]] = [
                    itemLabels.filter { $0.role == .gold }.compactMap { $0.values[criterion.id] },
                    itemLabels.filter { $0.role == .annotator }.compactMap { $0.values[criterion.id] },
                ]
                if useImported { sources.append(itemLabels.filter { $0.role == .imported }.compactMap { $0.values[criterion.id] }) }
                guard let values = sources.first(where: { !$0.isEmpty }) else { continue }
                if let (target, normalized) = consensus(values, criterion: criterion) {
                    targets.criteria[criterion.id] = target
                    if let normalized { targets.normalized[criterion.id] = normalized }
                }
            }
            var weighted = 0.0, total = 0.0
            for criterion in rubric.criteria where criterion.counts {
                guard let s = targets.normalized[criterion.id] else { continue }
                weighted += criterion.weight * s
                total += criterion.weight
            }
            targets.overall = total > 0 ? weighted / total : nil
            if !targets.criteria.isEmpty || targets.overall != nil { result[itemId] = targets }
        }
        return result
    }

    /// Consensus of one criterion's values from one source, with its normalized score.
    static func consensus(_ values: [ScoreValue], criterion: Criterion) -> (TargetValue, Double?)? {
        switch criterion.kind {
        case .rank:
            // Several people's places of one candidate: their mean (a Borda count), which orders the group.
            let places = values.compactMap(\.numberValue)
            guard !places.isEmpty else { return nil }
            return (.number(places.reduce(0, +) / Double(places.count)), nil)
        case .scale:
            let numbers = values.compactMap(\.numberValue)
            guard !numbers.isEmpty else { return nil }
            let scores = values.compactMap { criterion.normalizedScore(of: $0) }
            let normalized = scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count)
            return (.number(numbers.reduce(0, +) / Double(numbers.count)), normalized)
        case .flag, .choice:
            var counts: [ScoreValue: Int] = [:]
            for v in values { counts[v, default: 0] += 1 }
            let best = counts.values.max() ?? 0
            let winners = counts.filter { $0.value == best }.map(\.key)
            guard winners.count == 1, let winner = winners.first else { return nil }
            let target: TargetValue
            switch winner {
            case .flag(let b): target = .flag(b)
            case .choice(let s): target = .choice(s)
            case .number(let n): target = .number(n)
            }
            return (target, criterion.normalizedScore(of: winner))
        }
    }

    /// The current labels of the roles the model learns from, read in `db` (one snapshot).

}
