import WinnowCore

/// Everything the lead's review screen shows. The grading part (the item, the gold values being set,
/// focus, typing, note, message, scroll, preview, the model's hints) is a `LabelScreenState`, so values
/// are set with exactly the labeling screen's keys.
public struct ReviewScreenState: Sendable {
    public struct Counts: Sendable, Equatable {
        public var toReview = 0
        public var disagreements = 0
        public var model = 0
        public var flagged = 0
        /// Items with gold, of those accepted automatically, and gold saved in this session.
        public var settled = 0
        public var automatic = 0
        public var session = 0
        public init() {}
    }

    public var grading: LabelScreenState
    public var lead: String
    /// The queue entry on screen (nil when the queue is empty).
    public var entry: ReviewEntry?
    public var counts = Counts()
    public var filter = ReviewQueue.Filter()
    public var modelVersion: Int64?

    public init(rubric: Rubric, lead: String) {
        grading = LabelScreenState(rubric: rubric, annotator: lead)
        self.lead = lead
    }

    public var rubric: Rubric { grading.rubric }
}

/// What a key of the review screen asks of the controller.
public enum ReviewIntent: Sendable, Equatable {
    case save, skip, undo, previous, next, editNote, filter, refresh, dashboard, help, guidelines, quit
}

public enum ReviewAction: Sendable, Hashable {
    case save, nextCriterion, previousCriterion, skip, undo, previous, next, note, filter, refresh, dashboard, help, guidelines, quit
    case scrollDown, scrollUp, pageDown, pageUp, top, clear
}

/// The lead's review screen: the labeling screen's layout, with every annotator's values beside each
/// criterion (and the model's prediction), the disputed criteria marked, and Enter saving gold.
public enum ReviewScreen {
    public static let keys = KeyMap<ReviewAction>([
        KeyCommand(.enter, .save, help: "save the values as gold and show the next item", short: "gold"),
        GradingKeys.criterion(next: .nextCriterion, previous: .previousCriterion),
        KeyCommand(.char("s"), .skip, help: "skip (the item comes back at the end of the queue)", short: "skip"),
        KeyCommand(.char("u"), .undo, help: "undo the last gold saved in this session and return to it", short: "undo"),
        KeyCommand(.char("f"), .filter, help: "filter the queue by criterion or annotator (or show all)", short: "filter"),
        KeyCommand(.char("?"), .help, help: "all keys", short: "keys"),
        GradingKeys.quit(.quit, help: "quit (every gold label saved is kept)"),
        GradingKeys.history(previous: .previous, next: .next, help: "walk this session's gold (p / n too); edit a saved one"),
        KeyCommand(.char("c"), .note, help: "add a note to the gold label", short: "note"),
        KeyCommand(.char("o"), .dashboard, help: "the agreement dashboard: α per criterion with its verdict, annotators against each other and gold, drift by week", short: "agreement"),
        KeyCommand(.ctrl("r"), .refresh, help: "read the labels again now (the queue also refreshes as labels arrive)", short: "refresh"),
        KeyCommand(.char("i"), .guidelines, help: "the rubric's guidelines (its instructions)", short: "guide"),
        GradingKeys.scroll(down: .scrollDown, up: .scrollUp, pageDown: .pageDown, pageUp: .pageUp, top: .top),
        GradingKeys.clear(.clear),
    ], notes: [
        KeyHint(keys: "value keys", help: "set the focused criterion's gold value, focus moves on", short: "set"),
        KeyHint(keys: "columns", help: "each annotator's value beside each criterion, then the model's; disputed criteria are marked", short: ""),
    ])

    public static let emptyQueueKeys = keys.restricted(to: [.undo, .previous, .filter, .dashboard, .refresh, .help, .guidelines, .quit])

