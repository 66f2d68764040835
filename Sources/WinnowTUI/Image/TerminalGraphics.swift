import Foundation

/// A graphics protocol that draws an image itself, pixel for pixel, where the terminal has one: kitty's
/// (kitty, WezTerm, Ghostty) or DEC sixel (foot, mlterm, xterm started with sixel support); elsewhere,
/// and under tmux or screen (which do not pass them through reliably), the preview stays half blocks.
public enum GraphicsProtocol: String, Sendable, Equatable {
    case none, kitty, sixel

    /// What the environment says: `WINNOW_GRAPHICS=kitty|sixel|none` decides; else kitty's own variables
    /// (`KITTY_WINDOW_ID`, `TERM=xterm-kitty`) or a terminal known to speak it (`TERM_PROGRAM` WezTerm or
    /// ghostty), then a terminal known for sixel (`TERM` foot or mlterm); never inside tmux or screen.
    /// (xterm speaks sixel only when started for it, which its environment does not say: set
    /// `WINNOW_GRAPHICS=sixel` there.)
    public static func detect(_ env: [String: String]) -> GraphicsProtocol {
        if let forced = env["WINNOW_GRAPHICS"], let chosen = GraphicsProtocol(rawValue: forced.lowercased()) { return chosen }
        let term = env["TERM"] ?? ""
        if env["TMUX"] != nil || term.hasPrefix("screen") || term.hasPrefix("tmux") { return .none }
        if env["KITTY_WINDOW_ID"] != nil || term == "xterm-kitty" { return .kitty }
        if ["WezTerm", "ghostty"].contains(env["TERM_PROGRAM"] ?? "") { return .kitty }
        if term.hasPrefix("foot") || term.hasPrefix("mlterm") { return .sixel }
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

/// DEC sixel graphics, as bytes: the image scaled to the cells' pixels, its colours mapped to a fixed
/// cube of 6 × 6 × 6 levels (216 colour registers, within the 256 sixel terminals offer), six pixel rows
/// per band, runs of one sixel compressed (`!n`).
public enum SixelGraphics {
    /// The register of a colour: its nearest level (0–5) per channel.
    static func register(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        func level(_ v: UInt8) -> Int { (Int(v) * 5 + 127) / 255 }
        return level(r) * 36 + level(g) * 6 + level(b)
    }

    /// `image` scaled (nearest pixel) to `width` × `height`.
    static func scaled(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        guard width > 0, height > 0, width != image.width || height != image.height else { return image }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            let sy = min(image.height - 1, y * image.height / height)
            for x in 0..<width {
                let sx = min(image.width - 1, x * image.width / width)
                let from = (sy * image.width + sx) * 3, to = (y * width + x) * 3
                pixels[to] = image.pixels[from]
                pixels[to + 1] = image.pixels[from + 1]
                pixels[to + 2] = image.pixels[from + 2]
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels) ?? image
    }

    /// The sixel image of `image` as it is (pixel for pixel).
    public static func encode(_ image: RGBImage) -> [UInt8] {
        let w = image.width, h = image.height
        var regs = [Int](repeating: 0, count: w * h)
        var used = [Bool](repeating: false, count: 216)
        for i in 0..<(w * h) {
            let r = register(image.pixels[i * 3], image.pixels[i * 3 + 1], image.pixels[i * 3 + 2])
            regs[i] = r
            used[r] = true
        }
        var out = Array("\u{1B}P0;1;0q\"1;1;\(w);\(h)".utf8)
        for r in 0..<216 where used[r] {
            let (cr, cg, cb) = (r / 36, (r / 6) % 6, r % 6)
            out += Array("#\(r);2;\(cr * 20);\(cg * 20);\(cb * 20)".utf8)
        }
        var band = 0
        while band < h {
            let rows = min(6, h - band)
            var colors = Set<Int>()
            for y in band..<(band + rows) { for x in 0..<w { colors.insert(regs[y * w + x]) } }
            for (n, color) in colors.sorted().enumerated() {
                if n > 0 { out.append(UInt8(ascii: "$")) }
                out += Array("#\(color)".utf8)
                var run: UInt8 = 0
                var count = 0
                func flush() {
                    guard count > 0 else { return }
                    if count > 3 { out += Array("!\(count)".utf8); out.append(run) } else { out += [UInt8](repeating: run, count: count) }
                }
                for x in 0..<w {
                    var bits = 0
                    for dy in 0..<rows where regs[(band + dy) * w + x] == color { bits |= 1 << dy }
                    let sixel = UInt8(63 + bits)
                    if sixel == run { count += 1 } else {
                        flush()
                        run = sixel
                        count = 1
                    }
                }
                flush()
            }
            out.append(UInt8(ascii: "-"))
            band += 6
        }
        out += Array("\u{1B}\\".utf8)
        return out
    }

    /// The bytes that draw `current` placements (each scaled to its cells at `cell` pixels per cell, aspect
    /// kept): nothing when they are unchanged. Sixels are part of the text: cells drawn over them take them
    /// away, so there is nothing to delete.
    public static func update(from previous: [ImagePlacement], to current: [ImagePlacement], cell: (width: Int, height: Int)) -> [UInt8] {
        guard previous != current else { return [] }
        var out: [UInt8] = []
        for p in current where p.columns > 0 && p.rows > 0 {
            let boxW = p.columns * cell.width, boxH = p.rows * cell.height
            let scale = min(Double(boxW) / Double(p.image.width), Double(boxH) / Double(p.image.height))
            let w = max(1, Int(Double(p.image.width) * scale)), h = max(1, Int(Double(p.image.height) * scale))
            out += Array("\u{1B}7\u{1B}[\(p.y + 1);\(p.x + 1)H".utf8)
            out += encode(scaled(p.image, width: w, height: h))
            out += Array("\u{1B}8".utf8)
        }
        return out
    }
}
