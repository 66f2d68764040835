/// How text looks: foreground, background and attributes.
///
/// A value type so that screens can build styles freely and compare them.
public struct CellStyle: Hashable, Sendable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: CellAttributes

    public init(
        foreground: TerminalColor = .default,
        background: TerminalColor = .default,
        attributes: CellAttributes = []
    ) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    /// Terminal defaults, no attributes.
    public static let plain = CellStyle()
}
