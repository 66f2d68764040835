import WinnowCore

extension LabelScreen {
    /// Below this size the screen says so instead of drawing a broken layout.
    public static let minimumWidth = ScreenFrame.minimumWidth
    public static let minimumHeight = ScreenFrame.minimumHeight

    /// Columns given to the item pane; the rest (after a separator) to the image and rubric.
    public static func itemPaneWidth(totalWidth: Int) -> Int { totalWidth * 57 / 100 }

    /// Rows the image preview may use in the right pane.
    /// Rows the image preview may use in the right pane: a third of the body at 80x24 and 120x40, up
    /// to two fifths on taller terminals (the rubric pane keeps the rest).
    public static func previewRows(totalHeight: Int) -> Int {
        let body = totalHeight - 3
        return max(4, body <= 37 ? body / 3 : body * 2 / 5)
    }

    /// The right pane's width, for the controller to render the preview to.
    public static func rightPaneWidth(totalWidth: Int) -> Int { totalWidth - itemPaneWidth(totalWidth: totalWidth) - 1 }

    /// Draws `state` into a grid of exactly `width` × `height`.
    public static func render(_ state: LabelScreenState, width: Int, height: Int) -> Grid {
        if let small = ScreenFrame.tooSmall(width: width, height: height) { return small }
        var grid = Grid(width: width, height: height)
        drawHeader(state, into: &grid)
        let body = ScreenFrame.body(width: width, height: height)
        let left = itemPaneWidth(totalWidth: width)
        for y in body.y..<(body.y + body.height) { grid.put("│", x: left, y: y, style: Theme.separator) }
        if let item = state.item {
            ItemPane.draw(item, scroll: state.scroll, into: &grid, rect: Rect(x: 0, y: body.y, width: left, height: body.height))
            drawRight(state, into: &grid, rect: Rect(x: left + 1, y: body.y, width: width - left - 1, height: body.height))
        } else {
            grid.put("Nothing left to grade for \(state.annotator).", x: 2, y: body.y + 1, style: Theme.title, maxWidth: left - 3)
            let hint = emptyQueueKeys.footer.map { "\($0.keys) \($0.short)" }.joined(separator: " · ")
            for (i, line) in WordWrap.wrap(hint, width: left - 3).enumerated() {
                grid.put(line, x: 2, y: body.y + 3 + i, style: Theme.dim)
            }
        }
        var status: [String] = []
        if state.unsaved { status.append("unsaved (kept as a draft): Enter saves") }
        if state.flag { status.append("⚑ flagged") }
        if !state.note.isEmpty { status.append("note: " + state.note) }
        ScreenFrame.drawMessage(state.message, status: status.joined(separator: " · "), into: &grid, y: height - 2)
        drawFooter(state, into: &grid, y: height - 1)
        return grid
    }

    // MARK: header and footer

    /// The header's parts, left to right: rubric, progress, pace, annotator, model.
    static func headerParts(_ state: LabelScreenState) -> [String] {
        var parts = ["\(state.rubric.name) v\(state.rubric.version)"]
        let p = state.progress
        parts.append("\(p.labeled)/\(p.total) labeled")
        parts.append("you \(p.mine), \(p.leftForMe) left")
        parts.append("session \(p.session)")
        if let pace = p.itemsPerHour { parts.append("\(Int(pace.rounded()))/h") }
        if let eta = p.etaSeconds { parts.append("ETA " + formatDuration(eta)) }
        parts.append(state.annotator)
        var model: [String] = []
        if let version = state.modelVersion { model.append("model \(version)") }
        if let overall = state.modelHints["overall"] { model.append("overall " + overall) }
        if !model.isEmpty { parts.append(model.joined(separator: " ")) }
        return parts
    }

    static func drawHeader(_ state: LabelScreenState, into grid: inout Grid) {
        ScreenFrame.drawHeader(headerParts(state), right: state.reason, into: &grid)
    }

    static func formatDuration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let minutes = Int((seconds / 60).rounded())
        if minutes < 60 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 48 { return "\(hours)h \(minutes % 60)m" }
        return "\(hours / 24)d \(hours % 24)h"
    }

    static func drawFooter(_ state: LabelScreenState, into grid: inout Grid, y: Int) {
        var lead: (keys: String, short: String)?
        if let criterion = state.focusedCriterion, state.item != nil {
            if criterion.typedEntry {
                lead = ("0-9 .", "type value")
            } else {
                let keys = criterion.keys.map { String($0.key) }
                lead = (keys.count > 1 ? "\(keys.first!)-\(keys.last!)" : keys.joined(), "set")
            }
        }
        ScreenFrame.drawFooter(keys.footer, lead: lead, into: &grid, y: y)
    }

    /// How far the item pane can scroll at this size.
    public static func maxScroll(_ state: LabelScreenState, width: Int, height: Int) -> Int {
        guard let item = state.item else { return 0 }
        let body = ScreenFrame.body(width: width, height: height)
        return ItemPane.maxScroll(item, rect: Rect(x: 0, y: body.y, width: itemPaneWidth(totalWidth: width), height: body.height))
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
        let pane = RubricPane(rubric: state.rubric, values: state.values, focus: state.item == nil ? nil : state.focus, typed: state.typed,
                              missing: state.missing, hints: state.modelHints)
        pane.draw(into: &grid, rect: Rect(x: x, y: y, width: w, height: rect.y + rect.height - y))
    }
}
