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
            nameOfId[CaptionIndex.idText(id)] = (name as NSString).lastPathComponent
        }
        imageCount = images.count
        for (i, annotation) in annotations.enumerated() {
            guard let o = annotation.objectValue, let imageId = o["image_id"], let caption = o["caption"]?.stringValue else {
                throw ImportError(file: path, field: "annotations[\(i)]", message: "expected an object with \"image_id\" and a string \"caption\"")
            }
            let idText = CaptionIndex.idText(imageId)
            let text = caption.trimmingCharacters(in: .whitespacesAndNewlines)
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
        let name = (path as NSString).lastPathComponent
        if let found = byName[name] { return found }
        if let number = CaptionIndex.number(inName: name), let found = byNumber[number] { return found }
        return []
    }

    /// The last run of digits in a file name without its extension: COCO's image id.
    static func number(inName name: String) -> Int? {
        let stem = (name as NSString).deletingPathExtension
        var digits = ""
        for ch in stem.reversed() {
            if ch.isASCII, ch.isNumber { digits.insert(ch, at: digits.startIndex) } else if !digits.isEmpty { break }
        }
        return digits.isEmpty ? nil : Int(digits)
    }
}
