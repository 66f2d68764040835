import Crypto
import Foundation

/// An item's content hash (`item.content_hash`): what importing the same file again compares, so that an
/// unchanged record adds nothing and a changed one is an error naming its key. It covers the item's stored
/// texts (image, captions, turns, fields, each followed by a zero byte) and its record's original bytes:
///
/// - an item that is a whole record hashes the bytes themselves (`whole`);
/// - an item of a record that gives several (candidates, question sets) hashes the record's SHA-256 instead
///   (`sharing`), computed once per record: hashing the bytes again for each of 10,000 candidates made an
///   import's cost grow with the square of the record.
enum ItemContentHash {
    static func whole(image: String?, captionsJSON: String, turnsJSON: String, fieldsJSON: String, original: UnsafeRawBufferPointer) -> String {
        var hasher = texts(image: image, captionsJSON: captionsJSON, turnsJSON: turnsJSON, fieldsJSON: fieldsJSON)
        hasher.update(bufferPointer: original)
        return hexDigits(hasher.finalize().prefix(16))
    }

    static func sharing(image: String?, captionsJSON: String, turnsJSON: String, fieldsJSON: String, recordDigest: [UInt8]) -> String {
        var hasher = texts(image: image, captionsJSON: captionsJSON, turnsJSON: turnsJSON, fieldsJSON: fieldsJSON)
        hasher.update(data: [1] + recordDigest)
        return hexDigits(hasher.finalize().prefix(16))
    }

    /// The SHA-256 of a record's original bytes, for `sharing`.
    static func recordDigest(_ original: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bufferPointer: original)
        return Array(hasher.finalize())
    }

    static func recordDigest(_ original: Data) -> [UInt8] { original.withUnsafeBytes { recordDigest($0) } }

    private static func texts(image: String?, captionsJSON: String, turnsJSON: String, fieldsJSON: String) -> SHA256 {
        var hasher = SHA256()
        for var part in [image ?? "", captionsJSON, turnsJSON, fieldsJSON] {
            part.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            zero.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
        return hasher
    }

    private static let zero: [UInt8] = [0]
}
