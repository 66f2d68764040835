import Foundation

/// Which terminfo entry the screen opens with.
enum TerminalType {
    /// The direct-colour variant of `term` ("xterm-256color" → "xterm-direct", "tmux-256color" →
    /// "tmux-direct") when `colorterm` says the terminal shows 24-bit colour (`truecolor` or `24bit`)
    /// and that entry is installed; nil otherwise (then `term` itself is used).
    static func directColorVariant(term: String, colorterm: String, exists: (String) -> Bool) -> String? {
        let says = ["truecolor", "24bit"].contains(colorterm.lowercased())
        guard says, !term.isEmpty, !term.contains("direct") else { return nil }
        let base = term.split(separator: "-", maxSplits: 1).first.map(String.init) ?? term
        let variant = base + "-direct"
        return exists(variant) ? variant : nil
    }

    /// Whether a compiled terminfo entry `name` is in one of the folders ncurses searches.
    static func terminfoExists(_ name: String) -> Bool {
        guard let first = name.first, !name.contains("/") else { return false }
        let env = ProcessInfo.processInfo.environment
        var folders: [String] = []
        if let dir = env["TERMINFO"] { folders.append(dir) }
        if let home = env["HOME"] { folders.append(home + "/.terminfo") }
        if let dirs = env["TERMINFO_DIRS"] { folders += dirs.split(separator: ":").map(String.init) }
        folders += ["/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo"]
        let hex = String(format: "%02x", first.asciiValue ?? 0)
        return folders.contains { dir in
            FileManager.default.fileExists(atPath: "\(dir)/\(first)/\(name)") || FileManager.default.fileExists(atPath: "\(dir)/\(hex)/\(name)")
        }
    }
}
