/// One current label as the lead's review reads it: the values through the review's rubric, with the
/// note, flag and time on task that the lead weighs.
public struct ReviewLabel: Sendable, Equatable {
    public var eventId: Int64
    public var itemId: Int64
    public var itemKey: String
    public var annotator: String
    public var role: LabelRole
    /// For gold: how it was settled (`unanimous` when accepted automatically); nil when a lead set it.
    public var source: String?
    public var values: [String: ScoreValue]
    public var note: String?
    public var flag: Bool
    public var seconds: Double
    public var at: String

    public init(eventId: Int64, itemId: Int64, itemKey: String, annotator: String, role: LabelRole, source: String? = nil,
                values: [String: ScoreValue], note: String? = nil, flag: Bool = false, seconds: Double = 0, at: String = "") {
        self.eventId = eventId
        self.itemId = itemId
        self.itemKey = itemKey
        self.annotator = annotator
        self.role = role
        self.source = source
        self.values = values
        self.note = note
        self.flag = flag
        self.seconds = seconds
        self.at = at
    }

    /// Gold accepted because every annotator agreed, not set by a lead.
    public var isAutomatic: Bool { role == .gold && source == Adjudication.unanimousSource }
}

/// Where the annotators of one item stand on one criterion.
public enum CriterionVerdict: Sendable, Equatable {
    /// Two or more annotators gave different values; `distance` is the largest between two of them at
    /// the criterion's level, normalised by its range (0…1).
    case disputed(distance: Double)
    /// Everyone who gave a value gave this one.
    case agreed(ScoreValue)
    /// Nobody gave a value.
    case unrated
}

/// One item in the lead's review queue, with why it is there.
public struct ReviewEntry: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// Annotators disagree: the largest normalised distance and the disputed criteria, in rubric order.
        case disagreement(distance: Double, criteria: [String])
        /// The model and the humans disagree: |model − humans| on the overall score (or the filtered
        /// criterion), normalised to 0…1, beyond the model's own 95% interval.
        case model(gap: Double, humans: Double, model: Double)
        /// An annotator flagged the item.
        case flagged(by: [String])

        public var name: String {
            switch self {
            case .disagreement: return "disagreement"
            case .model: return "model"
            case .flagged: return "flagged"
            }
        }
    }

    public var itemId: Int64
    public var itemKey: String
    public var reason: Reason
    /// The item's annotator labels, by name.
    public var labels: [ReviewLabel]
    /// Per criterion id.
    public var verdicts: [String: CriterionVerdict]

    /// The values gold starts from: every criterion the annotators agree on.
    public var agreedValues: [String: ScoreValue] {
        verdicts.compactMapValues { if case .agreed(let v) = $0 { return v } else { return nil } }
    }

    /// The criteria in dispute, in rubric order.
    public func disputed(in rubric: Rubric) -> [Criterion] {
        rubric.criteria.filter { if case .disputed = verdicts[$0.id] { return true } else { return false } }
    }

    /// What the header says about why the item is here.
    public func why(rubric: Rubric) -> String {
        switch reason {
        case .disagreement(let d, let criteria):
            let titles = criteria.compactMap { rubric.criterion($0)?.title }
            return "disagree \(ReviewQueue.format(d)) on " + titles.joined(separator: ", ")
        case .model(let gap, let humans, let model):
            return "model \(ReviewQueue.format(model)) vs humans \(ReviewQueue.format(humans)) (gap \(ReviewQueue.format(gap)))"
        case .flagged(let by):
            return "flagged by " + by.joined(separator: ", ")
        }
    }
}

/// The lead's queue, computed from the current labels alone (a pure function, tested without SQLite):
/// items where annotators disagree, the largest disagreement first; then items where the model and the
/// humans disagree most; then items an annotator flagged. Items with gold are settled and left out;
/// items on which two or more annotators agree on every criterion (and nobody flagged) are `unanimous`,
/// for automatic acceptance.
public enum ReviewQueue {
    public struct Filter: Sendable, Equatable {
        /// Only items disputed on (or, for the model's part, predicted far off on) this criterion.
        public var criterion: String?
        /// Only items this annotator labeled.
        public var annotator: String?
        public init(criterion: String? = nil, annotator: String? = nil) {
            self.criterion = criterion
            self.annotator = annotator
        }
        public var isEmpty: Bool { criterion == nil && annotator == nil }
    }

