import WinnowCore

/// What a key of the group screen asks of the controller.
public enum GroupIntent: Sendable, Equatable {
    case save, skip, undo, previous, next, editNote, help, guidelines, openImage, quit
}

/// Everything a key of the group screen can do, as its key map names it.
public enum GroupAction: Sendable, Hashable {
    case save, nextCriterion, previousCriterion, nextCandidate, previousCandidate, skip, undo, help, guidelines, quit
    case previous, next, note, flag, openImage, scrollDown, scrollUp, pageDown, pageUp, top, promptDown, promptUp, clear
}

/// The group screen (`winnow label --by-group`): one group of candidates graded on one screen. `reduce`
/// turns a key into a new state and, for keys that need the database, an intent; `render` draws a state.
/// Both are pure.
public enum GroupScreen {
    public static let keys = KeyMap<GroupAction>([
        KeyCommand(.enter, .save, help: "save every candidate's label of the group and show the next group", short: "save"),
        GradingKeys.criterion(next: .nextCriterion, previous: .previousCriterion),
        KeyCommand("←→", [(.left, .previousCandidate), (.right, .nextCandidate)], help: "previous / next candidate", short: "candidate"),
        KeyCommand(.char("s"), .skip, help: "skip the group (it comes back later)", short: "skip"),
        KeyCommand(.char("u"), .undo, help: "undo the last group saved and return to it", short: "undo"),
        KeyCommand(.char("?"), .help, help: "all keys", short: "keys"),
        KeyCommand(.char("i"), .guidelines, help: "the rubric's guidelines (its instructions)", short: "guide"),
        GradingKeys.quit(.quit, help: "quit (everything saved is kept; unsaved values stay as drafts)"),
        KeyCommand("p/n", [(.char("p"), .previous), (.char("n"), .next)], help: "walk your saved groups, newest first (n goes forward, back to the queue)", short: "history"),
        KeyCommand(.char("c"), .note, help: "add a note to the focused candidate's label", short: "note", inFooter: false),
        KeyCommand(.char("f"), .flag, help: "flag the focused candidate for the lead", short: "flag", inFooter: false),
        KeyCommand(.char("o"), .openImage, help: "open the image in a viewer ($WINNOW_IMAGE_VIEWER, else xdg-open)", short: "image", inFooter: false),
        GradingKeys.scroll(down: .scrollDown, up: .scrollUp, pageDown: .pageDown, pageUp: .pageUp, top: .top),
        KeyCommand("J/K", [(.char("J"), .promptDown), (.char("K"), .promptUp)], help: "scroll the shared prompt", short: "prompt", inFooter: false),
        KeyCommand("Backspace", [(.backspace, .clear), (.delete, .clear)], help: "clear the focused value (on a ranking: the whole order)", short: "clear", inFooter: false),
    ], notes: [
        KeyHint(keys: "value keys", help: "set the focused candidate's value; focus moves to the next candidate without one, then to the next criterion", short: "set"),
        KeyHint(keys: "1-9 on a ranking", help: "pick candidates best to worst (the last one is placed by itself)", short: "rank"),
    ])

    public static let emptyQueueKeys = keys.restricted(to: [.undo, .previous, .help, .guidelines, .quit])

    public static func reduce(_ state: inout GroupScreenState, _ key: Key) -> GroupIntent? {
        if case .resize = key { return nil }
        state.message = nil
        if state.group == nil {
            switch emptyQueueKeys.action(for: key) {
            case .quit: return .quit
            case .help: return .help
            case .guidelines: return .guidelines
            case .undo: return .undo
            case .previous: return .previous
            default:
                state.message = "No group left to grade here. " + emptyQueueKeys.footer.map { "\($0.keys) \($0.short)" }.joined(separator: " · ")
            }
            return nil
        }
        let criteria = max(1, state.rubric.criteria.count)
        let count = max(1, state.candidates.count)
        if continueTyping(&state, key) { return nil }
        guard let action = keys.action(for: key) else {
            valueKey(&state, key)
            return nil
        }
        switch action {
        case .nextCriterion: state.focus = (state.focus + 1) % criteria
        case .previousCriterion: state.focus = (state.focus - 1 + criteria) % criteria
        case .nextCandidate: state.candidate = (state.candidate + 1) % count
        case .previousCandidate: state.candidate = (state.candidate - 1 + count) % count
        case .save:
            let missing = state.missingSlots
            guard missing.isEmpty else {
                state.missing = Set(missing)
                let first = missing[0]
                if let index = state.rubric.criteria.firstIndex(where: { $0.id == first.criterion }) { state.focus = index }
                if first.candidate >= 0 { state.candidate = first.candidate }
                let title = state.rubric.criterion(first.criterion)?.title ?? first.criterion
                state.message = first.candidate < 0
                    ? "Not saved: the ranking \(title) is not complete (pick candidates best to worst, or Backspace to clear it)"
                    : "Not saved: \(missing.count) required value\(missing.count == 1 ? "" : "s") missing, first \(title) of candidate \(first.candidate + 1)"
                return nil
            }
            return .save
        case .skip: return .skip
        case .undo: return .undo
        case .previous: return .previous
        case .next: return .next
        case .note: return .editNote
        case .flag:
            guard state.candidates.indices.contains(state.candidate) else { return nil }
            state.candidates[state.candidate].flag.toggle()
            state.message = state.candidates[state.candidate].flag
                ? "Candidate \(state.candidate + 1) flagged for the lead (saved with its label)" : "Flag of candidate \(state.candidate + 1) removed"
        case .openImage: return .openImage
        case .quit: return .quit
        case .help: return .help
        case .guidelines: return .guidelines
        case .scrollDown: state.scroll += 1
        case .scrollUp: state.scroll = max(0, state.scroll - 1)
        case .pageDown: state.scroll += 10
        case .pageUp: state.scroll = max(0, state.scroll - 10)
        case .top: state.scroll = 0
        case .promptDown: state.promptScroll += 1
        case .promptUp: state.promptScroll = max(0, state.promptScroll - 1)
        case .clear:
            guard let criterion = state.focusedCriterion else { return nil }
            if criterion.kind == .rank {
                state.rankings[criterion.id] = nil
                state.message = "Ranking cleared"
            } else if state.candidates.indices.contains(state.candidate) {
                state.candidates[state.candidate].values[criterion.id] = nil
            }
        }
        return nil
    }

