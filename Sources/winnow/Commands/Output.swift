import Foundation
import WinnowCore
import WinnowTUI

/// Printing helpers shared by the commands: JSON to stdout, messages to stderr.
///
/// Every human-readable line goes through `text` or `error`, which pass it through the screen's
/// sanitising (`Sanitizer.displayable`): text from data files, rubrics, label files and the command line
/// (keys, names, file names, expressions) can hold ESC, BEL or C1 characters, and they must never reach
/// the terminal. They print as visible placeholders (`␛`). JSON is printed as serialized (escaped).
enum Output {
    /// A human-readable line (or lines) to stdout, sanitised.
    static func text(_ message: String, terminator: String = "\n") {
        print(Sanitizer.displayable(message), terminator: terminator)
    }

    static func json(_ value: JSONValue) {
        print(value.serialized())
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("winnow: " + Sanitizer.displayable(message) + "\n").utf8))
    }

    static func warning(_ message: String) {
        error("warning: " + message)
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// A one-line progress bar on stderr, redrawn in place; only when stderr is a terminal.
    static func progress(label: String, fraction: Double) {
        guard stderrIsTerminal else { return }
        let width = 30
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: max(0, width - filled))
        let percent = Int((fraction * 100).rounded(.down))
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(label) \(bar) \(percent)%".utf8))
    }

    /// What a long step tells as it goes, (done, total), drawn as the bar labelled `label`.
    static func progressReporter(_ label: String) -> @Sendable (Int, Int) -> Void {
        { done, total in progress(label: label, fraction: Double(done) / Double(max(1, total))) }
    }

    /// Runs `body` with a reporter for the bar labelled `label`, and clears the bar however `body` ends.
    static func withProgress<T>(_ label: String, _ body: (@escaping @Sendable (Int, Int) -> Void) throws -> T) rethrows -> T {
        defer { endProgress() }
        return try body(progressReporter(label))
    }

    static func endProgress() {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