    public struct Result: Sendable, Equatable {
        public var entries: [ReviewEntry]
        /// Items without gold on which every annotator (two or more) agrees and nobody flagged, with the
        /// common values.
        public var unanimous: [(itemId: Int64, values: [String: ScoreValue])]
        /// Items with gold, and of those the ones accepted automatically.
        public var settled: Int
        public var settledAutomatically: Int

        public static func == (a: Result, b: Result) -> Bool {
            a.entries == b.entries && a.settled == b.settled && a.settledAutomatically == b.settledAutomatically
                && a.unanimous.map(\.itemId) == b.unanimous.map(\.itemId) && a.unanimous.map(\.values) == b.unanimous.map(\.values)
        }

        public func count(_ reason: String) -> Int { entries.filter { $0.reason.name == reason }.count }
    }

    static func format(_ x: Double) -> String { String(format: "%.2f", x) }

    /// The distance between two values of `criterion` at its level, normalised by its range: nominal
    /// 0 or 1; ordinal the difference of positions over (values − 1); interval the difference of the
    /// numbers over (highest − lowest).
    public static func distance(_ a: ScoreValue, _ b: ScoreValue, criterion: Criterion) -> Double {
        if a == b { return 0 }
        switch criterion.level {
        case .nominal:
            return 1
        case .ordinal:
            guard let i = criterion.position(of: a), let j = criterion.position(of: b), criterion.values.count > 1 else { return 1 }
            return Double(abs(i - j)) / Double(criterion.values.count - 1)
        case .interval:
            let numbers = criterion.values.compactMap(\.numberValue)
            guard let x = a.numberValue, let y = b.numberValue, let low = numbers.min(), let high = numbers.max(), high > low else { return 1 }
            return abs(x - y) / (high - low)
        }
    }

    /// Each criterion's verdict over `labels` (one item's annotator labels).
    public static func verdicts(_ labels: [ReviewLabel], rubric: Rubric) -> [String: CriterionVerdict] {
        var result: [String: CriterionVerdict] = [:]
        for criterion in rubric.criteria {
            let given = labels.compactMap { $0.values[criterion.id] }
            guard let first = given.first else {
                result[criterion.id] = .unrated
                continue
            }
            var widest = 0.0
            for i in given.indices {
                for j in given.indices where j > i { widest = max(widest, distance(given[i], given[j], criterion: criterion)) }
            }
            result[criterion.id] = widest > 0 ? .disputed(distance: widest) : .agreed(first)
        }
        return result
    }

