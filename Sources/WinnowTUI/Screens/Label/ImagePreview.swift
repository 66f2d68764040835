import Foundation

/// The item's image as cells: decoded once per file, rendered again only when the item or the size
/// changes.
final class ImagePreview {
    var colorMode: ColorMode
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
            decoded = (path, try? ImageDecoder().decode(path: path, targetWidth: 240, targetHeight: 160))
        }
        guard let image = decoded?.image else {
            rendered = nil
            return nil
        }
        let columns = max(1, LabelScreen.rightPaneWidth(totalWidth: width) - 2)
        let rows = LabelScreen.previewRows(totalHeight: height)
        rendered = HalfBlockRenderer.render(image, maxColumns: columns, maxRows: rows, colorMode: colorMode)
        return rendered
    }

    /// Forgets the rendering (the colour mode changed).
    func invalidate() { renderedFor = nil }
}
