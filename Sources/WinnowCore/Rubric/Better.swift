/// Which end of a criterion is the good one.
///
/// Scales say `higher` or `lower`; flags name their good value (`good(false)` for a criterion such as
/// "hallucination", where `true` is bad). Choices have none: they are ranked only through `scores`.
public enum Better: Sendable, Equatable {
    case higher
    case lower
    case good(Bool)

    /// As it appears in the normalized JSON: "higher", "lower", true or false.
    public var json: JSONValue {
        switch self {
        case .higher: return .string("higher")
        case .lower: return .string("lower")
        case .good(let value): return .bool(value)
        }
    }
}