    /// Builds the queue. `model` gives the current model's predictions by item id (nil without a model).
    public static func build(labels: [ReviewLabel], rubric: Rubric, model: [Int64: Prediction]? = nil,
                             filter: Filter = Filter()) -> Result {
        var byItem: [Int64: [ReviewLabel]] = [:]
        var order: [Int64] = []
        for label in labels where label.role != .imported {
            if byItem[label.itemId] == nil { order.append(label.itemId) }
            byItem[label.itemId, default: []].append(label)
        }
        var disagreements: [(entry: ReviewEntry, distance: Double, count: Int)] = []
        var modelGaps: [(entry: ReviewEntry, gap: Double)] = []
        var flagged: [ReviewEntry] = []
        var unanimous: [(itemId: Int64, values: [String: ScoreValue])] = []
        var settled = 0, automatic = 0
        for id in order {
            let all = byItem[id]!
            let golds = all.filter { $0.role == .gold }
            if !golds.isEmpty {
                settled += 1
                if golds.allSatisfy(\.isAutomatic) { automatic += 1 }
                continue
            }
            let annotated = all.filter { $0.role == .annotator }.sorted { $0.annotator < $1.annotator }
            guard !annotated.isEmpty else { continue }
            let verdicts = verdicts(annotated, rubric: rubric)
            let flaggers = annotated.filter(\.flag).map(\.annotator)
            let disputed = rubric.criteria.compactMap { c -> (String, Double)? in
                if case .disputed(let d) = verdicts[c.id] { return (c.id, d) } else { return nil }
            }
            if disputed.isEmpty && flaggers.isEmpty && annotated.count >= 2 {
                unanimous.append((id, verdicts.compactMapValues { if case .agreed(let v) = $0 { return v } else { return nil } }))
                continue
            }
            if let who = filter.annotator, !annotated.contains(where: { $0.annotator == who }) { continue }
            let key = annotated[0].itemKey
            func entry(_ reason: ReviewEntry.Reason) -> ReviewEntry {
                ReviewEntry(itemId: id, itemKey: key, reason: reason, labels: annotated, verdicts: verdicts)
            }
            let considered = filter.criterion.map { c in disputed.filter { $0.0 == c } } ?? disputed
            if !considered.isEmpty {
                let widest = considered.map(\.1).max()!
                disagreements.append((entry(.disagreement(distance: widest, criteria: disputed.map(\.0))), widest, disputed.count))
                continue
            }
            if filter.criterion == nil || disputed.isEmpty, let prediction = model?[id],
               let gap = modelGap(prediction, labels: annotated, rubric: rubric, criterion: filter.criterion) {
                modelGaps.append((entry(.model(gap: gap.gap, humans: gap.humans, model: gap.model)), gap.gap))
                continue
            }
            if !flaggers.isEmpty && filter.criterion == nil { flagged.append(entry(.flagged(by: flaggers))) }
        }
        disagreements.sort {
            ($0.distance, $0.count) != ($1.distance, $1.count) ? ($0.distance, $0.count) > ($1.distance, $1.count) : $0.entry.itemKey < $1.entry.itemKey
        }
        modelGaps.sort { $0.gap != $1.gap ? $0.gap > $1.gap : $0.entry.itemKey < $1.entry.itemKey }
        flagged.sort { $0.itemKey < $1.itemKey }
        return Result(entries: disagreements.map(\.entry) + modelGaps.map(\.entry) + flagged, unanimous: unanimous,
                      settled: settled, settledAutomatically: automatic)
    }

    /// The model's distance from the humans on one item, normalised to 0…1, when the humans' value lies
    /// outside the model's own 95% interval (mean ± 1.96 std): the model's uncertainty decides what
    /// counts as far, not a constant. On the overall score without `criterion`, else on that criterion
    /// (a scale's mean, or a flag's share of `true` against its predicted probability).
    static func modelGap(_ prediction: Prediction, labels: [ReviewLabel], rubric: Rubric,
                         criterion id: String?) -> (gap: Double, humans: Double, model: Double)? {
        let estimate: Prediction.Estimate
        let humans: Double
        var range = 1.0
        if let id {
            guard let criterion = rubric.criterion(id), let e = prediction.criteria[id] else { return nil }
            estimate = e
            switch criterion.kind {
            case .scale:
                let numbers = criterion.values.compactMap(\.numberValue)
                let given = labels.compactMap { $0.values[id]?.numberValue }
                guard !given.isEmpty, let low = numbers.min(), let high = numbers.max(), high > low else { return nil }
                humans = given.reduce(0, +) / Double(given.count)
                range = high - low
            case .flag:
                let given = labels.compactMap { label -> Double? in
                    if case .flag(let b)? = label.values[id] { return b ? 1 : 0 } else { return nil }
                }
                guard !given.isEmpty else { return nil }
                humans = given.reduce(0, +) / Double(given.count)
            case .choice, .rank:
                return nil
            }
        } else {
            guard let e = prediction.overall else { return nil }
            let scores = labels.compactMap { rubric.overallScore($0.values) }
            guard !scores.isEmpty else { return nil }
            estimate = e
            humans = scores.reduce(0, +) / Double(scores.count)
        }
        guard estimate.mean.isFinite, estimate.std.isFinite else { return nil }
        let gap = abs(estimate.mean - humans)
        guard gap > 1.96 * estimate.std else { return nil }
        return (gap / range, humans, estimate.mean)
    }
}
