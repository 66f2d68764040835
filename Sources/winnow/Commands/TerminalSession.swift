import ArgumentParser
import WinnowTUI
import WinnowTerminal

/// A screen app on the real terminal: takes the terminal over, lets the command prepare its screens
/// with it (colour capability, size, first item), runs the loop until it ends, and gives the terminal
/// back however it ends.
enum TerminalSession {
    @MainActor
    static func run(_ app: AppLoop, prepare: (Terminal) throws -> Void = { _ in }) throws {
        let terminal = Terminal()
        do {
            try terminal.start()
        } catch {
            throw ValidationError("\(error)")
        }
        defer { terminal.stop() }
        try prepare(terminal)
        try app.run(on: terminal)
    }
}
