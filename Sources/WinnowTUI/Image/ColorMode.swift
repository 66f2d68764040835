/// How many colours an image may use when rendered to cells.
public enum ColorMode: Hashable, Sendable {
    /// 24-bit colour per cell half.
    case trueColor
    /// The xterm 256-colour palette (cube or grey ramp, whichever is nearer).
    case palette256
    /// No colour: images are shown as a placeholder box with their size.
    case none
}
