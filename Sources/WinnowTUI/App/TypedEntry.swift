import WinnowCore

/// A value key on a criterion, as every grading screen reads it: a value's own key, a character toward a
/// typed value (a scale of more than 9 values: "0", "." then "7" for 0.7), or a key that does nothing and
/// why. Pure: each screen applies the outcome to its own state.
public enum TypedEntry: Equatable {
    /// The key names this value: set it (and clear what was typed).
    case set(ScoreValue)
    /// Still on the way to a value: show this as typed.
    case typing(String)
    /// The key does nothing here; say this.
    case refused(String)

    /// `c` pressed on `criterion` with `typed` typed so far.
    public static func key(_ c: Character, typed: String, criterion: Criterion) -> TypedEntry {
        if typed.isEmpty, let value = criterion.value(forKey: c) { return .set(value) }
        if criterion.typedEntry, c.isASCII, c.isNumber || c == "." || c == "-" {
            let text = typed + String(c)
            let (candidates, exact) = criterion.typedMatches(text)
            if let exact, candidates.count <= 1 { return .set(exact) }
            if candidates.isEmpty && exact == nil {
                return .refused("\(text) is not a value of \(criterion.title) (\(criterion.values.first?.text ?? "") to \(criterion.values.last?.text ?? ""))")
            }
            return .typing(text)
        }
        if criterion.typedEntry {
            return .refused("\(c) is not part of a value of \(criterion.title): type a value such as \(criterion.values.last?.text ?? ""), then Enter if needed")
        }
        let keys = criterion.keys.map { String($0.key) }.joined(separator: " ")
        return .refused("\(c) is not a key of \(criterion.title) (keys: \(keys)); ? shows all keys")
    }

    /// Enter or Tab after a typed prefix: the value it names exactly, else why not.
    public static func finish(_ typed: String, criterion: Criterion) -> TypedEntry {
        if let exact = criterion.typedMatches(typed).exact { return .set(exact) }
        return .refused("\(typed) is not a value of \(criterion.title); keep typing, or Backspace")
    }
}