    /// A typed value under way takes Enter, Tab and Backspace for itself.
    static func continueTyping(_ state: inout GroupScreenState, _ key: Key) -> Bool {
        guard !state.typed.isEmpty else { return false }
        switch key {
        case .enter, .tab:
            if let criterion = state.focusedCriterion { apply(TypedEntry.finish(state.typed, criterion: criterion), of: criterion, to: &state) }
            return true
        case .backspace, .delete:
            state.typed.removeLast()
            return true
        default:
            return false
        }
    }

    static func valueKey(_ state: inout GroupScreenState, _ key: Key) {
        guard case .char(let c) = key, let criterion = state.focusedCriterion, state.candidates.indices.contains(state.candidate) else { return }
        if criterion.kind == .rank { return rankKey(&state, c, criterion: criterion) }
        apply(TypedEntry.key(c, typed: state.typed, criterion: criterion), of: criterion, to: &state)
    }

    private static func apply(_ entry: TypedEntry, of criterion: Criterion, to state: inout GroupScreenState) {
        switch entry {
        case .set(let value): set(value, of: criterion, in: &state)
        case .typing(let text): state.typed = text
        case .refused(let message): state.message = message
        }
    }

    /// A number key on a ranking: the next best candidate. The last one left is placed by itself.
    static func rankKey(_ state: inout GroupScreenState, _ c: Character, criterion: Criterion) {
        guard state.rankable else {
            state.message = "A group of \(state.candidates.count) candidates cannot be ranked here (at most \(CriterionKind.maximumRanked), picked by 1-9)"
            return
        }
        guard let digit = c.wholeNumberValue, c.isASCII, digit >= 1, digit <= state.candidates.count else {
            state.message = "\(c) is not a candidate: press 1-\(state.candidates.count), best first"
            return
        }
        var order = state.rankings[criterion.id] ?? []
        if order.count == state.candidates.count { order = [] }
        guard !order.contains(digit - 1) else {
            state.message = "Candidate \(digit) is already placed \(order.firstIndex(of: digit - 1)! + 1); Backspace starts the ranking again"
            return
        }
        order.append(digit - 1)
        if order.count == state.candidates.count - 1, let last = state.candidates.indices.first(where: { !order.contains($0) }) {
            order.append(last)
        }
        state.rankings[criterion.id] = order
        state.missing.remove(GroupScreenState.Slot(-1, criterion.id))
        if order.count == state.candidates.count { advanceCriterion(&state) }
    }

    private static func set(_ value: ScoreValue, of criterion: Criterion, in state: inout GroupScreenState) {
        state.typed = ""
        state.candidates[state.candidate].values[criterion.id] = value
        state.missing.remove(GroupScreenState.Slot(state.candidate, criterion.id))
        // The next candidate without this value, then the next criterion.
        let n = state.candidates.count
        for step in 1..<max(n, 1) {
            let index = (state.candidate + step) % n
            if state.candidates[index].values[criterion.id] == nil {
                state.candidate = index
                return
            }
        }
        advanceCriterion(&state)
    }

    /// Focus on the next criterion, at its first candidate without a value.
    private static func advanceCriterion(_ state: inout GroupScreenState) {
        guard state.focus + 1 < state.rubric.criteria.count else { return }
        state.focus += 1
        let next = state.rubric.criteria[state.focus]
        if next.kind != .rank, let open = state.candidates.indices.first(where: { state.candidates[$0].values[next.id] == nil }) {
            state.candidate = open
        }
    }
}
