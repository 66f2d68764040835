/// Why the terminal could not be started.
public enum TerminalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Standard input or output is not a terminal (piped, redirected).
    case notATerminal
    /// ncurses could not set up the terminal, typically an unknown `TERM`.
    case cannotInitialize(term: String)

    public var description: String {
        switch self {
        case .notATerminal:
            return "standard input and output must be a terminal"
        case .cannotInitialize(let term):
            return "cannot initialise the terminal (TERM=\(term.isEmpty ? "unset" : term))"
        }
    }
}
