import WinnowCore

/// The labeling screen: `reduce` turns a key into a new state and, for keys that need the database,
/// an intent; `render` draws a state. Both are pure, so every key and every frame can be tested without
/// a terminal.
public enum LabelScreen {
    /// The screen's keys, declared once: the reducer, the footer and the help read them from here.
    public static let keys = KeyMap<LabelAction>([
        KeyCommand(.enter, .save, help: "save and show the next item", short: "save"),
        GradingKeys.criterion(next: .nextCriterion, previous: .previousCriterion),
        KeyCommand(.char("s"), .skip, help: "skip (the item comes back later)", short: "skip"),
        KeyCommand(.char("u"), .undo, help: "undo the last save and return to it", short: "undo"),
        KeyCommand(.char("?"), .help, help: "all keys", short: "keys"),
        KeyCommand(.char("i"), .guidelines, help: "the rubric's guidelines (its instructions)", short: "guide"),
        GradingKeys.quit(.quit, help: "quit (everything saved is kept)"),
        GradingKeys.history(previous: .previous, next: .next, help: "walk this session's history (p / n too); edit a saved label"),
        KeyCommand(.char("c"), .note, help: "add a note to the label", short: "note"),
        KeyCommand(.char("f"), .flag, help: "flag the item for the lead", short: "flag"),
        KeyCommand(.char("g"), .goTo, help: "go to an item by its key, or a part of it (a list when several match)", short: "go to"),
        KeyCommand(.char("/"), .search, help: "search the items' text (turns, captions, image path)", short: "search"),
        KeyCommand(.char("o"), .openImage, help: "open the image in a viewer ($WINNOW_IMAGE_VIEWER, else xdg-open)", short: "image"),
        GradingKeys.scroll(down: .scrollDown, up: .scrollUp, pageDown: .pageDown, pageUp: .pageUp, top: .top),
        GradingKeys.clear(.clear),
    ], notes: [KeyHint(keys: "value keys", help: "set the focused criterion, focus moves on", short: "set")])

    /// The keys that still work when nothing is left to grade.
    public static let emptyQueueKeys = keys.restricted(to: [.undo, .previous, .goTo, .search, .help, .guidelines, .quit])

    /// Applies `key` to `state`; returns the intent the controller must carry out, if any.
    public static func reduce(_ state: inout LabelScreenState, _ key: Key) -> LabelIntent? {
        if case .resize = key { return nil }
        state.message = nil
        if state.item == nil {
            switch emptyQueueKeys.action(for: key) {
            case .quit: return .quit
            case .help: return .help
            case .guidelines: return .guidelines
            case .undo: return .undo
            case .previous: return .previous
            case .goTo: return .goTo
            case .search: return .search
            default:
                state.message = "Nothing left to grade here. " + emptyQueueKeys.footer.map { "\($0.keys) \($0.short)" }.joined(separator: " · ")
            }
            return nil
        }
        let count = max(1, state.rubric.criteria.count)
        if continueTyping(&state, key) { return nil }
        if let action = keys.action(for: key) {
            switch action {
            case .nextCriterion: state.focus = (state.focus + 1) % count
            case .previousCriterion: state.focus = (state.focus - 1 + count) % count
            case .save:
                let missing = state.missingRequired
                if !missing.isEmpty {
                    state.missing = Set(missing.map(\.id))
                    state.message = "Not saved: required " + missing.map(\.title).joined(separator: ", ")
                    if let first = state.rubric.criteria.firstIndex(where: { state.missing.contains($0.id) }) { state.focus = first }
                    return nil
                }
                return .save
            case .skip: return .skip
            case .undo: return .undo
            case .previous: return .previous
            case .next: return .next
            case .goTo: return .goTo
            case .search: return .search
            case .note: return .editNote
            case .flag:
                state.flag.toggle()
                state.message = state.flag ? "Flagged for the lead (saved with the label)" : "Flag removed"
            case .openImage: return .openImage
            case .quit: return .quit
            case .help: return .help
            case .guidelines: return .guidelines
            case .pageDown: state.scroll += 10
            case .pageUp: state.scroll = max(0, state.scroll - 10)
            case .scrollDown: state.scroll += 1
            case .scrollUp: state.scroll = max(0, state.scroll - 1)
            case .top: state.scroll = 0
            case .clear:
                if let criterion = state.focusedCriterion { state.values[criterion.id] = nil }
            }
            return nil
        }
        valueKey(&state, key)
        return nil
    }

    /// A typed value under way takes Enter, Tab and Backspace for itself; true when `key` was one of them.
    /// Every screen that grades calls this before its own key map.
    public static func continueTyping(_ state: inout LabelScreenState, _ key: Key) -> Bool {
        guard !state.typed.isEmpty else { return false }
        switch key {
        case .enter, .tab:
            finishTyping(&state)
            return true
        case .backspace, .delete:
            state.typed.removeLast()
            return true
        default:
            return false
        }
    }

    /// A key that is none of the screen's own: a value key of the focused criterion (focus moves on), a
    /// character toward a typed value, or a message saying why it does nothing.
    public static func valueKey(_ state: inout LabelScreenState, _ key: Key) {
        guard case .char(let c) = key, let criterion = state.focusedCriterion else { return }
        apply(TypedEntry.key(c, typed: state.typed, criterion: criterion), of: criterion, to: &state)
    }

    /// Enter or Tab after a typed prefix: sets the value it names exactly, else says why not.
    private static func finishTyping(_ state: inout LabelScreenState) {
        guard let criterion = state.focusedCriterion else { return }
        apply(TypedEntry.finish(state.typed, criterion: criterion), of: criterion, to: &state)
    }

    private static func apply(_ entry: TypedEntry, of criterion: Criterion, to state: inout LabelScreenState) {
        switch entry {
        case .set(let value): set(value, of: criterion, in: &state)
        case .typing(let text): state.typed = text
        case .refused(let message): state.message = message
        }
    }

    private static func set(_ value: ScoreValue, of criterion: Criterion, in state: inout LabelScreenState) {
        state.typed = ""
        state.values[criterion.id] = value
        state.missing.remove(criterion.id)
        if state.focus + 1 < state.rubric.criteria.count { state.focus += 1 }
    }
}
