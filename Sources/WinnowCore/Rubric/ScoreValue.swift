/// One value a grader can give a criterion: a point on a scale, one of a choice's options, or a
/// flag's yes/no.
///
/// Scale values are compared as numbers, so `1` and `1.0` are the same value (they hash alike).
public enum ScoreValue: Sendable, Hashable {
    case number(Double)
    case choice(String)
    case flag(Bool)

    /// The value as JSON: a number, a string or a boolean.
    public var json: JSONValue {
        switch self {
        case .number(let n): return .number(n)
        case .choice(let s): return .string(s)
        case .flag(let b): return .bool(b)
        }
    }

    /// The value as text: its JSON text for numbers and flags ("3", "2.5", "true") and the bare string
    /// for choices ("yes"). Used as the member name in the normalized JSON's `anchors` and `keys`, and
    /// in messages.
    public var text: String {
        switch self {
        case .number(let n): return JSONValue.format(n)
        case .choice(let s): return s
        case .flag(let b): return b ? "true" : "false"
        }
    }
}
