/// One terminal cell: a single grapheme cluster and how to draw it.
///
/// Guarantees: `text` is exactly one grapheme cluster (or empty for a
/// continuation cell) that is safe to send to a terminal (it has been through
/// `Sanitizer`, so it holds no control or bidi characters), and `width` is its
/// display width in cells (1 or 2; 0 only for continuation cells). A cluster of width 2 occupies its own cell
/// and the continuation cell to its right, which the backend skips.
public struct Cell: Hashable, Sendable {
    /// The grapheme cluster shown in this cell; empty for a continuation cell.
    public private(set) var text: String
    /// Display width in terminal cells: 1, 2, or 0 for a continuation cell.
    public private(set) var width: Int
    public var style: CellStyle

    /// A cell showing `character`, made displayable by `Sanitizer` (a control
    /// character becomes its visible placeholder). Its width is measured with
    /// `TextWidth`; zero-width clusters (a lone combining mark) count as width
    /// 1 so a cell is never invisible to the layout.
    public init(_ character: Character, style: CellStyle = .plain) {
        let safe = Sanitizer.displayableLine(String(character)).first ?? " "
        self.text = String(safe)
        self.width = min(2, max(1, TextWidth.width(of: safe)))
        self.style = style
    }

    /// A cell for a character that has been through `Sanitizer` already, with its measured width (`put`
    /// sanitizes whole lines; doing it again per character was a good part of a frame's cost).
    init(sanitized character: Character, width: Int, style: CellStyle) {
        self.init(text: String(character), width: min(2, max(1, width)), style: style)
    }

    private init(text: String, width: Int, style: CellStyle) {
        self.text = text
        self.width = width
        self.style = style
    }

    /// A space in `style`.
    public static func blank(_ style: CellStyle = .plain) -> Cell {
        Cell(text: " ", width: 1, style: style)
    }

    /// The right half of a wide character; carries the style for backgrounds.
    public static func continuation(_ style: CellStyle = .plain) -> Cell {
        Cell(text: "", width: 0, style: style)
    }

    public var isContinuation: Bool { width == 0 }
    public var foreground: TerminalColor {
        get { style.foreground }
        set { style.foreground = newValue }
    }
    public var background: TerminalColor {
        get { style.background }
        set { style.background = newValue }
    }
    public var attributes: CellAttributes {
        get { style.attributes }
        set { style.attributes = newValue }
    }
}
