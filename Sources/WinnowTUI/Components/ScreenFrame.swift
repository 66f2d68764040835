/// The frame every screen shares: a header bar (left figures, right the reason), a message row and a
/// footer of keys above the bottom edge, the too-small guard, and the help overlay.
public enum ScreenFrame {
    /// Below this size a screen says so instead of drawing a broken layout.
    public static let minimumWidth = 80
    public static let minimumHeight = 24

    /// The rows between the header and the message row.
    public static func body(width: Int, height: Int) -> Rect { Rect(x: 0, y: 1, width: width, height: height - 3) }

    /// A grid that says the terminal is too small, or nil when it is large enough.
    public static func tooSmall(width: Int, height: Int) -> Grid? {
        guard width < minimumWidth || height < minimumHeight else { return nil }
        var grid = Grid(width: width, height: height)
        let text = "terminal too small (needs \(minimumWidth)x\(minimumHeight))"
        let lines = WordWrap.wrap(text, width: max(1, width))
        let top = max(0, (height - lines.count) / 2)
        for (i, line) in lines.enumerated() {
            grid.put(line, x: max(0, (width - TextWidth.width(of: line)) / 2), y: top + i, style: Theme.warning)
        }
        return grid
    }

    /// The header: " winnow │ a │ b │ …" on the left, `right` at the right edge. When both do not fit,
    /// `right` (why the item is here) keeps up to half the width and the left side is cut short (…).
    public static func drawHeader(_ parts: [String], right: String, into grid: inout Grid) {
        grid.fill(Rect(x: 0, y: 0, width: grid.width, height: 1), style: Theme.headerBar)
        let left = " winnow │ " + parts.joined(separator: " │ ")
        guard !right.isEmpty else {
            grid.put(left, x: 0, y: 0, style: Theme.headerBar)
            return
        }
        let text = right + " "
        let rightWidth = min(TextWidth.width(of: text), grid.width / 2)
        let leftRoom = grid.width - rightWidth - 2
        let shown = TextWidth.width(of: left) > leftRoom ? TextWidth.truncate(left, to: leftRoom) : left
        let used = grid.put(shown, x: 0, y: 0, style: Theme.headerBar)
        let x = max(used + 2, grid.width - TextWidth.width(of: text))
        grid.put(text, x: x, y: 0, style: Theme.headerBar, maxWidth: grid.width - x)
    }

    /// The message row: `message` when there is one (what just happened), else `status` dimmed.
    public static func drawMessage(_ message: String?, status: String = "", into grid: inout Grid, y: Int) {
        grid.fill(Rect(x: 0, y: y, width: grid.width, height: 1))
        grid.put(" " + (message ?? status), x: 0, y: y, style: message != nil ? Theme.message : Theme.dim)
    }

    /// The footer: an optional lead ("1-5 set"), then as many hints as fit, in order.
    public static func drawFooter(_ hints: [KeyHint], lead: (keys: String, short: String)? = nil, into grid: inout Grid, y: Int) {
        grid.fill(Rect(x: 0, y: y, width: grid.width, height: 1), style: Theme.footerBar)
        var x = 1
        if let lead {
            x += grid.put(lead.keys, x: x, y: y, style: Theme.footerKey)
            x += grid.put(" " + lead.short + "  ", x: x, y: y, style: Theme.footerBar)
        }
        for hint in hints {
            let need = TextWidth.width(of: hint.keys) + 1 + TextWidth.width(of: hint.short) + 2
            if x + need > grid.width { break }
            x += grid.put(hint.keys, x: x, y: y, style: Theme.footerKey)
            x += grid.put(" " + hint.short + "  ", x: x, y: y, style: Theme.footerBar)
        }
    }

    /// A centred box listing `hints` (keys in bold, then what they do), with `title` on its top edge.
    public static func drawHelp(_ hints: [KeyHint], title: String = "Keys", into grid: inout Grid) {
        let keyWidth = hints.map { TextWidth.width(of: $0.keys) }.max() ?? 10
        let width = min(grid.width - 4, keyWidth + 72)
        let height = min(grid.height - 2, hints.count + 4)
        let x = (grid.width - width) / 2
        let y = (grid.height - height) / 2
        grid.fill(Rect(x: x, y: y, width: width, height: height), style: Theme.overlay)
        grid.put(" \(title) ", x: x + 2, y: y, style: Theme.overlay.with(attributes: [.bold]))
        // Rows for hints; when some do not fit, the last row says how many are left out.
        let rows = max(0, height - 3)
        let shown = hints.count > rows ? max(0, rows - 1) : hints.count
        for (i, hint) in hints.prefix(shown).enumerated() {
            grid.put(hint.keys, x: x + 2, y: y + 2 + i, style: Theme.overlay.with(attributes: [.bold]))
            grid.put(TextWidth.truncate(hint.help, to: width - keyWidth - 6), x: x + 4 + keyWidth, y: y + 2 + i, style: Theme.overlay)
        }
        if shown < hints.count, rows > 0 {
            grid.put(TextWidth.truncate("… \(hints.count - shown) more keys: a taller terminal shows them", to: width - 4),
                     x: x + 2, y: y + 2 + shown, style: Theme.overlay.with(attributes: [.dim]))
        }
    }
}

extension CellStyle {
    func with(attributes: CellAttributes) -> CellStyle {
        var copy = self
        copy.attributes = attributes
        return copy
    }
}
