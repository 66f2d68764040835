import WinnowCore

/// A page of text over the screen below (the rubric's guidelines): wrapped to a centred box, scrolled
/// with j/k, ↑/↓ and PgUp/PgDn when it is longer than the box; any other key closes it.
public final class TextScreen: Screen {
    public enum Action: Sendable, Equatable { case down, up, pageDown, pageUp }

    public static let keys = KeyMap<Action>([
        KeyCommand("j/k", [(.char("j"), .down), (.down, .down), (.char("k"), .up), (.up, .up)], help: "scroll", short: "scroll"),
        KeyCommand("PgDn/PgUp", [(.pageDown, .pageDown), (.char(" "), .pageDown), (.pageUp, .pageUp)], help: "scroll by pages", short: "page"),
    ], notes: [KeyHint(keys: "any other key", help: "close", short: "close")])

    public let title: String
    public let text: String
    public private(set) var scroll = 0
    private var size = (width: 80, height: 24)

    public init(title: String, text: String) {
        self.title = title
        self.text = text
    }

    public var isOverlay: Bool { true }

    public func resize(width: Int, height: Int) { size = (width, height) }

    /// The box: up to 100 columns wide, leaving the header and the two bottom rows visible.
    private func box(width: Int, height: Int) -> Rect {
        let w = min(width - 4, 100)
        let h = max(3, height - 4)
        return Rect(x: (width - w) / 2, y: 1, width: w, height: h)
    }

    private func lines(width: Int) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { paragraph in
            paragraph.isEmpty ? [""] : WordWrap.wrap(Sanitizer.displayable(String(paragraph)), width: max(1, width))
        }
    }

    private func maxScroll(width: Int, height: Int) -> Int {
        let b = box(width: width, height: height)
        return max(0, lines(width: b.width - 4).count - (b.height - 3))
    }

    public func render(width: Int, height: Int, below: Grid?) -> Grid {
        var grid = below ?? Grid(width: width, height: height)
        let b = box(width: width, height: height)
        grid.fill(b, style: Theme.overlay)
        grid.put(" \(title) ", x: b.x + 2, y: b.y, style: Theme.overlay.with(attributes: [.bold]))
        let all = lines(width: b.width - 4)
        let visible = b.height - 3
        let top = min(scroll, max(0, all.count - visible))
        for (i, line) in all.dropFirst(top).prefix(visible).enumerated() {
            grid.put(line, x: b.x + 2, y: b.y + 2 + i, style: Theme.overlay, maxWidth: b.width - 4)
        }
        if top + visible < all.count {
            let more = " ↓ \(all.count - top - visible) more (j/PgDn) "
            grid.put(more, x: b.x + b.width - TextWidth.width(of: more) - 1, y: b.y + b.height - 1, style: Theme.overlay.with(attributes: [.bold]))
        }
        ScreenFrame.drawFooter(Self.keys.footer + Self.keys.notes, into: &grid, y: height - 1)
        return grid
    }

    public func handle(_ event: ScreenEvent) throws -> ScreenTransition {
        guard case .key(let key) = event else { return .stay }
        if case .resize = key { return .stay }
        let page = max(1, box(width: size.width, height: size.height).height - 4)
        switch Self.keys.action(for: key) {
        case .down: scroll += 1
        case .up: scroll -= 1
        case .pageDown: scroll += page
        case .pageUp: scroll -= page
        case nil: return .pop
        }
        scroll = max(0, min(scroll, maxScroll(width: size.width, height: size.height)))
        return .stay
    }
}

extension TextScreen {
    /// The rubric's instructions as a page, when it has any (every grading screen shows them on `i`).
    public static func guidelines(of rubric: Rubric) -> TextScreen? {
        let text = rubric.instructions.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : TextScreen(title: "\(rubric.name) v\(rubric.version): guidelines", text: text)
    }
}
