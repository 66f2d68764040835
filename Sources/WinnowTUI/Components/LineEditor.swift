/// One line of text being edited: the text and a cursor, moved and edited by the usual keys
/// (←/→, Home/End or Ctrl-A/Ctrl-E, Backspace, Del, Ctrl-U clears, Ctrl-W deletes a word).
public struct LineEditor: Sendable, Equatable {
    public private(set) var text: [Character]
    /// Where the next character goes, 0...text.count.
    public private(set) var cursor: Int
    /// Longest text accepted; further characters are refused.
    public var limit: Int

    public init(_ text: String = "", limit: Int = 2000) {
        self.text = Array(text.prefix(limit))
        self.cursor = self.text.count
        self.limit = limit
    }

    public var string: String { String(text) }

    /// Applies an editing key; false for keys that are not editing keys (the caller handles them).
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .char(let c):
            guard text.count < limit else { return true }
            text.insert(c, at: cursor)
            cursor += 1
        case .tab: return handle(.char(" "))
        case .backspace, .ctrl("h"):
            if cursor > 0 {
                text.remove(at: cursor - 1)
                cursor -= 1
            }
        case .delete, .ctrl("d"):
            if cursor < text.count { text.remove(at: cursor) }
        case .left, .ctrl("b"): cursor = max(0, cursor - 1)
        case .right, .ctrl("f"): cursor = min(text.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = text.count
        case .ctrl("u"):
            text.removeAll()
            cursor = 0
        case .ctrl("w"):
            var start = cursor
            while start > 0, text[start - 1] == " " { start -= 1 }
            while start > 0, text[start - 1] != " " { start -= 1 }
            text.removeSubrange(start..<cursor)
            cursor = start
        default: return false
        }
        return true
    }

    /// Draws the text into `width` cells at (x, y), scrolled so the cursor (a block) is visible.
    public func draw(into grid: inout Grid, x: Int, y: Int, width: Int, style: CellStyle) {
        guard width > 1 else { return }
        let shown = text.map { Sanitizer.displayableLine(String($0)) }
        // Start far enough left that the text up to the cursor, and the cursor, fit.
        var start = 0
        var used = shown[..<cursor].reduce(0) { $0 + TextWidth.width(of: $1) } + 1
        while used > width, start < cursor {
            used -= TextWidth.width(of: shown[start])
            start += 1
        }
        var column = x
        for i in start..<shown.count where column < x + width {
            if i == cursor {
                column += grid.put("█", x: column, y: y, style: style)
            }
            let w = TextWidth.width(of: shown[i])
            if column + w > x + width { break }
            column += grid.put(shown[i], x: column, y: y, style: style)
        }
        if cursor == shown.count, column < x + width { grid.put("█", x: column, y: y, style: style) }
    }
}
