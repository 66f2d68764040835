/// The `?` overlay: a screen's keys, read from its key map, and the app loop's Ctrl-L. Any key closes it.
public final class HelpScreen: Screen {
    public let hints: [KeyHint]
    public let title: String

    public init(_ hints: [KeyHint], title: String = "Keys") {
        self.hints = hints + [AppLoop.redrawHint]
        self.title = title
    }

    public var isOverlay: Bool { true }

    public func render(width: Int, height: Int, below: Grid?) -> Grid {
        var grid = below ?? Grid(width: width, height: height)
        ScreenFrame.drawHelp(hints, title: title, into: &grid)
        ScreenFrame.drawFooter([KeyHint(keys: "any key", help: "close", short: "close")], into: &grid, y: height - 1)
        return grid
    }

    public func handle(_ event: ScreenEvent) throws -> ScreenTransition {
        guard case .key(let key) = event else { return .stay }
        if case .resize = key { return .stay }
        return .pop
    }
}
