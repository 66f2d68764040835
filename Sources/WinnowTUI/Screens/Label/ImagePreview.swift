import Foundation

/// The item's image as cells: decoded once per file, rendered again only when the item or the size
/// changes.
final class ImagePreview {
    var colorMode: ColorMode
    /// With a graphics protocol, the preview also carries the image itself, decoded at up to
    /// `fullSize` pixels a side, for the terminal to draw over the half blocks.
    var graphics: GraphicsProtocol = .none {
        didSet { if graphics != oldValue { decoded = nil; renderedFor = nil } }
    }
    static let fullSize = 1024
    private var renderedFor: (path: String, width: Int, height: Int)?
    private var rendered: Grid?
    private var decoded: (path: String, image: RGBImage?)?

    init(colorMode: ColorMode) { self.colorMode = colorMode }

    /// The preview of the image at `path` (nil: no image, or it cannot be decoded) for a terminal of
    /// `width` × `height`.
    func preview(path: String?, width: Int, height: Int) -> Grid? {
        guard let path else {
            renderedFor = nil
            return nil
        }
        if let key = renderedFor, key.path == path, key.width == width, key.height == height { return rendered }
        renderedFor = (path, width, height)
        if decoded?.path != path {
            let side = graphics == .none ? (240, 160) : (Self.fullSize, Self.fullSize)
            decoded = (path, try? ImageDecoder().decode(path: path, targetWidth: side.0, targetHeight: side.1))
        }
        guard let image = decoded?.image else {
            rendered = nil
            return nil
        }
        let columns = max(1, LabelScreen.rightPaneWidth(totalWidth: width) - 2)
        let rows = LabelScreen.previewRows(totalHeight: height)
        var grid = HalfBlockRenderer.render(image, maxColumns: columns, maxRows: rows, colorMode: colorMode)
        if graphics != .none, grid.width > 0, grid.height > 0 {
            grid.images = [ImagePlacement(x: 0, y: 0, columns: grid.width, rows: grid.height, source: path, image: image)]
        }
        rendered = grid
        return rendered
    }

    /// Forgets the rendering (the colour mode changed).
    func invalidate() { renderedFor = nil }
}
