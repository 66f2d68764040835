import WinnowCore

/// The item pane: key, group and image lines, then the captions and every turn wrapped to the pane,
/// scrolled by the screen. Shared by every screen that shows an item.
public enum ItemPane {
    /// A line of the pane, before scrolling.
    struct Line {
        var text: String
        var style: CellStyle
        var indent: Int = 0
    }

    /// Rows above the scrolled text (key, image, fields).
    static let headerRows = 3

    /// The content at `width` (memoized on the item).
    static func lines(_ item: ItemView, width: Int) -> [Line] {
        guard width > 4 else { return [] }
        return item.wrapped.lines(width: width) { wrap(item, width: width) }
    }

    private static func wrap(_ item: ItemView, width: Int) -> [Line] {
        var lines: [Line] = []
        func wrapped(_ text: String, style: CellStyle, indent: Int) {
            for line in WordWrap.wrap(Sanitizer.displayable(text), width: width - indent) {
                lines.append(Line(text: line, style: style, indent: indent))
            }
        }
        if !item.captions.isEmpty {
            lines.append(Line(text: item.captions.count == 1 ? "Caption" : "Captions (\(item.captions.count))", style: Theme.title))
            for caption in item.captions {
                let wrappedCaption = WordWrap.wrap(Sanitizer.displayable(caption), width: width - 4)
                for (i, line) in wrappedCaption.enumerated() {
                    lines.append(Line(text: (i == 0 ? "• " : "  ") + line, style: Theme.caption, indent: 2))
                }
            }
            lines.append(Line(text: "", style: .plain))
        }
        for (i, turn) in item.turns.enumerated() {
            let isHuman = turn.from == .human
            var title = (isHuman ? "Human" : "Assistant") + "  (turn \(i + 1))"
            if item.contextCandidateTurns.contains(i) {
                // An earlier candidate list, shown by its first candidate: context only, visibly so.
                lines.append(Line(text: title + "  context, not graded", style: Theme.dim))
                wrapped(turn.value, style: Theme.dim, indent: 2)
            } else {
                if i == item.gradedTurn { title += "  ◀ graded" }
                lines.append(Line(text: title, style: isHuman ? Theme.human : Theme.gpt))
                wrapped(turn.value, style: .plain, indent: 2)
            }
            lines.append(Line(text: "", style: .plain))
        }
        return lines
    }

    /// How far a pane of `rect`'s size can scroll.
    public static func maxScroll(_ item: ItemView, rect: Rect) -> Int {
        let visible = rect.height - headerRows
        return max(0, lines(item, width: rect.width - 2).count - visible)
    }

    /// Draws the pane into `rect`, scrolled by `scroll` lines (clamped).
    public static func draw(_ item: ItemView, scroll: Int, into grid: inout Grid, rect: Rect) {
        let x = rect.x + 1
        let w = rect.width - 2
        var used = grid.put("item ", x: x, y: rect.y, style: Theme.dim)
        used += grid.put(item.key, x: x + used, y: rect.y, style: Theme.title, maxWidth: w - used)
        if GroupKey(parsing: item.group).kind != .record {
            grid.put("  group " + item.group, x: x + used, y: rect.y, style: Theme.dim, maxWidth: w - used)
        }
        var row = rect.y + 1
        if let image = item.image {
            var u = grid.put("image ", x: x, y: row, style: Theme.dim)
            u += grid.put(image, x: x + u, y: row, style: .plain, maxWidth: w - u - 10)
            if item.imageMissing { grid.put(" (missing)", x: x + u, y: row, style: Theme.warning) }
        } else {
            grid.put("no image", x: x, y: row, style: Theme.dim)
        }
        row += 1
        if !item.fields.isEmpty {
            let text = item.fields.map { "\($0.0)=\($0.1)" }.joined(separator: "  ")
            grid.put(text, x: x, y: row, style: Theme.dim, maxWidth: w)
        }
        let top = row + 1
        let visible = rect.y + rect.height - top
        let lines = lines(item, width: w)
        let scroll = min(scroll, max(0, lines.count - visible))
        for i in 0..<max(0, visible) {
            let index = scroll + i
            guard index < lines.count else { break }
            let line = lines[index]
            grid.put(line.text, x: x + line.indent, y: top + i, style: line.style, maxWidth: w - line.indent)
        }
        if scroll > 0 {
            grid.put(" ↑ \(scroll) more ", x: rect.x + rect.width - 14, y: top, style: Theme.dim)
        }
        if scroll + visible < lines.count {
            let more = " ↓ \(lines.count - scroll - visible) more (j/PgDn) "
            grid.put(more, x: rect.x + rect.width - TextWidth.width(of: more), y: top + visible - 1, style: Theme.focus)
        }
    }
}
