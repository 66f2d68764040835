import WinnowCore

extension LabelScreen {
    /// Below this size the screen says so instead of drawing a broken layout.
    public static let minimumWidth = 80
    public static let minimumHeight = 24

    /// Columns given to the item pane; the rest (after a separator) to the image and rubric.
    public static func itemPaneWidth(totalWidth: Int) -> Int { totalWidth * 57 / 100 }

    /// Rows the image preview may use in the right pane.
    public static func previewRows(totalHeight: Int) -> Int { min(14, max(4, (totalHeight - 3) / 3)) }

    /// The right pane's width, for the controller to render the preview to.
    public static func rightPaneWidth(totalWidth: Int) -> Int { totalWidth - itemPaneWidth(totalWidth: totalWidth) - 1 }

    /// Draws `state` into a grid of exactly `width` × `height`.
    public static func render(_ state: LabelScreenState, width: Int, height: Int) -> Grid {
        var grid = Grid(width: width, height: height)
        guard width >= minimumWidth, height >= minimumHeight else {
            let text = "terminal too small (needs \(minimumWidth)x\(minimumHeight))"
            let lines = WordWrap.wrap(text, width: max(1, width))
            let top = max(0, (height - lines.count) / 2)
            for (i, line) in lines.enumerated() {
                grid.put(line, x: max(0, (width - TextWidth.width(of: line)) / 2), y: top + i, style: Theme.warning)
            }
            return grid
        }
        drawHeader(state, into: &grid)
        let bodyTop = 1
        let bodyBottom = height - 3  // last body row (inclusive); then message row, footer row
        let left = itemPaneWidth(totalWidth: width)
        for y in bodyTop...bodyBottom { grid.put("│", x: left, y: y, style: Theme.separator) }
        if state.item != nil {
            drawItem(state, into: &grid, rect: Rect(x: 0, y: bodyTop, width: left, height: bodyBottom - bodyTop + 1))
            drawRight(state, into: &grid, rect: Rect(x: left + 1, y: bodyTop, width: width - left - 1, height: bodyBottom - bodyTop + 1))
        } else {
            grid.put("Nothing left to grade for \(state.annotator).", x: 2, y: bodyTop + 1, style: Theme.title, maxWidth: left - 3)
            let hint = "u undoes the last save · ←/p walks your history · g goes to an item · q quits"
            for (i, line) in WordWrap.wrap(hint, width: left - 3).enumerated() {
                grid.put(line, x: 2, y: bodyTop + 3 + i, style: Theme.dim)
            }
        }
        drawMessage(state, into: &grid, y: height - 2)
        drawFooter(state, into: &grid, y: height - 1)
        if state.mode == .help { drawHelp(into: &grid) }
        return grid
    }

    // MARK: header and footer

    static func drawHeader(_ state: LabelScreenState, into grid: inout Grid) {
        grid.fill(Rect(x: 0, y: 0, width: grid.width, height: 1), style: Theme.headerBar)
        var parts = ["\(state.rubric.name) v\(state.rubric.version)"]
        let p = state.progress
        parts.append("\(p.labeled)/\(p.total) labeled")
        parts.append("session \(p.session)")
        if let pace = p.itemsPerHour { parts.append("\(Int(pace.rounded()))/h") }
        if let eta = p.etaSeconds { parts.append("ETA " + formatDuration(eta)) }
        parts.append(state.annotator)
        let left = " winnow │ " + parts.joined(separator: " │ ")
        let used = grid.put(left, x: 0, y: 0, style: Theme.headerBar)
        if let overall = state.modelHints["overall"] { parts.append("model overall " + overall) }
        if !state.reason.isEmpty {
            let reason = state.reason + " "
            let w = TextWidth.width(of: reason)
            let x = max(used + 3, grid.width - w)
            grid.put(reason, x: x, y: 0, style: Theme.headerBar, maxWidth: grid.width - x)
        }
    }

