/// A list to pick one entry from, over the screen below (several items match a key, a rubric to pick):
/// ↑/↓ (or Ctrl-P/Ctrl-N) move, PgUp/PgDn by pages, typing filters the list to the entries containing the
/// text, Enter hands the chosen entry to `choose`, Esc cancels.
public final class ChooserScreen: Screen {
    public enum Action: Sendable, Equatable { case up, down, pageUp, pageDown, choose, cancel }

    public static let keys = KeyMap<Action>([
        KeyCommand(.enter, .choose, help: "choose", short: "choose"),
        KeyCommand("↑↓", [(.up, .up), (.ctrl("p"), .up), (.down, .down), (.ctrl("n"), .down), (.pageUp, .pageUp), (.pageDown, .pageDown)],
                   help: "move", short: "move"),
        KeyCommand("Esc", [(.escape, .cancel), (.ctrl("c"), .cancel), (.ctrl("g"), .cancel)], help: "cancel", short: "cancel"),
    ], notes: [KeyHint(keys: "type", help: "filter", short: "filter")])

    public let title: String
    public let entries: [String]
    public private(set) var filter = LineEditor("", limit: 200)
    /// Index into `shown`.
    public private(set) var selection = 0
    private let choose: (Int) throws -> Void
    private var size = (width: 80, height: 24)

    /// `choose` gets the index into `entries` of the entry picked.
    public init(title: String, entries: [String], choose: @escaping (Int) throws -> Void) {
        self.title = title
        self.entries = entries
        self.choose = choose
    }

    public var isOverlay: Bool { true }

    public func resize(width: Int, height: Int) { size = (width, height) }

    /// Indices of the entries the filter lets through, in order.
    public var shown: [Int] {
        let text = filter.string.lowercased()
        return text.isEmpty ? Array(entries.indices) : entries.indices.filter { entries[$0].lowercased().contains(text) }
    }

    private func box(width: Int, height: Int) -> Rect {
        let w = min(width - 4, 90)
        let h = max(5, min(height - 4, shownCount + 4))
        return Rect(x: (width - w) / 2, y: max(1, (height - h) / 2), width: w, height: h)
    }

    private var shownCount: Int { shown.count }

    public func render(width: Int, height: Int, below: Grid?) -> Grid {
        var grid = below ?? Grid(width: width, height: height)
        let b = box(width: width, height: height)
        grid.fill(b, style: Theme.overlay)
        let list = shown
        grid.put(" \(title) (\(list.count) of \(entries.count)) ", x: b.x + 2, y: b.y, style: Theme.overlay.with(attributes: [.bold]))
        let used = grid.put(" filter: ", x: b.x + 1, y: b.y + 1, style: Theme.overlay)
        filter.draw(into: &grid, x: b.x + 1 + used, y: b.y + 1, width: b.width - used - 3, style: Theme.overlay)
        let visible = b.height - 3
        let top = max(0, min(selection - visible + 1, list.count - visible))
        for (row, index) in list.dropFirst(max(0, top)).prefix(visible).enumerated() {
            let selected = max(0, top) + row == selection
            let style = selected ? Theme.selectedPlain : Theme.overlay
            if selected { grid.fill(Rect(x: b.x + 1, y: b.y + 2 + row, width: b.width - 2, height: 1), style: style) }
            grid.put((selected ? "▸ " : "  ") + entries[index], x: b.x + 1, y: b.y + 2 + row, style: style, maxWidth: b.width - 3)
        }
        if list.isEmpty { grid.put("  nothing matches", x: b.x + 1, y: b.y + 2, style: Theme.overlay) }
        ScreenFrame.drawFooter(Self.keys.footer + Self.keys.notes, into: &grid, y: height - 1)
        return grid
    }

    public func handle(_ event: ScreenEvent) throws -> ScreenTransition {
        guard case .key(let key) = event else { return .stay }
        if case .resize = key { return .stay }
        let list = shown
        let page = max(1, box(width: size.width, height: size.height).height - 4)
        switch Self.keys.action(for: key) {
        case .up: selection -= 1
        case .down: selection += 1
        case .pageUp: selection -= page
        case .pageDown: selection += page
        case .cancel: return .pop
        case .choose:
            guard list.indices.contains(selection) else { return .stay }
            try choose(list[selection])
            return .pop
        case nil:
            if filter.handle(key) { selection = 0 }
        }
        selection = max(0, min(selection, list.count - 1))
        return .stay
    }
}
