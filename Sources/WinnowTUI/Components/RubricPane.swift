import WinnowCore

/// The rubric pane: each criterion with its values and keys, the chosen value highlighted, the focused
/// criterion's question and anchors, and optionally other raters' values beside each criterion (a lead's
/// review: one column per annotator, the model, gold). Shared by every screen that grades.
public struct RubricPane {
    /// Another rater's values, shown on each criterion's line ("ben 3").
    public struct Column: Sendable, Equatable {
        public var title: String
        public var values: [String: ScoreValue]
        /// Gold: drawn highlighted.
        public var isGold: Bool
        public init(title: String, values: [String: ScoreValue], isGold: Bool = false) {
            self.title = title
            self.values = values
            self.isGold = isGold
        }
    }

    public var rubric: Rubric
    /// The values being set here (highlighted among each criterion's values).
    public var values: [String: ScoreValue]
    /// The focused criterion's index; nil when nothing is focused.
    public var focus: Int?
    /// A typed value under way for the focused criterion.
    public var typed: String
    /// Required criteria left empty when a save was refused.
    public var missing: Set<String>
    /// Model predictions per criterion id.
    public var hints: [String: String]
    public var columns: [Column]
    /// A word after a criterion's title, highlighted ("disputed" on a lead's review).
    public var marks: [String: String]
    /// For a `rank` criterion: the order given so far, shown instead of its values ("3 > 1 > …").
    public var orders: [String: String] = [:]

    public init(rubric: Rubric, values: [String: ScoreValue], focus: Int?, typed: String = "", missing: Set<String> = [],
                hints: [String: String] = [:], columns: [Column] = [], marks: [String: String] = [:]) {
        self.rubric = rubric
        self.values = values
        self.focus = focus
        self.typed = typed
        self.missing = missing
        self.hints = hints
        self.columns = columns
        self.marks = marks
    }

    static func valueLabel(_ value: ScoreValue) -> String {
        switch value {
        case .flag(let b): return b ? "yes" : "no"
        default: return value.text
        }
    }

    /// How much anchor text the focused criterion shows: all of it when it fits; else every anchor on one
    /// line except those in `full`, wrapped in full (the chosen value's first, then in value order, as
    /// many as the pane has rows for); only the chosen value's when even one line each does not fit.
    enum AnchorDetail: Equatable {
        case full
        case oneLine(full: Set<ScoreValue>)
        case chosenOnly
    }

    public func draw(into grid: inout Grid, rect: Rect) {
        guard rect.height > 0 else { return }
        let all = lines(width: rect.width, detail: .full)
        if all.lines.count <= rect.height { return Self.drawLines(all, into: &grid, rect: rect) }
        var full: Set<ScoreValue> = []
        var best = lines(width: rect.width, detail: .oneLine(full: full))
        guard best.lines.count <= rect.height else {
            return Self.drawLines(lines(width: rect.width, detail: .chosenOnly), into: &grid, rect: rect)
        }
        // Spend the rows left on whole anchors, the chosen value's first: each costs its wrapped lines
        // beyond the one it has already.
        if let focus, rubric.criteria.indices.contains(focus) {
            let criterion = rubric.criteria[focus]
            let chosen = values[criterion.id]
            let order = criterion.values.filter { $0 == chosen } + criterion.values.filter { $0 != chosen }
            var rows = best.lines.count
            for value in order {
                guard let anchor = criterion.anchors[value] else { continue }
                let extra = Self.wrapAnchor(anchor, width: rect.width).count - 1
                if rows + extra <= rect.height {
                    full.insert(value)
                    rows += extra
                }
            }
            if !full.isEmpty { best = lines(width: rect.width, detail: .oneLine(full: full)) }
        }
        Self.drawLines(best, into: &grid, rect: rect)
    }

    /// An anchor wrapped whole in a pane `width` wide (indented under its key).
    static func wrapAnchor(_ anchor: String, width: Int) -> [String] {
        WordWrap.wrap(Sanitizer.displayable(anchor), width: max(1, width - 6))
    }

    struct Span {
        var text: String
        var style: CellStyle
    }

