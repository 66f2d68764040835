/// Renders an image into cells using the upper half block `▀` (U+2580):
/// each cell shows two vertically stacked pixels, the top one as the
/// foreground colour and the bottom one as the background colour.
///
/// Guarantees: the result is never larger than `maxColumns` × `maxRows`, keeps
/// the image's aspect ratio (a terminal cell is about twice as tall as wide,
/// so one cell of two half-pixels is square), is never upscaled, and each cell
/// is the area average of the source pixels it covers. With `.none` colour it
/// is a box of the same size labelled with the image size, so layouts do not
/// change with the terminal's colour support.
public enum HalfBlockRenderer {
    /// The size in cells an image takes when fitted into the given space.
    public static func fittedSize(
        imageWidth: Int, imageHeight: Int, maxColumns: Int, maxRows: Int
    ) -> (columns: Int, rows: Int) {
        let pixels = fittedPixels(
            imageWidth: imageWidth, imageHeight: imageHeight, maxColumns: maxColumns, maxRows: maxRows)
        return (pixels.width, (pixels.height + 1) / 2)
    }

    /// `image` rendered into at most `maxColumns` × `maxRows` cells. `label`
    /// replaces the size text of the `.none` placeholder.
    public static func render(
        _ image: RGBImage, maxColumns: Int, maxRows: Int, colorMode: ColorMode, label: String? = nil
    ) -> Grid {
        let target = fittedPixels(
            imageWidth: image.width, imageHeight: image.height, maxColumns: maxColumns, maxRows: maxRows)
        guard target.width > 0, target.height > 0 else { return Grid(width: 0, height: 0) }
        let rows = (target.height + 1) / 2
        if colorMode == .none {
            return placeholder(
                columns: target.width, rows: rows,
                label: label ?? "image \(image.originalWidth)×\(image.originalHeight)")
        }
        let scaled = downscale(image, width: target.width, height: target.height)
        var grid = Grid(width: target.width, height: rows)
        if colorMode == .shades {
            // Monochrome: each cell one grey level of its two pixels (Rec. 601 luma), as a shade glyph.
            for row in 0..<rows {
                for column in 0..<target.width {
                    var luma = 0.0
                    var n = 0.0
                    for y in [row * 2, row * 2 + 1] where y < target.height {
                        let i = (y * target.width + column) * 3
                        luma += 0.299 * Double(scaled[i]) + 0.587 * Double(scaled[i + 1]) + 0.114 * Double(scaled[i + 2])
                        n += 1
                    }
                    let level = min(4, Int((luma / n / 256 * 5).rounded(.down)))
                    grid.set(Cell(Self.shades[level], style: .plain), x: column, y: row)
                }
            }
            return grid
        }
        for row in 0..<rows {
            for column in 0..<target.width {
                let top = color(scaled, width: target.width, x: column, y: row * 2, mode: colorMode)
                let bottom =
                    row * 2 + 1 < target.height
                    ? color(scaled, width: target.width, x: column, y: row * 2 + 1, mode: colorMode) : .default
                grid.set(
                    Cell("\u{2580}", style: CellStyle(foreground: top, background: bottom)),
                    x: column, y: row)
            }
        }
        return grid
    }

    /// Dark to light.
    static let shades: [Character] = [" ", "░", "▒", "▓", "█"]

    /// Pixel size of the fitted image: one pixel per column, two per row.
    private static func fittedPixels(
        imageWidth: Int, imageHeight: Int, maxColumns: Int, maxRows: Int
    ) -> (width: Int, height: Int) {
        guard imageWidth > 0, imageHeight > 0, maxColumns > 0, maxRows > 0 else { return (0, 0) }
        let maxPixelRows = maxRows * 2
        let scale = min(1.0, Double(maxColumns) / Double(imageWidth), Double(maxPixelRows) / Double(imageHeight))
        let width = min(maxColumns, max(1, Int((Double(imageWidth) * scale).rounded())))
        let height = min(maxPixelRows, max(1, Int((Double(imageHeight) * scale).rounded())))
        return (width, height)
    }

    /// Area-average downscale: each target pixel is the mean of the block of
    /// source pixels it covers (at least one source pixel).
    private static func downscale(_ image: RGBImage, width: Int, height: Int) -> [UInt8] {
        if width == image.width && height == image.height { return image.pixels }
        let columnStarts = (0...width).map { $0 * image.width / width }
        let rowStarts = (0...height).map { $0 * image.height / height }
        var result = [UInt8](repeating: 0, count: width * height * 3)
        image.pixels.withUnsafeBufferPointer { source in
            for targetY in 0..<height {
                let y0 = rowStarts[targetY]
                let y1 = max(y0 + 1, rowStarts[targetY + 1])
                for targetX in 0..<width {
                    let x0 = columnStarts[targetX]
                    let x1 = max(x0 + 1, columnStarts[targetX + 1])
                    var red = 0
                    var green = 0
                    var blue = 0
                    for y in y0..<y1 {
                        var index = (y * image.width + x0) * 3
                        for _ in x0..<x1 {
                            red += Int(source[index])
                            green += Int(source[index + 1])
                            blue += Int(source[index + 2])
                            index += 3
                        }
                    }
                    let count = (y1 - y0) * (x1 - x0)
                    let target = (targetY * width + targetX) * 3
                    result[target] = UInt8((red + count / 2) / count)
                    result[target + 1] = UInt8((green + count / 2) / count)
                    result[target + 2] = UInt8((blue + count / 2) / count)
                }
            }
        }
        return result
    }

    private static func color(
        _ pixels: [UInt8], width: Int, x: Int, y: Int, mode: ColorMode
    ) -> TerminalColor {
        let index = (y * width + x) * 3
        let red = pixels[index]
        let green = pixels[index + 1]
        let blue = pixels[index + 2]
        switch mode {
        case .trueColor, .none, .shades:
            return .rgb(red, green, blue)
        case .palette256:
            return .palette(XtermPalette.nearestIndex(red: red, green: green, blue: blue))
        }
    }

    /// A box of `columns` × `rows` cells with `label` centred in it; just the
    /// (clipped) label when the space is too small for a box.
    private static func placeholder(columns: Int, rows: Int, label: String) -> Grid {
        var grid = Grid(width: columns, height: rows)
        guard rows >= 3, columns >= 2 else {
            grid.put(label, x: 0, y: rows / 2)
            return grid
        }
        let horizontal = String(repeating: "─", count: columns - 2)
        grid.put("┌" + horizontal + "┐", x: 0, y: 0)
        grid.put("└" + horizontal + "┘", x: 0, y: rows - 1)
        for row in 1..<(rows - 1) {
            grid.put("│", x: 0, y: row)
            grid.put("│", x: columns - 1, y: row)
        }
        let inner = columns - 2
        let labelWidth = min(inner, TextWidth.width(of: label))
        grid.put(label, x: 1 + (inner - labelWidth) / 2, y: rows / 2, maxWidth: inner)
        return grid
    }
}
