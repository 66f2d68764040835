import WinnowCore

extension GroupScreen {
    /// Columns a candidate's card wants; the left pane holds as many such cards as fit (at least one).
    public static let cardWidth = 22

    /// How many cards are shown side by side at this width.
    public static func visibleCards(totalWidth: Int, count: Int) -> Int {
        let left = LabelScreen.itemPaneWidth(totalWidth: totalWidth)
        return max(1, min(count, left / cardWidth))
    }

    /// The first candidate on the page that shows the focused one.
    static func firstVisible(_ state: GroupScreenState, perPage: Int) -> Int {
        (state.candidate / max(1, perPage)) * max(1, perPage)
    }

    /// Rows the shared prompt gets at the top of the left pane: what it needs, at most a third of the body.
    static func promptRows(_ state: GroupScreenState, width: Int, body: Int) -> Int {
        guard let prompt = state.prompt else { return 0 }
        let needed = ItemPane.headerRows + ItemPane.lines(prompt, width: max(1, width - 2)).count
        return max(ItemPane.headerRows + 1, min(needed, body / 3))
    }

    public static func render(_ state: GroupScreenState, width: Int, height: Int) -> Grid {
        if let small = ScreenFrame.tooSmall(width: width, height: height) { return small }
        var grid = Grid(width: width, height: height)
        ScreenFrame.drawHeader(headerParts(state), right: state.reason, into: &grid)
        let body = ScreenFrame.body(width: width, height: height)
        let left = LabelScreen.itemPaneWidth(totalWidth: width)
        for y in body.y..<(body.y + body.height) { grid.put("│", x: left, y: y, style: Theme.separator) }
        if state.group != nil, let prompt = state.prompt {
            let rows = promptRows(state, width: left, body: body.height)
            ItemPane.draw(prompt, scroll: state.promptScroll, into: &grid, rect: Rect(x: 0, y: body.y, width: left, height: rows))
            drawCards(state, into: &grid, rect: Rect(x: 0, y: body.y + rows, width: left, height: body.height - rows))
            drawRight(state, into: &grid, rect: Rect(x: left + 1, y: body.y, width: width - left - 1, height: body.height))
        } else {
            grid.put("No group left to grade for \(state.annotator).", x: 2, y: body.y + 1, style: Theme.title, maxWidth: left - 3)
            let hint = emptyQueueKeys.footer.map { "\($0.keys) \($0.short)" }.joined(separator: " · ")
            for (i, line) in WordWrap.wrap(hint, width: left - 3).enumerated() {
                grid.put(line, x: 2, y: body.y + 3 + i, style: Theme.dim)
            }
        }
        var status: [String] = []
        if state.unsaved { status.append("unsaved (kept as a draft): Enter saves") }
        let flagged = state.candidates.indices.filter { state.candidates[$0].flag }.map { String($0 + 1) }
        if !flagged.isEmpty { status.append("⚑ " + flagged.joined(separator: ",")) }
        if state.candidates.indices.contains(state.candidate), !state.candidates[state.candidate].note.isEmpty {
            status.append("note: " + state.candidates[state.candidate].note)
        }
        ScreenFrame.drawMessage(state.message, status: status.joined(separator: " · "), into: &grid, y: height - 2)
        var lead: (keys: String, short: String)?
        if let criterion = state.focusedCriterion, state.group != nil {
            if criterion.kind == .rank {
                lead = ("1-\(max(2, state.candidates.count))", "best first")
            } else if criterion.typedEntry {
                lead = ("0-9 .", "type value")
            } else {
                let keys = criterion.keys.map { String($0.key) }
                lead = (keys.count > 1 ? "\(keys.first!)-\(keys.last!)" : keys.joined(), "set")
            }
        }
        ScreenFrame.drawFooter(keys.footer, lead: lead, into: &grid, y: height - 1)
        return grid
    }