    func lines(width: Int, detail: AnchorDetail) -> (lines: [[Span]], focusStart: Int, focusEnd: Int) {
        var lines: [[Span]] = []
        var focusStart = 0
        var focusEnd = 0
        for (index, criterion) in rubric.criteria.enumerated() {
            let focused = index == focus
            let isMissing = missing.contains(criterion.id)
            if focused { focusStart = lines.count }
            var head: [Span] = [Span(text: focused ? "▸ " : "  ", style: Theme.focus)]
            head.append(Span(text: criterion.title, style: focused ? Theme.focus : Theme.title))
            if criterion.required { head.append(Span(text: values[criterion.id] == nil ? " *" : "", style: isMissing ? Theme.warning : Theme.dim)) }
            if isMissing { head.append(Span(text: " required", style: Theme.warning)) }
            if let mark = marks[criterion.id] { head.append(Span(text: " " + mark, style: Theme.warning)) }
            // Other raters' values (and the model's) on the title's line when they fit, else on a line of their own.
            var raters: [Span] = []
            for column in columns {
                let shown = column.values[criterion.id].map(Self.valueLabel) ?? "·"
                raters.append(Span(text: "  \(column.title) ", style: Theme.dim))
                raters.append(Span(text: shown, style: column.isGold ? Theme.focus : .plain))
            }
            if let hint = hints[criterion.id] { raters.append(Span(text: "  model " + hint, style: Theme.dim)) }
            let widthOf = { (spans: [Span]) in spans.reduce(0) { $0 + TextWidth.width(of: $1.text) } }
            if widthOf(head) + widthOf(raters) <= width {
                lines.append(head + raters)
            } else {
                lines.append(head)
                // On lines of their own, wrapped between raters (a group of 7 candidates at 80x24).
                var line: [Span] = [Span(text: "  ", style: .plain)]
                var used = 2
                var i = 0
                while i < raters.count {
                    // A rater is a title span and its value span (the model's hint is one span).
                    let rater = i + 1 < raters.count && raters[i].style == Theme.dim && raters[i + 1].style != Theme.dim
                        ? [raters[i], raters[i + 1]] : [raters[i]]
                    let w = widthOf(rater)
                    if used + w > width && used > 2 {
                        lines.append(line)
                        line = [Span(text: "  ", style: .plain)]
                        used = 2
                    }
                    line += rater
                    used += w
                    i += rater.count
                }
                if used > 2 { lines.append(line) }
            }
            if criterion.kind == .rank {
                let order = orders[criterion.id] ?? "(no order yet)"
                for line in WordWrap.wrap(Sanitizer.displayable(order), width: max(1, width - 4)) {
                    lines.append([Span(text: "    " + line, style: focused ? Theme.focus : Theme.dim)])
                }
                if focused {
                    for line in WordWrap.wrap(Sanitizer.displayable(criterion.question), width: max(1, width - 4)) {
                        lines.append([Span(text: "    " + line, style: Theme.dim)])
                    }
                    focusEnd = lines.count
                }
                continue
            }
            // The values, wrapped at the pane's width: a typed scale's eleven values need two lines at 80x24.
            var valuesLine: [Span] = [Span(text: "    ", style: .plain)]
            var used = 4
            for value in criterion.values {
                let label = Self.valueLabel(value)
                let text: String
                if let key = criterion.key(for: value).map(String.init) { text = key == label ? "[\(key)]" : "[\(key)] \(label)" } else { text = label }
                let chosen = values[criterion.id] == value
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
                lines.append([Span(text: "    type a value: ", style: Theme.dim), Span(text: typed + "█", style: Theme.focus)])
            }
            if focused {
                for line in WordWrap.wrap(Sanitizer.displayable(criterion.question), width: max(1, width - 4)) {
                    lines.append([Span(text: "    " + line, style: Theme.dim)])
                }
                let chosen = values[criterion.id]
                for value in criterion.values {
                    guard let anchor = criterion.anchors[value] else { continue }
                    if detail == .chosenOnly && value != chosen { continue }
                    let key = criterion.key(for: value).map(String.init) ?? Self.valueLabel(value)
                    let prefix = "    \(key) "
                    var oneLine = false
                    if case .oneLine(let full) = detail { oneLine = !full.contains(value) }
                    let wrappedAnchor = oneLine
                        ? [TextWidth.truncate(Sanitizer.displayableLine(anchor), to: max(1, width - 6))]
                        : Self.wrapAnchor(anchor, width: width)
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
    static func drawLines(_ built: (lines: [[Span]], focusStart: Int, focusEnd: Int), into grid: inout Grid, rect: Rect) {
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
