/// How many colours an image may use when rendered to cells.
public enum ColorMode: Hashable, Sendable {
    /// 24-bit colour per cell half.
    case trueColor
    /// The xterm 256-colour palette (cube or grey ramp, whichever is nearer).
    case palette256
    /// No colour (NO_COLOR, a monochrome terminal): the image in grey levels drawn with the shade
    /// characters ` ░▒▓█`, one level per cell.
    case shades
    /// No image: a placeholder box with the image's size.
    case none
}
