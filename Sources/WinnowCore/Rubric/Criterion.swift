/// One question graders answer about an item, with the values they may give and how those values
/// count towards the overall score.
///
/// A `Criterion` made by `Rubric.parse` is consistent: `values` are non-empty and distinct (a scale's
/// strictly ascending, a flag's exactly `[false, true]`), every value has exactly one key in `keys`
/// and no two values share a key, `anchors` only name values, `scores` (choices only) has one finite
/// entry per value, `better` is set for scales and flags and nil for choices, and `weight` is finite
/// and not negative. The memberwise initializer does not check any of this.
public struct Criterion: Sendable, Equatable {
    public var id: String
    public var title: String
    public var question: String
    public var kind: CriterionKind
    public var level: MeasurementLevel
    public var values: [ScoreValue]
    /// Text describing what each value means; values without an anchor have no entry.
    public var anchors: [ScoreValue: String]
    public var weight: Double
    /// Whether an item cannot be submitted without a value for this criterion.
    public var required: Bool
    /// `higher`/`lower` for scales, `good(Bool)` for flags, nil for choices.
    public var better: Better?
    /// For choices only: a number per value (in `values` order) placing it between worst and best.
    public var scores: [Double]?
    /// Key bindings in `values` order: one per value, except on a scale of more than 9 values, where
    /// values without a key under `keys` are typed (`typedEntry`).
    public var keys: [KeyBinding]

    /// Whether some values are set by typing them (`0`, `.`, `7` for 0.7) rather than by one key.
    public var typedEntry: Bool { kind == .scale && keys.count < values.count }

    /// The values whose text starts with `typed`, and the one it names exactly (as text or as a number).
    public func typedMatches(_ typed: String) -> (candidates: [ScoreValue], exact: ScoreValue?) {
        let candidates = values.filter { $0.text.hasPrefix(typed) }
        let number = Double(typed)
        let exact = values.first { value in
            value.text == typed || (number != nil && value.numberValue.map { abs($0 - number!) <= 1e-9 * max(1, abs($0)) } == true)
        }
        return (candidates, exact)
    }

    public init(
        id: String, title: String, question: String, kind: CriterionKind, level: MeasurementLevel,
        values: [ScoreValue], anchors: [ScoreValue: String] = [:], weight: Double = 1, required: Bool = false,
        better: Better?, scores: [Double]? = nil, keys: [KeyBinding]
    ) {
        self.id = id
        self.title = title
        self.question = question
        self.kind = kind
        self.level = level
        self.values = values
        self.anchors = anchors
        self.weight = weight
        self.required = required
        self.better = better
        self.scores = scores
        self.keys = keys
    }

    /// The value a stored JSON answer stands for, or nil if it is not one of `values` (or is the wrong
    /// type: a scale takes numbers, a choice strings, a flag booleans). Numbers compare by value, so
    /// `1` and `1.0` both match a scale value 1.
    public func value(from json: JSONValue) -> ScoreValue? {
        let candidate: ScoreValue
        switch (kind, json) {
        case (.scale, .number):
            guard let number = json.doubleValue, number.isFinite else { return nil }
            candidate = .number(number)
        case (.choice, .string(let s)): candidate = .choice(s)
        case (.flag, .bool(let b)): candidate = .flag(b)
        case (.rank, .number):
            guard let number = json.doubleValue, number.isFinite else { return nil }
            candidate = .number(number)
        default: return nil
        }
        return values.contains(candidate) ? candidate : nil
    }

    /// The index of `value` in `values`, or nil if it is not one of them.
    public func position(of value: ScoreValue) -> Int? {
        values.firstIndex(of: value)
    }

    /// How good `value` is, from 0 (worst) to 1 (best), or nil if it does not count towards the overall
    /// score: not one of `values`, weight 0, or a choice without `scores`.
    ///
    /// A scale of q values scores its position in q−1 equal steps from the worse end; a flag scores 1
    /// for its good value and 0 for the other; a choice scores its `scores` entry rescaled so the
    /// lowest score is 0 and the highest 1.
    public func normalizedScore(of value: ScoreValue) -> Double? {
        guard weight > 0, weight.isFinite, let index = position(of: value) else { return nil }
        switch kind {
        case .scale:
            guard values.count > 1 else { return nil }
            let steps = Double(values.count - 1)
            let fromBottom = Double(index) / steps
            return better == .lower ? 1 - fromBottom : fromBottom
        case .flag:
            guard case .good(let good) = better, case .flag(let given) = value else { return nil }
            return given == good ? 1 : 0
        case .choice:
            guard let scores, scores.count == values.count,
                let low = scores.min(), let high = scores.max(), high > low
            else { return nil }
            return (scores[index] - low) / (high - low)
        case .rank:
            // A place among one group's candidates says nothing about the item on its own.
            return nil
        }
    }

    /// Whether this criterion takes part in the overall score at all.
    public var counts: Bool {
        guard weight > 0, weight.isFinite, kind != .rank else { return false }
        return kind != .choice || scores != nil
    }

    /// The value `key` sets, or nil if the key is not bound in this criterion.
    public func value(forKey key: Character) -> ScoreValue? {
        keys.first(where: { $0.key == key })?.value
    }

    /// The key that sets `value`, or nil if it is not one of `values`.
    public func key(for value: ScoreValue) -> Character? {
        keys.first(where: { $0.value == value })?.key
    }
}
