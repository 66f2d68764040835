import Foundation
import WinnowCore

/// Printing helpers shared by the commands: JSON to stdout, messages to stderr.
enum Output {
    static func json(_ value: JSONValue) {
        print(value.serialized())
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("winnow: " + message + "\n").utf8))
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

    static func endProgress() {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
