/// What a key asks of the world outside the screen: the controller carries it out (saving to the
/// database, serving another item) and puts the result back into the state.
public enum LabelIntent: Sendable, Equatable {
    case save
    case skip
    case undo
    case previous
    case next
    case goTo(key: String)
    case openImage
    case quit
}
