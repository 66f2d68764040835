import WinnowTUI

/// What to hand ncurses for one `Cell` so that the screen matches the `Grid`.
///
/// ncurses lays out characters by the C library's `wcwidth`, which can
/// disagree with `TextWidth` (text-default emoji with VS16, flags, characters
/// newer than the C library's Unicode tables), and it stores at most one
/// spacing character plus four combining ones per cell. If they disagreed,
/// the rest of the line would shift. Guarantees: the glyphs returned occupy
/// exactly `cell.width` columns by the given `terminalWidth` function, each
/// glyph is one spacing scalar followed by at most 4 zero-width ones, and
/// nothing is ever dropped silently without a visible stand-in.
enum TerminalGlyphs {
    /// ncurses' CCHARW_MAX: characters stored per cell.
    static let maxScalarsPerGlyph = 5

    /// One glyph (scalar values) per column the cell spans, except that a
    /// single glyph is returned for a wide cell the terminal also considers
    /// wide (the terminal fills both columns).
    static func glyphs(for cell: Cell, terminalWidth: (UInt32) -> Int) -> [[UInt32]] {
        let scalars = Array(cell.text.unicodeScalars)
        guard let base = scalars.first else { return [[0x20]] }
        let baseWidth = terminalWidth(base.value)

        if cell.width == 2 {
            let indicators = scalars.filter { (0x1F1E6...0x1F1FF).contains($0.value) }
            if indicators.count == 2 {
                // A flag: shown as its two region letters, e.g. "FR".
                return indicators.map { [$0.value - 0x1F1E6 + 0x41] }
            }
            switch baseWidth {
            case 2: return [combined(scalars, terminalWidth: terminalWidth)]
            case 1: return [combined(scalars, terminalWidth: terminalWidth), [0x20]]
            default: return [[0xFFFD], [0x20]]
            }
        }
        switch baseWidth {
        case 1: return [combined(scalars, terminalWidth: terminalWidth)]
        case 0: return [combined([Unicode.Scalar(0x25CC)!] + scalars, terminalWidth: terminalWidth)]  // ◌ + mark
        default: return [[0xFFFD]]
        }
    }

    /// The base scalar and the zero-width scalars that follow it, stopping at
    /// a joiner or at the next spacing scalar (the rest of a ZWJ sequence),
    /// and dropping variation selectors, which would ask the terminal for an
    /// emoji presentation of a different width than ncurses assumes.
    private static func combined(_ scalars: [Unicode.Scalar], terminalWidth: (UInt32) -> Int) -> [UInt32] {
        var glyph = [scalars[0].value]
        for scalar in scalars.dropFirst() {
            let value = scalar.value
            if value == 0x200D || terminalWidth(value) != 0 { break }
            if (0xFE00...0xFE0F).contains(value) { continue }
            if glyph.count == maxScalarsPerGlyph { break }
            glyph.append(value)
        }
        return glyph
    }
}
