import Foundation

/// A graphics protocol that draws an image itself, pixel for pixel, where the terminal has one. Only
/// kitty's protocol is spoken (kitty, WezTerm, Ghostty, Konsole understand it); elsewhere, and under
/// tmux or screen (which do not pass it through), the preview stays half blocks.
public enum GraphicsProtocol: String, Sendable, Equatable {
    case none, kitty

    /// What the environment says: `WINNOW_GRAPHICS=kitty|none` decides; else kitty's own variables
    /// (`KITTY_WINDOW_ID`, `TERM=xterm-kitty`) or a terminal known to speak it (`TERM_PROGRAM` WezTerm or
    /// ghostty), never inside tmux or screen.
    public static func detect(_ env: [String: String]) -> GraphicsProtocol {
        if let forced = env["WINNOW_GRAPHICS"], let chosen = GraphicsProtocol(rawValue: forced.lowercased()) { return chosen }
        let term = env["TERM"] ?? ""
        if env["TMUX"] != nil || term.hasPrefix("screen") || term.hasPrefix("tmux") { return .none }
        if env["KITTY_WINDOW_ID"] != nil || term == "xterm-kitty" { return .kitty }
        if ["WezTerm", "ghostty"].contains(env["TERM_PROGRAM"] ?? "") { return .kitty }
        return .none
    }
}

/// An image to be drawn by the terminal's graphics protocol over a block of cells of a grid. Two
/// placements are the same when they put the same image (`source`, e.g. its path) at the same cells: the
/// pixels (megabytes) are never compared frame by frame.
public struct ImagePlacement: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var columns: Int
    public var rows: Int
    public var source: String
    public var image: RGBImage

    public init(x: Int, y: Int, columns: Int, rows: Int, source: String, image: RGBImage) {
        self.x = x
        self.y = y
        self.columns = columns
        self.rows = rows
        self.source = source
        self.image = image
    }

    public static func == (a: ImagePlacement, b: ImagePlacement) -> Bool {
        a.x == b.x && a.y == b.y && a.columns == b.columns && a.rows == b.rows && a.source == b.source
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(x)
        hasher.combine(y)
        hasher.combine(source)
    }
}

/// kitty's graphics protocol, as bytes: `ESC _ G keys ; base64 payload ESC \`, the payload in chunks of
/// at most 4096 bytes (`m=1` on every chunk but the last).
public enum KittyGraphics {
    static let chunk = 4096

    /// Transmits and places `image` (24-bit RGB) scaled into `columns` × `rows` cells at the cursor,
    /// without moving the cursor (`C=1`) and without replies (`q=2`).
    public static func place(_ image: RGBImage, columns: Int, rows: Int) -> [UInt8] {
        let payload = Array(Data(image.pixels).base64EncodedData())
        var out: [UInt8] = []
        var offset = 0
        var first = true
        repeat {
            let end = min(payload.count, offset + chunk)
            let more = end < payload.count
            let keys = first
                ? "a=T,f=24,s=\(image.width),v=\(image.height),c=\(columns),r=\(rows),C=1,q=2,m=\(more ? 1 : 0)"
                : "m=\(more ? 1 : 0)"
            out += Array("\u{1B}_G\(keys);".utf8)
            out += payload[offset..<end]
            out += Array("\u{1B}\\".utf8)
            offset = end
            first = false
        } while offset < payload.count
        return out
    }

    /// Deletes every image this program placed (and frees their data).
    public static let deleteAll: [UInt8] = Array("\u{1B}_Ga=d,d=A,q=2\u{1B}\\".utf8)

    /// The bytes that turn `previous` placements into `current`: nothing when they are the same, else
    /// delete all, then each placement at its cell (1-based cursor address).
    public static func update(from previous: [ImagePlacement], to current: [ImagePlacement]) -> [UInt8] {
        guard previous != current else { return [] }
        var out = previous.isEmpty ? [] : deleteAll
        for p in current where p.columns > 0 && p.rows > 0 {
            out += Array("\u{1B}7\u{1B}[\(p.y + 1);\(p.x + 1)H".utf8)
            out += place(p.image, columns: p.columns, rows: p.rows)
            out += Array("\u{1B}8".utf8)
        }
        return out
    }
}
