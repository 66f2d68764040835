/// The scores that decide an item's place in an export: per criterion, the overall score, where they
/// came from (`gold`, `consensus` or `model`) and who gave them.
public struct ResolvedScores: Sendable, Equatable {
    /// Per criterion: a number (scale values, consensus means, model predictions), a flag (gold or majority;
    /// model flag probabilities become true at 0.5 or more) or a choice.
    public var values: [String: WhereExpression.Value]
    /// Model flag probabilities, kept for the `winnow` object of a JSONL export.
    public var probabilities: [String: Double] = [:]
    public var overall: Double?
    public var source: String
    public var annotators: [String]

    public init(values: [String: WhereExpression.Value], overall: Double?, source: String, annotators: [String] = [], probabilities: [String: Double] = [:]) {
        self.values = values
        self.overall = overall
        self.source = source
        self.annotators = annotators
        self.probabilities = probabilities
    }

    /// A criterion's value as a number, for sums and linear mappings: scales as they are, flags 0/1.
    public func number(_ criterion: String) -> Double? {
        switch values[criterion] {
        case .number(let x): return x
        case .flag(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// The value as JSON, for the `winnow` object.
    public static func json(_ value: WhereExpression.Value) -> JSONValue {
        switch value {
        case .number(let x): return .number(x)
        case .flag(let b): return .bool(b)
        case .text(let s): return .string(s)
        }
    }
}