    public static func reduce(_ state: inout ReviewScreenState, _ key: Key) -> ReviewIntent? {
        if case .resize = key { return nil }
        state.grading.message = nil
        if state.grading.item == nil {
            switch emptyQueueKeys.action(for: key) {
            case .quit: return .quit
            case .help: return .help
            case .guidelines: return .guidelines
            case .undo: return .undo
            case .previous: return .previous
            case .filter: return .filter
            case .refresh: return .refresh
            case .dashboard: return .dashboard
            default:
                state.grading.message = "Nothing to review. " + emptyQueueKeys.footer.map { "\($0.keys) \($0.short)" }.joined(separator: " · ")
            }
            return nil
        }
        let count = max(1, state.rubric.criteria.count)
        if LabelScreen.continueTyping(&state.grading, key) { return nil }
        guard let action = keys.action(for: key) else {
            LabelScreen.valueKey(&state.grading, key)
            return nil
        }
        switch action {
        case .nextCriterion: state.grading.focus = (state.grading.focus + 1) % count
        case .previousCriterion: state.grading.focus = (state.grading.focus - 1 + count) % count
        case .save:
            let missing = state.grading.missingRequired
            if !missing.isEmpty {
                state.grading.missing = Set(missing.map(\.id))
                state.grading.message = "Not saved: gold needs " + missing.map(\.title).joined(separator: ", ")
                if let first = state.rubric.criteria.firstIndex(where: { state.grading.missing.contains($0.id) }) { state.grading.focus = first }
                return nil
            }
            return .save
        case .skip: return .skip
        case .undo: return .undo
        case .previous: return .previous
        case .next: return .next
        case .note: return .editNote
        case .filter: return .filter
        case .refresh: return .refresh
        case .dashboard: return .dashboard
        case .help: return .help
        case .guidelines: return .guidelines
        case .quit: return .quit
        case .pageDown: state.grading.scroll += 10
        case .pageUp: state.grading.scroll = max(0, state.grading.scroll - 10)
        case .scrollDown: state.grading.scroll += 1
        case .scrollUp: state.grading.scroll = max(0, state.grading.scroll - 1)
        case .top: state.grading.scroll = 0
        case .clear:
            if let criterion = state.grading.focusedCriterion { state.grading.values[criterion.id] = nil }
        }
        return nil
    }

    // MARK: rendering

    static func headerParts(_ state: ReviewScreenState) -> [String] {
        let c = state.counts
        var parts = ["review \(state.rubric.name) v\(state.rubric.version)"]
        parts.append("\(c.toReview) to settle")
        parts.append("gold \(c.settled)" + (c.automatic > 0 ? " (\(c.automatic) auto)" : ""))
        if c.session > 0 { parts.append("session \(c.session)") }
        parts.append(state.lead)
        if let f = filterText(state.filter) { parts.append(f) }
        if let v = state.modelVersion { parts.append("model \(v)") }
        return parts
    }

    static func filterText(_ filter: ReviewQueue.Filter) -> String? {
        var parts: [String] = []
        if let c = filter.criterion { parts.append("criterion " + c) }
        if let a = filter.annotator { parts.append("annotator " + a) }
        return parts.isEmpty ? nil : "filter: " + parts.joined(separator: ", ")
    }

    /// What the header's right side says about why the item is here.
    static func why(_ state: ReviewScreenState) -> String {
        if state.grading.editing { return "gold saved (edit)" }
        return state.entry?.why(rubric: state.rubric) ?? (state.grading.item == nil ? "queue empty" : "")
    }

