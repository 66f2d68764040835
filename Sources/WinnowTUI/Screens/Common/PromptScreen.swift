/// A one-line prompt over the screen below (go to an item, a note): a line editor on the message row,
/// its keys in the footer. Enter hands the text to `accept` and closes; Esc, Ctrl-C or Ctrl-G cancel.
public final class PromptScreen: Screen {
    public enum Action: Sendable, Equatable { case accept, cancel }

    public static let keys = KeyMap<Action>([
        KeyCommand(.enter, .accept, help: "accept", short: "accept"),
        KeyCommand("Esc", [(.escape, .cancel), (.ctrl("c"), .cancel), (.ctrl("g"), .cancel)], help: "cancel", short: "cancel"),
    ], notes: [KeyHint(keys: "Ctrl-U", help: "clear", short: "clear")])

    public let label: String
    public private(set) var editor: LineEditor
    private let accept: (String) throws -> (any Screen)?
    private let cancel: () -> Void

    public convenience init(label: String, text: String = "", accept: @escaping (String) throws -> Void, cancel: @escaping () -> Void = {}) {
        self.init(label: label, text: text, then: { text in
            try accept(text)
            return nil
        }, cancel: cancel)
    }

    /// `then` may return a screen to show in the prompt's place (a chooser of what the text matched).
    public init(label: String, text: String = "", then: @escaping (String) throws -> (any Screen)?, cancel: @escaping () -> Void = {}) {
        self.label = label
        editor = LineEditor(text)
        self.accept = then
        self.cancel = cancel
    }

    public var isOverlay: Bool { true }

    public func render(width: Int, height: Int, below: Grid?) -> Grid {
        var grid = below ?? Grid(width: width, height: height)
        let y = height - 2
        grid.fill(Rect(x: 0, y: y, width: width, height: 1), style: Theme.prompt)
        let used = grid.put(" " + label + " ", x: 0, y: y, style: Theme.prompt)
        editor.draw(into: &grid, x: used, y: y, width: width - used - 1, style: Theme.prompt)
        ScreenFrame.drawFooter(Self.keys.footer + Self.keys.notes, into: &grid, y: height - 1)
        return grid
    }

    public func handle(_ event: ScreenEvent) throws -> ScreenTransition {
        guard case .key(let key) = event else { return .stay }
        switch Self.keys.action(for: key) {
        case .accept:
            if let next = try accept(editor.string) { return .replace(next) }
            return .pop
        case .cancel:
            cancel()
            return .pop
        case nil:
            _ = editor.handle(key)
            return .stay
        }
    }
}
