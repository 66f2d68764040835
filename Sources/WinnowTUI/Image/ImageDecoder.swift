import CImageCodecs

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Decodes JPEG (libjpeg-turbo) and PNG (libpng) files to `RGBImage`.
///
/// Guarantees: a failure is always a typed `ImageDecodeError` carrying the
/// path and reason, never a crash or exit (libjpeg's error exit is redirected
/// in the C shim); images larger than `maxSide` on a side or `maxPixels` in
/// total are refused before their pixel buffer is allocated. Transparent PNG
/// pixels are composited onto `alphaBackground`.
public struct ImageDecoder: Sendable {
    public var maxSide: Int
    public var maxPixels: Int
    public var alphaBackground: (red: UInt8, green: UInt8, blue: UInt8)

    public init(
        maxSide: Int = 20_000,
        maxPixels: Int = 60_000_000,
        alphaBackground: (red: UInt8, green: UInt8, blue: UInt8) = (255, 255, 255)
    ) {
        self.maxSide = maxSide
        self.maxPixels = maxPixels
        self.alphaBackground = alphaBackground
    }

    /// Decodes the file at `path` with the default limits.
    public static func decode(path: String) throws(ImageDecodeError) -> RGBImage {
        try ImageDecoder().decode(path: path)
    }

    /// Decodes the file at `path`. When `targetWidth` and `targetHeight` are
    /// given, a JPEG may be decoded at a reduced size (1/2, 1/4 or 1/8) that
    /// still covers the target, which is much faster for previews; the result's
    /// `originalWidth`/`originalHeight` keep the file's size.
    public func decode(
        path: String, targetWidth: Int = 0, targetHeight: Int = 0
    ) throws(ImageDecodeError) -> RGBImage {
        switch try sniffFormat(path: path) {
        case .jpeg:
            return try decodeJPEG(path: path, targetWidth: targetWidth, targetHeight: targetHeight)
        case .png:
            return try decodePNG(path: path)
        }
    }

    private enum Format { case jpeg, png }

    private func sniffFormat(path: String) throws(ImageDecodeError) -> Format {
        var info = stat()
        if stat(path, &info) != 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                throw ImageDecodeError(path: path, reason: .fileNotFound)
            }
            throw ImageDecodeError(path: path, reason: .unreadable(systemMessage(code)))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw ImageDecodeError(path: path, reason: .unreadable("is a directory"))
        }
        guard let file = fopen(path, "rb") else {
            throw ImageDecodeError(path: path, reason: .unreadable(systemMessage(errno)))
        }
        var header = [UInt8](repeating: 0, count: 12)
        let count = header.withUnsafeMutableBytes { fread($0.baseAddress, 1, 12, file) }
        fclose(file)
        let bytes = Array(header.prefix(count))

        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: Array("GIF8".utf8)) {
            throw ImageDecodeError(path: path, reason: .unsupportedFormat("GIF"))
        }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)),
            Array(bytes[8..<12]) == Array("WEBP".utf8)
        {
            throw ImageDecodeError(path: path, reason: .unsupportedFormat("WebP"))
        }
        if bytes.starts(with: Array("BM".utf8)) {
            throw ImageDecodeError(path: path, reason: .unsupportedFormat("BMP"))
        }
        throw ImageDecodeError(path: path, reason: .notAnImage)
    }

    private func decodeJPEG(
        path: String, targetWidth: Int, targetHeight: Int
    ) throws(ImageDecodeError) -> RGBImage {
        var originalWidth: Int32 = 0
        var originalHeight: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        var pixels: UnsafeMutablePointer<UInt8>? = nil
        var width: Int32 = 0
        var height: Int32 = 0
        let code = winnow_decode_jpeg(
            path, targetWidth, targetHeight, maxSide, Int64(maxPixels), &pixels, &width, &height,
            &originalWidth, &originalHeight, &message, message.count)
        try check(code, path: path, message: message, width: Int(width), height: Int(height))
        return try makeImage(
            path: path, pixels: pixels, width: Int(width), height: Int(height),
            originalWidth: originalWidth > 0 ? Int(originalWidth) : nil,
            originalHeight: originalHeight > 0 ? Int(originalHeight) : nil)
    }

    private func decodePNG(path: String) throws(ImageDecodeError) -> RGBImage {
        var message = [CChar](repeating: 0, count: 256)
        var pixels: UnsafeMutablePointer<UInt8>? = nil
        var width: Int32 = 0
        var height: Int32 = 0
        let code = winnow_decode_png(
            path, maxSide, Int64(maxPixels),
            alphaBackground.red, alphaBackground.green, alphaBackground.blue,
            &pixels, &width, &height, &message, message.count)
        try check(code, path: path, message: message, width: Int(width), height: Int(height))
        return try makeImage(
            path: path, pixels: pixels, width: Int(width), height: Int(height),
            originalWidth: nil, originalHeight: nil)
    }

    private func check(
        _ code: Int32, path: String, message: [CChar], width: Int, height: Int
    ) throws(ImageDecodeError) {
        let detail = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch code {
        case Int32(WINNOW_IMAGE_OK):
            return
        case Int32(WINNOW_IMAGE_CANNOT_OPEN):
            throw ImageDecodeError(path: path, reason: .unreadable(systemMessage(errno)))
        case Int32(WINNOW_IMAGE_TOO_LARGE):
            throw ImageDecodeError(path: path, reason: .tooLarge(width: width, height: height))
        case Int32(WINNOW_IMAGE_OUT_OF_MEMORY):
            throw ImageDecodeError(path: path, reason: .outOfMemory)
        case Int32(WINNOW_IMAGE_UNSUPPORTED):
            throw ImageDecodeError(path: path, reason: .unsupportedFormat(detail))
        default:
            throw ImageDecodeError(path: path, reason: .corrupt(detail.isEmpty ? "unreadable image data" : detail))
        }
    }

    private func makeImage(
        path: String, pixels: UnsafeMutablePointer<UInt8>?, width: Int, height: Int,
        originalWidth: Int?, originalHeight: Int?
    ) throws(ImageDecodeError) -> RGBImage {
        defer { winnow_free_pixels(pixels) }
        guard let pixels, width > 0, height > 0 else {
            throw ImageDecodeError(path: path, reason: .corrupt("decoder returned no pixels"))
        }
        let buffer = Array(UnsafeBufferPointer(start: pixels, count: width * height * 3))
        guard
            let image = RGBImage(
                width: width, height: height, pixels: buffer,
                originalWidth: originalWidth, originalHeight: originalHeight)
        else {
            throw ImageDecodeError(path: path, reason: .corrupt("inconsistent pixel buffer"))
        }
        return image
    }

    private func systemMessage(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