    static func formatDuration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let minutes = Int((seconds / 60).rounded())
        if minutes < 60 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 48 { return "\(hours)h \(minutes % 60)m" }
        return "\(hours / 24)d \(hours % 24)h"
    }

    static func drawMessage(_ state: LabelScreenState, into grid: inout Grid, y: Int) {
        switch state.mode {
        case .prompt(let prompt, let text):
            grid.fill(Rect(x: 0, y: y, width: grid.width, height: 1), style: Theme.prompt)
            let label = prompt == .goTo ? " go to item key: " : " note: "
            let used = grid.put(label, x: 0, y: y, style: Theme.prompt)
            // Show the end of a long entry, with the cursor after it.
            let room = grid.width - used - 2
            var shown = text
            while TextWidth.width(of: Sanitizer.displayableLine(shown)) > room, !shown.isEmpty { shown.removeFirst() }
            let w = grid.put(shown, x: used, y: y, style: Theme.prompt)
            grid.put("█", x: used + w, y: y, style: Theme.prompt)
        default:
            var text = state.message ?? ""
            if text.isEmpty {
                var bits: [String] = []
                if state.flag { bits.append("⚑ flagged") }
                if !state.note.isEmpty { bits.append("note: " + state.note) }
                text = bits.joined(separator: " · ")
            }
            grid.put(" " + text, x: 0, y: y, style: state.message != nil ? Theme.message : Theme.dim)
        }
    }

    static func drawFooter(_ state: LabelScreenState, into grid: inout Grid, y: Int) {
        grid.fill(Rect(x: 0, y: y, width: grid.width, height: 1), style: Theme.footerBar)
        var entries: [KeyHelp.Entry]
        var x = 1
        switch state.mode {
        case .prompt: entries = KeyHelp.prompt
        case .help: entries = [KeyHelp.Entry(keys: "any key", action: "close", short: "close", inFooter: true)]
        case .normal:
            entries = KeyHelp.labeling.filter(\.inFooter)
            if let criterion = state.focusedCriterion, state.item != nil {
                if criterion.typedEntry {
                    x += grid.put("0-9 .", x: x, y: y, style: Theme.footerKey)
                    x += grid.put(" type value  ", x: x, y: y, style: Theme.footerBar)
                } else {
                    let keys = criterion.keys.map { String($0.key) }
                    let range = keys.count > 1 ? "\(keys.first!)-\(keys.last!)" : keys.joined()
                    x += grid.put(range, x: x, y: y, style: Theme.footerKey)
                    x += grid.put(" set  ", x: x, y: y, style: Theme.footerBar)
                }
            }
        }
        for entry in entries {
            let short = entry.short
            let need = TextWidth.width(of: entry.keys) + 1 + TextWidth.width(of: short) + 2
            if x + need > grid.width { break }
            x += grid.put(entry.keys, x: x, y: y, style: Theme.footerKey)
            x += grid.put(" " + short + "  ", x: x, y: y, style: Theme.footerBar)
        }
    }

    static func drawHelp(into grid: inout Grid) {
        let entries = KeyHelp.labeling
        let keyWidth = entries.map { TextWidth.width(of: $0.keys) }.max() ?? 10
        let width = min(grid.width - 4, keyWidth + 72)
        let height = min(grid.height - 2, entries.count + 4)
        let x = (grid.width - width) / 2
        let y = (grid.height - height) / 2
        grid.fill(Rect(x: x, y: y, width: width, height: height), style: Theme.overlay)
        grid.put(" Keys ", x: x + 2, y: y, style: Theme.overlay.with(attributes: [.bold]))
        for (i, entry) in entries.enumerated() where y + 2 + i < y + height - 1 {
            grid.put(entry.keys, x: x + 2, y: y + 2 + i, style: Theme.overlay.with(attributes: [.bold]))
            grid.put(entry.action, x: x + 4 + keyWidth, y: y + 2 + i, style: Theme.overlay, maxWidth: width - keyWidth - 6)
        }
    }

    // MARK: item pane

    /// A line of the item pane, before scrolling.
    struct Line {
        var text: String
        var style: CellStyle
        var indent: Int = 0
    }

    /// The item pane's content at `width`, for drawing and for clamping the scroll.
    static func itemLines(_ state: LabelScreenState, width: Int) -> [Line] {
        guard let item = state.item, width > 4 else { return [] }
        return item.wrapped.lines(width: width) { wrapItem(item, width: width) }
    }

    private static func wrapItem(_ item: LabelScreenState.ItemView, width: Int) -> [Line] {
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
            let isHuman = turn.from == "human"
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

    /// How far the item pane can scroll at this size.
    public static func maxScroll(_ state: LabelScreenState, width: Int, height: Int) -> Int {
        let left = itemPaneWidth(totalWidth: width)
        let bodyHeight = height - 3 - 1
        let headerRows = 3
        return max(0, itemLines(state, width: left - 2).count - (bodyHeight + 1 - headerRows))
    }

    static func drawItem(_ state: LabelScreenState, into grid: inout Grid, rect: Rect) {
        guard let item = state.item else { return }
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
        if !item.fields.isEmpty {
            row += 1
            let text = item.fields.map { "\($0.0)=\($0.1)" }.joined(separator: "  ")
            grid.put(text, x: x, y: row, style: Theme.dim, maxWidth: w)
        } else {
            row += 1
        }
        let top = row + 1
        let visible = rect.y + rect.height - top
        let lines = itemLines(state, width: w)
        let scroll = min(state.scroll, max(0, lines.count - visible))
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

    // MARK: right pane: image and rubric

    static func drawRight(_ state: LabelScreenState, into grid: inout Grid, rect: Rect) {
        var y = rect.y
        let x = rect.x + 1
        let w = rect.width - 1
        let rows = previewRows(totalHeight: grid.height)
        if let preview = state.preview {
            grid.draw(preview, x: x + max(0, (w - preview.width) / 2), y: y)
            y += max(preview.height, 1)
        } else if let item = state.item {
            let text = item.image == nil ? "(no image)" : (item.imageMissing ? "(image file not found)" : "(no preview)")
            grid.put(text, x: x, y: y + rows / 2, style: Theme.dim, maxWidth: w)
            y += rows
        }
        y += 1
        drawRubric(state, into: &grid, rect: Rect(x: x, y: y, width: w, height: rect.y + rect.height - y))
    }

    static func valueLabel(_ value: ScoreValue) -> String {
        switch value {
        case .flag(let b): return b ? "yes" : "no"
        default: return value.text
        }
    }

    /// How much anchor text the focused criterion shows: all of it when it fits, one line per value
    /// when not, and only the chosen value's when even that does not fit.
    enum AnchorDetail: CaseIterable {
        case full, oneLine, chosenOnly
    }

    static func drawRubric(_ state: LabelScreenState, into grid: inout Grid, rect: Rect) {
        guard rect.height > 0 else { return }
        for detail in AnchorDetail.allCases {
            let lines = rubricLines(state, width: rect.width, detail: detail)
            if lines.lines.count <= rect.height || detail == .chosenOnly {
                drawRubricLines(lines, into: &grid, rect: rect)
                return
            }
        }
    }

    struct Span {
        var text: String
        var style: CellStyle
    }

    static func rubricLines(_ state: LabelScreenState, width: Int, detail: AnchorDetail) -> (lines: [[Span]], focusStart: Int, focusEnd: Int) {
        var lines: [[Span]] = []
        var focusStart = 0
        var focusEnd = 0
        for (index, criterion) in state.rubric.criteria.enumerated() {
            let focused = index == state.focus && state.item != nil
            let missing = state.missing.contains(criterion.id)
            if focused { focusStart = lines.count }
            var head: [Span] = [Span(text: focused ? "▸ " : "  ", style: Theme.focus)]
            head.append(Span(text: criterion.title, style: focused ? Theme.focus : Theme.title))
            if criterion.required { head.append(Span(text: state.values[criterion.id] == nil ? " *" : "", style: missing ? Theme.warning : Theme.dim)) }
            if missing { head.append(Span(text: " required", style: Theme.warning)) }
            if let hint = state.modelHints[criterion.id] { head.append(Span(text: "  model " + hint, style: Theme.dim)) }
            lines.append(head)
            // The values, wrapped at the pane's width: a typed scale's eleven values need two lines at 80x24.
            var valuesLine: [Span] = [Span(text: "    ", style: .plain)]
            var used = 4
            for value in criterion.values {
                let label = valueLabel(value)
                let text: String
                if let key = criterion.key(for: value).map(String.init) { text = key == label ? "[\(key)]" : "[\(key)] \(label)" } else { text = label }
                let chosen = state.values[criterion.id] == value
                let w = TextWidth.width(of: text) + 1
                if used + w > width && used > 4 {
                    lines.append(valuesLine)
                    valuesLine = [Span(text: "    ", style: .plain)]
                    used = 4
                }
                valuesLine.append(Span(text: text, style: chosen ? Theme.selected : (focused ? .plain : Theme.dim)))
                valuesLine.append(Span(text: " ", style: .plain))
                used += w
            }
            lines.append(valuesLine)
            if focused && criterion.typedEntry {
                lines.append([Span(text: "    type a value: ", style: Theme.dim), Span(text: state.typed + "█", style: Theme.focus)])
            }
            if focused {
                for line in WordWrap.wrap(Sanitizer.displayable(criterion.question), width: max(1, width - 4)) {
                    lines.append([Span(text: "    " + line, style: Theme.dim)])
                }
                let chosen = state.values[criterion.id]
                for value in criterion.values {
                    guard let anchor = criterion.anchors[value] else { continue }
                    if detail == .chosenOnly && value != chosen { continue }
                    let key = criterion.key(for: value).map(String.init) ?? valueLabel(value)
                    let prefix = "    \(key) "
                    let wrappedAnchor = detail == .oneLine
                        ? [TextWidth.truncate(Sanitizer.displayableLine(anchor), to: max(1, width - 6))]
                        : WordWrap.wrap(Sanitizer.displayable(anchor), width: max(1, width - 6))
                    for (i, line) in wrappedAnchor.enumerated() {
                        let style = value == chosen ? Theme.focus : .plain
                        lines.append([Span(text: (i == 0 ? prefix : "      ") + line, style: style)])
                    }
                }
                focusEnd = lines.count
            }
        }
        return (lines, focusStart, focusEnd)
    }

    /// Draws rubric lines, scrolled so that the focused criterion's block is visible.
    static func drawRubricLines(_ built: (lines: [[Span]], focusStart: Int, focusEnd: Int), into grid: inout Grid, rect: Rect) {
        let (lines, focusStart, focusEnd) = built
        var offset = 0
        if lines.count > rect.height {
            if focusEnd > offset + rect.height { offset = min(focusEnd - rect.height, focusStart) }
            offset = max(0, min(offset, lines.count - rect.height))
        }
        for (i, spans) in lines.dropFirst(offset).prefix(rect.height).enumerated() {
            var x = rect.x
            for span in spans where x < rect.x + rect.width {
                x += grid.put(span.text, x: x, y: rect.y + i, style: span.style, maxWidth: rect.x + rect.width - x)
            }
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
