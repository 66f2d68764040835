/// What colours the terminal can show, and how `TerminalColor` degrades to it.
///
/// Guarantees every `TerminalColor` maps to a colour number the terminal
/// accepts (-1 meaning the terminal default), so screens can use any colour
/// on any terminal.
public enum ColorCapability: Hashable, Sendable {
    /// No colour (NO_COLOR set, or a monochrome terminal): attributes only.
    case none
    /// The 8 ANSI colours.
    case ansi8
    /// The 16 ANSI colours.
    case ansi16
    /// The xterm 256-colour palette; 24-bit colours are quantized to it.
    case palette256
    /// Direct 24-bit colour (a terminfo entry such as xterm-direct).
    case trueColor

    /// The capability for a terminal reporting `colors` colours.
    /// `noColor` is true when the NO_COLOR environment variable is set to a
    /// non-empty value (see no-color.org).
    public static func detect(noColor: Bool, hasColors: Bool, colors: Int) -> ColorCapability {
        if noColor || !hasColors { return .none }
        if colors >= 16_777_216 { return .trueColor }
        if colors >= 256 { return .palette256 }
        if colors >= 16 { return .ansi16 }
        if colors >= 8 { return .ansi8 }
        return .none
    }

    /// How images should be rendered on this terminal.
    public var imageColorMode: ColorMode {
        switch self {
        case .trueColor: return .trueColor
        case .palette256: return .palette256
        case .none, .ansi8, .ansi16: return .shades
        }
    }

    /// The ncurses colour number for `color`: -1 for the terminal default, a
    /// palette index, or (true colour) the packed 0xRRGGBB value.
    public func colorNumber(for color: TerminalColor) -> Int32 {
        switch (self, color) {
        case (_, .default), (.none, _):
            return -1
        case (.trueColor, .palette(let index)) where index < 8:
            return Int32(index)
        case (.trueColor, .palette(let index)):
            let rgb = XtermPalette.rgb(ofIndex: index)
            return Self.packed(rgb.red, rgb.green, rgb.blue)
        case (.trueColor, .rgb(let red, let green, let blue)):
            return Self.packed(red, green, blue)
        case (.palette256, .palette(let index)):
            return Int32(index)
        case (.palette256, .rgb(let red, let green, let blue)):
            return Int32(XtermPalette.nearestIndex(red: red, green: green, blue: blue))
        case (.ansi16, .palette(let index)) where index < 16:
            return Int32(index)
        case (.ansi8, .palette(let index)) where index < 16:
            return Int32(index % 8)
        case (.ansi8, .palette(let index)), (.ansi16, .palette(let index)):
            let rgb = XtermPalette.rgb(ofIndex: index)
            return Int32(XtermPalette.nearestBasicIndex(red: rgb.red, green: rgb.green, blue: rgb.blue))
        case (.ansi8, .rgb(let red, let green, let blue)), (.ansi16, .rgb(let red, let green, let blue)):
            return Int32(XtermPalette.nearestBasicIndex(red: red, green: green, blue: blue))
        }
    }

    /// Direct-colour terminfo entries treat values below 8 as the themed ANSI
    /// colours, so the darkest blues are nudged to 8 (invisible difference).
    private static func packed(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> Int32 {
        let value = Int32(red) << 16 | Int32(green) << 8 | Int32(blue)
        return max(8, value)
    }
}
