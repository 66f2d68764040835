/// What a key asks of the world outside the screen: the controller carries it out (saving to the
/// database, serving another item, opening a prompt or the help) and puts the result back into the state.
public enum LabelIntent: Sendable, Equatable {
    case save
    case skip
    case undo
    case previous
    case next
    case goTo
    case search
    case editNote
    case help
    case guidelines
    case openImage
    case quit
}

/// Everything a key of the labeling screen can do, as its key map names it.
public enum LabelAction: Sendable, Hashable {
    case save, nextCriterion, previousCriterion, skip, undo, help, guidelines, quit, previous, next
    case note, flag, goTo, search, openImage, scrollDown, scrollUp, pageDown, pageUp, top, clear
}