    static func headerParts(_ state: GroupScreenState) -> [String] {
        var parts = ["\(state.rubric.name) v\(state.rubric.version)"]
        let p = state.progress
        parts.append("groups: you \(p.groupsMine), \(p.groupsLeft) left")
        parts.append("session \(p.session)")
        parts.append(state.annotator)
        if let version = state.modelVersion { parts.append("model \(version)") }
        return parts
    }

    /// A candidate's values in rubric order, compactly ("4 3 yes #2"; "·" for none).
    static func summary(_ state: GroupScreenState, _ index: Int) -> String {
        let values = state.values(of: index)
        return state.rubric.criteria.map { criterion in
            guard let value = values[criterion.id] else { return "·" }
            if criterion.kind == .rank { return "#" + value.text }
            return RubricPane.valueLabel(value)
        }.joined(separator: " ")
    }

    /// The cards of the page that shows the focused candidate, side by side.
    static func drawCards(_ state: GroupScreenState, into grid: inout Grid, rect: Rect) {
        guard rect.height > 2, !state.candidates.isEmpty else { return }
        let perPage = visibleCards(totalWidth: grid.width, count: state.candidates.count)
        let first = firstVisible(state, perPage: perPage)
        let shown = Array(first..<min(state.candidates.count, first + perPage))
        let title = shown.count == state.candidates.count
            ? "── \(state.candidates.count) candidates "
            : "── candidates \(first + 1)-\(shown.last! + 1) of \(state.candidates.count) (←→ pages) "
        grid.put(title + String(repeating: "─", count: max(0, rect.width - TextWidth.width(of: title) - 1)), x: rect.x, y: rect.y,
                 style: Theme.separator, maxWidth: rect.width)
        let width = rect.width / shown.count
        for (slot, index) in shown.enumerated() {
            let x = rect.x + slot * width
            let card = Rect(x: x + 1, y: rect.y + 1, width: width - 2, height: rect.height - 1)
            if slot > 0 { for y in card.y..<(card.y + card.height) { grid.put("┊", x: x, y: y, style: Theme.separator) } }
            drawCard(state, index, into: &grid, rect: card)
        }
    }

    /// The lines of a candidate's text at `width`: each own turn under a speaker line.
    static func cardLines(_ candidate: GroupScreenState.Candidate, width: Int) -> [(text: String, isTitle: Bool)] {
        var lines: [(String, Bool)] = []
        // A question set (every turn the human's) reads as a list; a conversation keeps its speakers.
        let list = candidate.turns.count > 1 && candidate.turns.allSatisfy { $0.from == .human }
        for turn in candidate.turns {
            if list {
                for (i, line) in WordWrap.wrap(Sanitizer.displayable(turn.value), width: max(1, width - 2)).enumerated() {
                    lines.append(((i == 0 ? "• " : "  ") + line, false))
                }
                continue
            }
            if candidate.turns.count > 1 { lines.append((turn.from == .human ? "Human" : "Assistant", true)) }
            for line in WordWrap.wrap(Sanitizer.displayable(turn.value), width: max(1, width)) { lines.append((line, false)) }
        }
        return lines
    }

