/// Why an image could not be decoded, with the file it came from.
///
/// Every failure of `ImageDecoder` is one of these values; decoding never
/// traps or exits, whatever the file contains.
public struct ImageDecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        /// No file at the path.
        case fileNotFound
        /// The file exists but cannot be read (permissions, a directory, I/O).
        case unreadable(String)
        /// The file is not a JPEG or PNG, nor a format we recognise.
        case notAnImage
        /// A recognised image format that is not supported (GIF, WebP, CMYK JPEG…).
        case unsupportedFormat(String)
        /// The data is truncated or damaged; the decoder's message.
        case corrupt(String)
        /// The image is larger than the decoder accepts.
        case tooLarge(width: Int, height: Int)
        /// The pixel buffer could not be allocated.
        case outOfMemory
    }

    public let path: String
    public let reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .fileNotFound: return "\(path): file not found"
        case .unreadable(let detail): return "\(path): cannot read file (\(detail))"
        case .notAnImage: return "\(path): not a JPEG or PNG image"
        case .unsupportedFormat(let format): return "\(path): unsupported image format (\(format))"
        case .corrupt(let detail): return "\(path): corrupt image (\(detail))"
        case .tooLarge(let width, let height): return "\(path): image too large (\(width)×\(height))"
        case .outOfMemory: return "\(path): not enough memory to decode image"
        }
    }
}
