/// The styles screens draw with, in one place so every screen looks alike. Colours degrade in the
/// backend (256 colours, 8, or none with NO_COLOR), so attributes carry the meaning too.
public enum Theme {
    public static let headerBar = CellStyle(foreground: .palette(255), background: .palette(24), attributes: [.bold])
    public static let footerBar = CellStyle(foreground: .palette(252), background: .palette(236))
    public static let footerKey = CellStyle(foreground: .palette(229), background: .palette(236), attributes: [.bold])
    public static let title = CellStyle(attributes: [.bold])
    public static let dim = CellStyle(foreground: .palette(245), attributes: [.dim])
    public static let caption = CellStyle(foreground: .palette(109))
    public static let human = CellStyle(foreground: .palette(75), attributes: [.bold])
    public static let gpt = CellStyle(foreground: .palette(114), attributes: [.bold])
    public static let warning = CellStyle(foreground: .palette(203), attributes: [.bold])
    public static let focus = CellStyle(foreground: .palette(229), attributes: [.bold])
    public static let selected = CellStyle(foreground: .palette(16), background: .palette(114), attributes: [.bold, .reverse])
    public static let selectedPlain = CellStyle(attributes: [.reverse, .bold])
    /// Words of a candidate that no other candidate of its group has (group screen).
    public static let distinct = CellStyle(foreground: .palette(222), attributes: [.underline])
    public static let separator = CellStyle(foreground: .palette(240))
    public static let message = CellStyle(foreground: .palette(229))
    public static let prompt = CellStyle(foreground: .palette(255), background: .palette(238))
    public static let overlay = CellStyle(foreground: .palette(255), background: .palette(235))
}