    public static func render(_ state: ReviewScreenState, width: Int, height: Int) -> Grid {
        if let small = ScreenFrame.tooSmall(width: width, height: height) { return small }
        var grid = Grid(width: width, height: height)
        ScreenFrame.drawHeader(headerParts(state), right: "", into: &grid)
        let body = ScreenFrame.body(width: width, height: height)
        let left = LabelScreen.itemPaneWidth(totalWidth: width)
        for y in body.y..<(body.y + body.height) { grid.put("│", x: left, y: y, style: Theme.separator) }
        if let item = state.grading.item {
            ItemPane.draw(item, scroll: state.grading.scroll, into: &grid, rect: Rect(x: 0, y: body.y, width: left, height: body.height))
            drawRight(state, into: &grid, rect: Rect(x: left + 1, y: body.y, width: width - left - 1, height: body.height))
        } else {
            let c = state.counts
            grid.put("Nothing to review for \(state.lead).", x: 2, y: body.y + 1, style: Theme.title, maxWidth: left - 3)
            var lines = ["\(c.settled) items have gold (\(c.automatic) accepted automatically, \(c.session) settled in this session)."]
            if state.filter.isEmpty {
                lines.append("Items come here when two annotators give different values, when the model is far from the humans, or when an annotator flags one.")
            } else {
                lines.append("The filter may hide items: f changes it.")
            }
            lines.append(emptyQueueKeys.footer.map { "\($0.keys) \($0.short)" }.joined(separator: " · "))
            var y = body.y + 3
            for text in lines {
                for line in WordWrap.wrap(text, width: left - 3) where y < body.y + body.height {
                    grid.put(line, x: 2, y: y, style: Theme.dim)
                    y += 1
                }
                y += 1
            }
        }
        var status: [String] = []
        if !state.grading.note.isEmpty { status.append("note: " + state.grading.note) }
        ScreenFrame.drawMessage(state.grading.message, status: status.joined(separator: " · "), into: &grid, y: height - 2)
        var lead: (keys: String, short: String)?
        if let criterion = state.grading.focusedCriterion, state.grading.item != nil {
            if criterion.typedEntry {
                lead = ("0-9 .", "type gold")
            } else {
                let keys = criterion.keys.map { String($0.key) }
                lead = (keys.count > 1 ? "\(keys.first!)-\(keys.last!)" : keys.joined(), "set gold")
            }
        }
        ScreenFrame.drawFooter(state.grading.item == nil ? emptyQueueKeys.footer : keys.footer, lead: lead, into: &grid, y: height - 1)
        return grid
    }

    /// Column titles: annotator names cut to fit beside every criterion.
    static func columnTitle(_ name: String, count: Int, width: Int) -> String {
        let room = max(3, min(12, (width - 20) / max(1, count) - 4))
        return TextWidth.truncate(Sanitizer.displayableLine(name), to: room)
    }

    static func drawRight(_ state: ReviewScreenState, into grid: inout Grid, rect: Rect) {
        var y = rect.y
        let x = rect.x + 1
        let w = rect.width - 1
        // Why the item is here, first: it says what to settle.
        for line in WordWrap.wrap(Sanitizer.displayable(why(state)), width: max(1, w)).prefix(2) {
            grid.put(line, x: x, y: y, style: Theme.warning, maxWidth: w)
            y += 1
        }
        if let preview = state.grading.preview {
            grid.draw(preview, x: x + max(0, (w - preview.width) / 2), y: y)
            y += max(preview.height, 1) + 1
        } else if let item = state.grading.item, item.image != nil {
            grid.put(item.imageMissing ? "(image file not found)" : "(no preview)", x: x, y: y, style: Theme.dim, maxWidth: w)
            y += 2
        }
        let labels = state.entry?.labels ?? []
        // Who said what: time on task, flag and note of each annotator, one line each.
        for label in labels where y < rect.y + rect.height - 4 {
            var text = "\(Sanitizer.displayableLine(label.annotator)) \(Int(label.seconds.rounded()))s"
            if label.flag { text += " ⚑" }
            if let note = label.note { text += " “" + Sanitizer.displayableLine(note) + "”" }
            grid.put(TextWidth.truncate(text, to: w), x: x, y: y, style: label.flag ? Theme.warning : Theme.dim, maxWidth: w)
            y += 1
        }
        if !labels.isEmpty { y += 1 }
        let columns = labels.map {
            RubricPane.Column(title: columnTitle($0.annotator, count: labels.count, width: w), values: $0.values)
        }
        var marks: [String: String] = [:]
        for (id, verdict) in state.entry?.verdicts ?? [:] {
            if case .disputed = verdict { marks[id] = "disputed" }
        }
        let pane = RubricPane(rubric: state.rubric, values: state.grading.values, focus: state.grading.item == nil ? nil : state.grading.focus,
                              typed: state.grading.typed, missing: state.grading.missing, hints: state.grading.modelHints,
                              columns: columns, marks: marks)
        pane.draw(into: &grid, rect: Rect(x: x, y: y, width: w, height: rect.y + rect.height - y))
    }
}
