import WinnowCore

/// The labeling screen: `reduce` turns a key into a new state and, for keys that need the database,
/// an intent; `render` draws a state. Both are pure, so every key and every frame can be tested without
/// a terminal.
public enum LabelScreen {
    /// Applies `key` to `state`; returns the intent the controller must carry out, if any.
    public static func reduce(_ state: inout LabelScreenState, _ key: Key) -> LabelIntent? {
        switch state.mode {
        case .help:
            // Any key closes the help; q and Esc only close it.
            state.mode = .normal
            return nil
        case .prompt(let prompt, let text):
            return reducePrompt(&state, prompt: prompt, text: text, key: key)
        case .normal:
            break
        }
        state.message = nil
        if state.item == nil {
            switch key {
            case .char("q"), .ctrl("c"): return .quit
            case .char("?"): state.mode = .help
            case .char("u"): return .undo
            case .left, .char("p"): return .previous
            case .char("g"): state.mode = .prompt(.goTo, text: "")
            default: state.message = "Nothing left to grade here. u undo · ←/p history · g go to · q quit"
            }
            return nil
        }
        let count = state.rubric.criteria.count
        switch key {
        case .tab, .down:
            state.focus = (state.focus + 1) % max(1, count)
        case .backTab, .up:
            state.focus = (state.focus - 1 + max(1, count)) % max(1, count)
        case .enter where !state.typed.isEmpty:
            finishTyping(&state)
        case .tab where !state.typed.isEmpty:
            finishTyping(&state)
        case .backspace where !state.typed.isEmpty, .delete where !state.typed.isEmpty:
            state.typed.removeLast()
        case .enter:
            let missing = state.missingRequired
            if !missing.isEmpty {
                state.missing = Set(missing.map(\.id))
                state.message = "Not saved: required " + missing.map(\.title).joined(separator: ", ")
                if let first = state.rubric.criteria.firstIndex(where: { state.missing.contains($0.id) }) { state.focus = first }
                return nil
            }
            return .save
        case .char("s"): return .skip
        case .char("u"): return .undo
        case .left, .char("p"): return .previous
        case .right, .char("n"): return .next
        case .char("g"): state.mode = .prompt(.goTo, text: "")
        case .char("c"): state.mode = .prompt(.note, text: state.note)
        case .char("f"):
            state.flag.toggle()
            state.message = state.flag ? "Flagged for the lead (saved with the label)" : "Flag removed"
        case .char("o"): return .openImage
        case .char("q"), .ctrl("c"): return .quit
        case .char("?"): state.mode = .help
        case .pageDown: state.scroll += 10
        case .pageUp: state.scroll = max(0, state.scroll - 10)
        case .char("j"): state.scroll += 1
        case .char("k"): state.scroll = max(0, state.scroll - 1)
        case .home: state.scroll = 0
        case .backspace, .delete:
            if let criterion = state.focusedCriterion { state.values[criterion.id] = nil }
        case .char(let c):
            guard let criterion = state.focusedCriterion else { return nil }
            if state.typed.isEmpty, let value = criterion.value(forKey: c) {
                state.values[criterion.id] = value
                state.missing.remove(criterion.id)
                if state.focus + 1 < count { state.focus += 1 }
            } else if criterion.typedEntry, c.isASCII, c.isNumber || c == "." || c == "-" {
                type(c, into: &state, criterion: criterion)
            } else if criterion.typedEntry {
                state.message = "\(c) is not part of a value of \(criterion.title): type a value such as \(criterion.values.last?.text ?? ""), then Enter if needed"
            } else {
                let keys = criterion.keys.map { String($0.key) }.joined(separator: " ")
                state.message = "\(c) is not a key of \(criterion.title) (keys: \(keys)); ? shows all keys"
            }
        case .resize:
            break
        default:
            break
        }
        return nil
    }

    /// A character toward a typed value: set as soon as it names one value and no longer value starts
    /// with it ("0.7"); a prefix of several ("0", "0.") waits, shown as typed; anything else is refused.
    private static func type(_ c: Character, into state: inout LabelScreenState, criterion: Criterion) {
        let text = state.typed + String(c)
        let (candidates, exact) = criterion.typedMatches(text)
        if let exact, candidates.count <= 1 {
            set(exact, of: criterion, in: &state)
        } else if candidates.isEmpty && exact == nil {
            state.message = "\(text) is not a value of \(criterion.title) (\(criterion.values.first?.text ?? "") to \(criterion.values.last?.text ?? ""))"
        } else {
            state.typed = text
        }
    }

    /// Enter or Tab after a typed prefix: sets the value it names exactly, else says why not.
    private static func finishTyping(_ state: inout LabelScreenState) {
        guard let criterion = state.focusedCriterion else { return }
        if let exact = criterion.typedMatches(state.typed).exact {
            set(exact, of: criterion, in: &state)
        } else {
            state.message = "\(state.typed) is not a value of \(criterion.title); keep typing, or Backspace"
        }
    }

    private static func set(_ value: ScoreValue, of criterion: Criterion, in state: inout LabelScreenState) {
        state.typed = ""
        state.values[criterion.id] = value
        state.missing.remove(criterion.id)
        if state.focus + 1 < state.rubric.criteria.count { state.focus += 1 }
    }

    private static func reducePrompt(_ state: inout LabelScreenState, prompt: LabelScreenState.Prompt, text: String, key: Key) -> LabelIntent? {
        switch key {
        case .escape, .ctrl("c"), .ctrl("g"):
            state.mode = .normal
            state.message = prompt == .note ? "Note unchanged" : nil
        case .enter:
            state.mode = .normal
            switch prompt {
            case .note:
                state.note = text.trimmingCharacters(in: .whitespaces)
                state.message = state.note.isEmpty ? "Note cleared" : "Note set (saved with the label)"
            case .goTo:
                let key = text.trimmingCharacters(in: .whitespaces)
                if !key.isEmpty { return .goTo(key: key) }
            }
        case .backspace:
            state.mode = .prompt(prompt, text: String(text.dropLast()))
        case .ctrl("u"):
            state.mode = .prompt(prompt, text: "")
        case .char(let c):
            if text.count < 2000 { state.mode = .prompt(prompt, text: text + String(c)) }
        case .tab:
            state.mode = .prompt(prompt, text: text + " ")
        default:
            break
        }
        return nil
    }
}
