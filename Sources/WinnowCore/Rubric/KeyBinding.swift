/// The key that sets one value of a criterion on the grading screen.
public struct KeyBinding: Sendable, Hashable {
    public var key: Character
    public var value: ScoreValue

    public init(key: Character, value: ScoreValue) {
        self.key = key
        self.value = value
    }

    /// Keys the screens use for themselves (save, undo, previous, next, go to, comment, flag, open,
    /// quit, down, up, help, guidelines, search), so a rubric may not bind them. Tab, Enter, the arrows and PgUp/PgDn are
    /// reserved too but are not printable characters, so a rubric cannot name them anyway.
    public static let reserved: Set<Character> = ["s", "u", "p", "n", "g", "c", "f", "o", "q", "j", "k", "?", "i", "/"]

    /// Whether `key` may be bound by a rubric: one printable character (no space or control
    /// character) that the screens do not reserve.
    public static func isBindable(_ key: Character) -> Bool {
        guard !reserved.contains(key) else { return false }
        return key.unicodeScalars.allSatisfy { scalar in
            !scalar.properties.isWhitespace
                && !(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value))
                && scalar.properties.generalCategory != .format
                && scalar.properties.generalCategory != .unassigned
                && scalar.properties.generalCategory != .privateUse
                && scalar.properties.generalCategory != .surrogate
        }
    }
}