    static func drawCard(_ state: GroupScreenState, _ index: Int, into grid: inout Grid, rect: Rect) {
        guard rect.width > 3 else { return }
        let candidate = state.candidates[index]
        let focused = index == state.candidate
        let missing = state.missing.contains { $0.candidate == index }
        var x = rect.x
        x += grid.put(focused ? "▸\(index + 1)" : " \(index + 1)", x: x, y: rect.y, style: focused ? Theme.focus : Theme.title)
        x += grid.put(candidate.flag ? " ⚑" : "", x: x, y: rect.y, style: Theme.warning)
        x += grid.put("  " + summary(state, index), x: x, y: rect.y, style: missing ? Theme.warning : Theme.dim, maxWidth: rect.x + rect.width - x)
        let lines = cardLines(candidate, width: rect.width)
        let rows = rect.height - 1
        let offset = min(state.scroll, max(0, lines.count - rows))
        for (row, line) in lines.dropFirst(offset).prefix(rows).enumerated() {
            let y = rect.y + 1 + row
            if line.isTitle {
                grid.put(line.text, x: rect.x, y: y, style: line.text == "Human" ? Theme.human : Theme.gpt, maxWidth: rect.width)
                continue
            }
            // Word by word, so the words no other candidate has stand out.
            var cx = rect.x
            for (i, word) in line.text.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
                if i > 0 { cx += grid.put(" ", x: cx, y: y, maxWidth: rect.x + rect.width - cx) }
                let own = candidate.ownWords.contains(GroupScreen.normalizedWord(String(word)))
                cx += grid.put(String(word), x: cx, y: y, style: own ? Theme.distinct : .plain, maxWidth: rect.x + rect.width - cx)
            }
        }
        if lines.count > offset + rows {
            grid.put("↓ j", x: rect.x + rect.width - 3, y: rect.y, style: Theme.dim)
        }
    }

    /// A word as the comparison of candidates sees it: lowercased, without surrounding punctuation.
    public static func normalizedWord(_ word: String) -> String {
        word.lowercased().trimmingCharacters(in: .punctuationCharacters.union(.symbols).union(.whitespaces))
    }

    /// Each candidate's words that appear in no other candidate.
    public static func ownWords(_ texts: [String]) -> [Set<String>] {
        let words = texts.map { text in Set(text.split(whereSeparator: \.isWhitespace).map { normalizedWord(String($0)) }.filter { !$0.isEmpty }) }
        var count: [String: Int] = [:]
        for set in words { for w in set { count[w, default: 0] += 1 } }
        return words.map { set in set.filter { count[$0] == 1 } }
    }

    static func drawRight(_ state: GroupScreenState, into grid: inout Grid, rect: Rect) {
        var y = rect.y
        let x = rect.x + 1
        let w = rect.width - 1
        let rows = LabelScreen.previewRows(totalHeight: grid.height)
        if let preview = state.preview {
            grid.draw(preview, x: x + max(0, (w - preview.width) / 2), y: y)
            y += max(preview.height, 1)
        } else if let prompt = state.prompt {
            let text = prompt.image == nil ? "(no image)" : (prompt.imageMissing ? "(image file not found)" : "(no preview)")
            grid.put(text, x: x, y: y + min(rows, 4) / 2, style: Theme.dim, maxWidth: w)
            y += min(rows, 4)
        }
        y += 1
        guard state.candidates.indices.contains(state.candidate) else { return }
        let columns = state.candidates.indices.map { RubricPane.Column(title: String($0 + 1), values: state.values(of: $0)) }
        var orders: [String: String] = [:]
        for criterion in state.rubric.criteria where criterion.kind == .rank {
            let order = state.rankings[criterion.id] ?? []
            orders[criterion.id] = !state.rankable
                ? "(not rankable: \(state.candidates.count) candidates, at most \(CriterionKind.maximumRanked))"
                : order.isEmpty ? "press 1-\(state.candidates.count), best first" : order.map { String($0 + 1) }.joined(separator: " > ")
                    + (order.count < state.candidates.count ? " > …" : "")
        }
        var missing: Set<String> = []
        for slot in state.missing where slot.candidate == state.candidate || slot.candidate < 0 { missing.insert(slot.criterion) }
        var pane = RubricPane(rubric: state.rubric, values: state.values(of: state.candidate), focus: state.focus, typed: state.typed,
                              missing: missing, columns: columns)
        pane.orders = orders
        grid.put("candidate \(state.candidate + 1) of \(state.candidates.count)", x: x, y: y, style: Theme.title, maxWidth: w)
        pane.draw(into: &grid, rect: Rect(x: x, y: y + 1, width: w, height: rect.y + rect.height - y - 1))
    }
}
