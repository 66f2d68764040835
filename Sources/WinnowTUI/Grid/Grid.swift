/// A screen's worth of cells: what a screen renders and the backend paints.
///
/// Screens are pure functions producing a `Grid`; only the backend talks to
/// the terminal. Guarantees, whatever is written into it:
/// - every write is clipped to the grid (out-of-range coordinates are ignored);
/// - a wide character always occupies its cell plus a continuation cell to its
///   right; one that would not fit at the right edge is not drawn half;
/// - overwriting either half of a wide character blanks the other half, so
///   no orphaned continuation cell or half character is left behind;
/// - cell text has been through `Sanitizer` (see `Cell`).
public struct Grid: Hashable, Sendable {
    public let width: Int
    public let height: Int
    private var cells: [Cell]
    /// Images a graphics protocol draws over blocks of cells (the cells below hold a half-block fallback).
    public var images: [ImagePlacement] = []

    /// A grid of blank cells. Negative sizes are treated as zero.
    public init(width: Int, height: Int, style: CellStyle = .plain) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: .blank(style), count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at (x, y), or nil outside the grid.
    public subscript(x: Int, y: Int) -> Cell? {
        guard contains(x: x, y: y) else { return nil }
        return cells[y * width + x]
    }

    public func contains(x: Int, y: Int) -> Bool {
        x >= 0 && y >= 0 && x < width && y < height
    }

    /// Writes `text` as one line starting at (x, y), clipped to the grid and to
    /// `maxWidth` columns when given. The text is sanitized as a single line
    /// (a newline shows as `␤`; use `WordWrap` for paragraphs). Clusters left of
    /// column 0 are skipped. Returns the number of columns used inside the grid.
    @discardableResult
    public mutating func put(
        _ text: String, x: Int, y: Int, style: CellStyle = .plain, maxWidth: Int? = nil
    ) -> Int {
        guard y >= 0, y < height else { return 0 }
        let limit = min(width, maxWidth.map { x + max(0, $0) } ?? width)
        var column = x
        var used = 0
        for character in Sanitizer.displayableLine(text) {
            let characterWidth = TextWidth.width(of: character)
            if characterWidth == 0 { continue }  // a lone mark has nothing to attach to
            if column + characterWidth > limit { break }
            if column >= 0 {
                set(Cell(sanitized: character, width: characterWidth, style: style), x: column, y: y)
                used += characterWidth
            }
            column += characterWidth
        }
        return used
    }

    /// Places `cell` at (x, y) with its continuation cell when it is wide.
    /// Ignored when outside the grid or when a wide cell would not fit.
    public mutating func set(_ cell: Cell, x: Int, y: Int) {
        guard contains(x: x, y: y), !cell.isContinuation else { return }
        if cell.width == 2 {
            guard x + 1 < width else { return }
            clearWideOverlap(x: x, y: y)
            clearWideOverlap(x: x + 1, y: y)
            cells[y * width + x] = cell
            cells[y * width + x + 1] = .continuation(cell.style)
        } else {
            clearWideOverlap(x: x, y: y)
            cells[y * width + x] = cell
        }
    }

    /// Fills `rect` (clipped to the grid) with spaces in `style`.
    public mutating func fill(_ rect: Rect, style: CellStyle = .plain) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for row in area.y..<(area.y + area.height) {
            clearWideOverlap(x: area.x, y: row)
            clearWideOverlap(x: area.x + area.width - 1, y: row)
            for column in area.x..<(area.x + area.width) {
                cells[row * width + column] = .blank(style)
            }
        }
    }

    /// Copies `other` into this grid with its top-left corner at (x, y),
    /// clipped. Wide characters that would be cut by the right edge are left out.
    /// Cells drawn over an image take it away (a help overlay hides the image under it).
    public mutating func draw(_ other: Grid, x: Int, y: Int) {
        let covered = Rect(x: x, y: y, width: other.width, height: other.height)
        images.removeAll { p in
            p.x < covered.x + covered.width && covered.x < p.x + p.columns && p.y < covered.y + covered.height && covered.y < p.y + p.rows
        }
        for row in 0..<other.height {
            for column in 0..<other.width {
                let cell = other.cells[row * other.width + column]
                if cell.isContinuation { continue }
                set(cell, x: x + column, y: y + row)
            }
        }
        for var placement in other.images {
            placement.x += x
            placement.y += y
            images.append(placement)
        }
    }

    /// Calls `body` for each cell a backend has to draw to turn a screen showing `previous` into this
    /// grid: every cell when there is no previous grid or its size differs, else only the cells that
    /// changed (a key usually changes a few dozen of the 4,800 cells of a 120×40 screen). Continuation
    /// cells are skipped: their wide character draws them.
    public func forEachCellToPaint(since previous: Grid?, _ body: (_ x: Int, _ y: Int, _ cell: Cell) -> Void) {
        // A wide character and its continuation change together (`set` keeps them paired), so comparing
        // cell by cell finds every change, and skipping continuation cells loses none.
        let previous = previous.flatMap { $0.width == width && $0.height == height ? $0 : nil }
        for index in cells.indices {
            let cell = cells[index]
            if cell.isContinuation { continue }
            if let previous, previous.cells[index] == cell { continue }
            body(index % width, index / width, cell)
        }
    }

    /// The plain text of row `y` (continuation cells skipped), for tests and
    /// debugging. Empty outside the grid.
    public func row(_ y: Int) -> String {
        guard y >= 0, y < height else { return "" }
        var text = ""
        for column in 0..<width {
            let cell = cells[y * width + column]
            if !cell.isContinuation { text += cell.text }
        }
        return text
    }

    /// All rows joined with newlines, for tests and debugging.
    public var text: String {
        (0..<height).map { row($0) }.joined(separator: "\n")
    }

    /// If (x, y) is one half of a wide character, blanks the other half so the
    /// pair is never left broken when (x, y) is overwritten.
    private mutating func clearWideOverlap(x: Int, y: Int) {
        guard contains(x: x, y: y) else { return }
        let index = y * width + x
        let cell = cells[index]
        if cell.isContinuation, x > 0 {
            cells[index - 1] = .blank(cells[index - 1].style)
            cells[index] = .blank(cell.style)
        } else if cell.width == 2, x + 1 < width {
            cells[index + 1] = .blank(cell.style)
        }
    }
}
