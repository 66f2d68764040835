import Foundation

/// Captions from a COCO captions file (`images[].file_name`, `annotations[].image_id/caption`), looked
/// up by a record's image: by base name first, then by the number in the name, so
/// `COCO_val2014_000000525439.jpg` and `000000525439.jpg` find the same captions.
public struct CaptionIndex: Sendable {
    private var byName: [String: [String]] = [:]
    private var byNumber: [Int: [String]] = [:]
    public private(set) var imageCount = 0

    public init() {}

    public init(path: String) throws(ImportError) {
        let reader = try RecordReader(path: path)
        guard reader.container == .lines || reader.data.first(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }) == UInt8(ascii: "{") else {
            throw ImportError(file: path, line: 1, column: 1, message: "not a COCO captions file: expected an object with \"images\" and \"annotations\"")
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(reader.data)
        } catch {
            throw reader.error(at: error.offset, field: error.path, error.message)
        }
        guard let object = document.objectValue else {
            throw ImportError(file: path, message: "not a COCO captions file: expected an object")
        }
        guard let images = object["images"]?.arrayValue else {
            throw ImportError(file: path, field: "images", message: "missing or not a list")
        }
        guard let annotations = object["annotations"]?.arrayValue else {
            throw ImportError(file: path, field: "annotations", message: "missing or not a list")
        }
        var nameOfId: [String: String] = [:]
        for (i, image) in images.enumerated() {
            guard let o = image.objectValue, let id = o["id"], let name = o["file_name"]?.stringValue else {
                throw ImportError(file: path, field: "images[\(i)]", message: "expected an object with \"id\" and \"file_name\"")
            }
            nameOfId[CaptionIndex.idText(id)] = CaptionIndex.baseName(name)
        }
        imageCount = images.count
        for (i, annotation) in annotations.enumerated() {
            guard let o = annotation.objectValue, let imageId = o["image_id"], let caption = o["caption"]?.stringValue else {
                throw ImportError(file: path, field: "annotations[\(i)]", message: "expected an object with \"image_id\" and a string \"caption\"")
            }
            let idText = CaptionIndex.idText(imageId)
            let text = trimmingWhitespace(caption)
            if let name = nameOfId[idText] { byName[name, default: []].append(text) }
            if let number = Int(idText) { byNumber[number, default: []].append(text) }
        }
    }

    private static func idText(_ value: JSONValue) -> String {
        switch value {
        case .number(let text): return text
        case .string(let s): return s
        default: return value.serialized()
        }
    }

    /// All captions of the image at `path` (any folder), in file order; empty when none match.
    public func captions(forImage path: String) -> [String] {
        let name = CaptionIndex.baseName(path)
        if let found = byName[name] { return found }
        if let number = CaptionIndex.number(inName: name), let found = byNumber[number] { return found }
        return []
    }

    /// The last run of digits in a file name without its extension: COCO's image id. (On bytes: this runs
    /// once per imported record.)
    static func number(inName name: String) -> Int? {
        let bytes = Array(name.utf8)
        // Without the extension: up to the last dot that is not the first character (as NSString did).
        var end = bytes.count
        if let dot = bytes.lastIndex(of: UInt8(ascii: ".")), dot > 0 { end = dot }
        var start = end
        var found = false
        var i = end
        while i > 0 {
            i -= 1
            let isDigit = bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9")
            if isDigit {
                if !found { end = i + 1 }
                found = true
                start = i
            } else if found {
                break
            }
        }
        guard found else { return nil }
        return Int(String(decoding: bytes[start..<end], as: UTF8.self))
    }

    /// The last component of a path (after the last "/"), as `NSString.lastPathComponent` gives for file
    /// paths, without bridging.
    static func baseName(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/"), trimmed.count > 1 else { return String(trimmed) }
        return String(trimmed[trimmed.index(after: slash)...])
    }
}
