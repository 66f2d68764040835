/// A colour as screens ask for it, independent of what the terminal can show.
///
/// The backend degrades it to what the terminal supports (true colour,
/// 256-colour palette, 8 colours or none), so screens never branch on
/// terminal capabilities.
public enum TerminalColor: Hashable, Sendable {
    /// The terminal's own default foreground or background.
    case `default`
    /// An index in the xterm 256-colour palette (0–15 are the user's themed colours).
    case palette(UInt8)
    /// A 24-bit colour.
    case rgb(UInt8, UInt8, UInt8)
}
