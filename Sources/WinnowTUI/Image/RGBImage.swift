/// A decoded image: 8-bit RGB pixels, row-major, no padding.
///
/// Guarantees `pixels.count == width * height * 3` and both sides >= 1: the
/// initializer refuses anything else, so renderers can index without checks.
public struct RGBImage: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public let pixels: [UInt8]
    /// Size of the image in its file; larger than `width` × `height` when the
    /// decoder produced a reduced-size preview.
    public let originalWidth: Int
    public let originalHeight: Int

    /// Nil when the sizes are not positive or `pixels` has the wrong length.
    public init?(
        width: Int, height: Int, pixels: [UInt8],
        originalWidth: Int? = nil, originalHeight: Int? = nil
    ) {
        guard width >= 1, height >= 1,
            width.multipliedReportingOverflow(by: height).overflow == false,
            pixels.count == width * height * 3
        else { return nil }
        self.width = width
        self.height = height
        self.pixels = pixels
        self.originalWidth = max(width, originalWidth ?? width)
        self.originalHeight = max(height, originalHeight ?? height)
    }

    /// The pixel at (x, y), or nil outside the image.
    public func pixel(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8)? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        let index = (y * width + x) * 3
        return (pixels[index], pixels[index + 1], pixels[index + 2])
    }
}
