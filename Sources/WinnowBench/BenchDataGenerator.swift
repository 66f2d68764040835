import Foundation
import WinnowCore

/// Writes a synthetic LLaVA-Instruct-158k-like data set for `winnow bench`, from `SyntheticGenerator`: one
/// JSON list (indented like the sample files) mixing the three kinds of llava_instruct_150k.json without a
/// `type` field — multi-turn conversations (~36%), one detailed description (~15%) and one
/// complex-reasoning answer (~49%) — with lengths like the real set (about 1.45 KB a record), about 1%
/// repeated ids, some CJK, Arabic and emoji text and a few `\u` escapes; plus a COCO-style captions file
/// (five captions per image, `COCO_train2014_…` names, matched to the records by number).
///
/// Each record has a latent quality and its answers the generator's defects, so `truth(recordIndex:)`
/// gives the scores an expert would give (the bench's labels). Deterministic: the same item count and
/// seed give the same bytes on every machine. Streams to disk, so memory stays small whatever the size.
public struct BenchDataGenerator: Sendable {
    public struct Dataset: Sendable, Equatable {
        public var dataPath: String
        public var captionsPath: String
        public var records: Int
        public var bytes: Int
        public var captionBytes: Int
        public var repeatedIds: Int
        public var images: Int
    }

    public static let defaultSeed: UInt64 = 158
    let generator: SyntheticGenerator

    public init(seed: UInt64 = BenchDataGenerator.defaultSeed) {
        generator = SyntheticGenerator(seed: seed, confounds: .none)
    }

    public static func generate(items: Int, folder: String, seed: UInt64 = BenchDataGenerator.defaultSeed) throws -> Dataset {
        try BenchDataGenerator(seed: seed).write(items: items, folder: folder)
    }

    enum Kind { case conversation, detail, reasoning }

    /// One record: its image number, turns, whether its JSON escapes non-ASCII, and its defects.
    struct Record {
        var image: Int
        var repeated: Bool
        var turns: [(String, String)]
        var escapes: Bool
        var defects: SyntheticGenerator.Defects
    }

    /// The image of record `index` before repeats: unique per record.
    func baseImage(_ index: Int) -> Int {
        var r = generator.stream(.image, index)
        return 9 + index * 3 + r.int(3)
    }

    /// Record `index`'s image: ~1% of records reuse an earlier record's (the real set has the same image
    /// under several kinds).
    func image(_ index: Int) -> (image: Int, repeated: Bool) {
        var index = index
        var repeated = false
        while index > 0 {
            var r = generator.stream(.record, index, 1)
            guard r.int(100) == 0 else { break }
            repeated = true
            index = r.int(index)
        }
        return (baseImage(index), repeated)
    }

    func record(_ index: Int) -> Record {
        let (imageId, repeated) = image(index)
        let scene = generator.scene(image: imageId)
        var r = generator.stream(.record, index)
        let roll = r.int(100)
        let kind: Kind = roll < 36 ? .conversation : (roll < 51 ? .detail : .reasoning)
        let script = r.int(100)
        var style = SyntheticGenerator.Style()
        style.language = script < 2 ? .cjk : (script < 3 ? .arabic : .latin)
        let emoji = r.int(40) == 0
        // A record written with `\u` escapes has something to escape.
        let escapes = r.int(200) == 0
        style.emoji = emoji || escapes
        let q = r.uniform()
        var turns: [(String, String)] = []
        var defects: SyntheticGenerator.Defects?
        func add(_ question: SyntheticGenerator.Question, words: Int, first: Bool) {
            style.minimumWords = words
            let (text, d) = generator.answer(question, in: scene, quality: q, style: style, &r)
            if defects == nil { defects = d } else { defects!.merge(d) }
            var asked = question.text
            if style.language == .cjk, r.chance(0.3) { asked = r.pick(Vocabulary.cjk) + "这是什么？" + " " + asked }
            if style.language == .arabic, r.chance(0.3) { asked = r.pick(Vocabulary.arabic) + " ماذا ترى؟" + " " + asked }
            turns.append(("human", first ? (r.chance(0.5) ? "<image>\n" + asked : asked + "\n<image>") : asked))
            turns.append(("gpt", text))
        }
        switch kind {
        case .conversation:
            let rounds = 2 + r.int(5)  // 2–6 question/answer pairs
            for round in 0..<rounds {
                let asked = generator.question(r.pick([.count, .color, .place]), in: scene, &r)
                add(asked, words: 25 + r.int(54), first: round == 0)
            }
        case .detail:
            add(generator.question(.describe, in: scene, &r), words: 105 + r.int(106), first: true)
        case .reasoning:
            add(generator.question(r.pick(SyntheticGenerator.QuestionKind.allCases), in: scene, &r), words: 118 + r.int(124), first: true)
        }
        return Record(image: imageId, repeated: repeated, turns: turns, escapes: escapes, defects: defects ?? .init())
    }

    /// The scores an expert would give record `index` (an item's `recordIndex`) under `rubric`.
    public func truth(recordIndex: Int, rubric: Rubric) -> [String: ScoreValue] {
        SyntheticGenerator.scores(record(recordIndex).defects, rubric: rubric)
    }

    func write(items: Int, folder: String) throws -> Dataset {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let dataPath = (folder as NSString).appendingPathComponent("llava_instruct_bench.json")
        let captionsPath = (folder as NSString).appendingPathComponent("captions_bench.json")
        let data = try BufferedFile(path: dataPath)
        var repeated = 0
        data.write("[\n")
        for index in 0..<items {
            let record = record(index)
            if record.repeated { repeated += 1 }
            let id = Self.pad12(record.image)
            data.write("  {\n    \"id\": \"\(id)\",\n    \"image\": \"\(id).jpg\",\n    \"conversations\": [\n")
            for (t, turn) in record.turns.enumerated() {
                data.write("      {\n        \"from\": \"\(turn.0)\",\n        \"value\": \"")
                data.writeJSONStringBody(turn.1, asciiEscapes: record.escapes)
                data.write(t + 1 < record.turns.count ? "\"\n      },\n" : "\"\n      }\n")
            }
            data.write(index + 1 < items ? "    ]\n  },\n" : "    ]\n  }\n")
        }
        data.write("]\n")
        let bytes = try data.close()

        // COCO captions: images[] and annotations[] (five captions an image), for every record's own image.
        let captions = try BufferedFile(path: captionsPath)
        captions.write("{\"info\": {\"description\": \"winnow bench captions (synthetic)\"}, \"images\": [")
        for index in 0..<items {
            let imageId = baseImage(index)
            captions.write(index == 0 ? "" : ", ")
            captions.write("{\"id\": \(imageId), \"file_name\": \"COCO_train2014_\(Self.pad12(imageId)).jpg\", \"height\": 480, \"width\": 640}")
        }
        captions.write("], \"annotations\": [")
        var annotation = 0
        for index in 0..<items {
            let imageId = baseImage(index)
            for caption in generator.scene(image: imageId, captionCount: 5).captions {
                captions.write(annotation == 0 ? "" : ", ")
                annotation += 1
                captions.write("{\"image_id\": \(imageId), \"id\": \(annotation), \"caption\": \"")
                captions.writeJSONStringBody(caption, asciiEscapes: false)
                captions.write("\"}")
            }
        }
        captions.write("]}\n")
        let captionBytes = try captions.close()
        return Dataset(dataPath: dataPath, captionsPath: captionsPath, records: items, bytes: bytes, captionBytes: captionBytes,
                       repeatedIds: repeated, images: items - repeated)
    }

    static func pad12(_ n: Int) -> String {
        let s = String(n)
        return s.count >= 12 ? s : String(repeating: "0", count: 12 - s.count) + s
    }
}

/// A write-only file with a 1 MB buffer.
final class BufferedFile {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var written = 0

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        buffer.reserveCapacity(1 << 20 + 4096)
    }

    func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        flushIfFull()
    }

    /// `s` as the inside of a JSON string; with `asciiEscapes`, non-ASCII as `\uXXXX` (surrogate pairs above the BMP).
    func writeJSONStringBody(_ s: String, asciiEscapes: Bool) {
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": buffer.append(contentsOf: [0x5C, 0x22])
            case "\\": buffer.append(contentsOf: [0x5C, 0x5C])
            case "\n": buffer.append(contentsOf: [0x5C, 0x6E])
            default:
                if scalar.value < 0x20 || (asciiEscapes && scalar.value > 0x7E) {
                    if scalar.value > 0xFFFF {
                        let v = scalar.value - 0x10000
                        hex4(0xD800 + (v >> 10))
                        hex4(0xDC00 + (v & 0x3FF))
                    } else {
                        hex4(scalar.value)
                    }
                } else {
                    buffer.append(contentsOf: String(scalar).utf8)
                }
            }
        }
        flushIfFull()
    }

    private func hex4(_ v: UInt32) {
        let digits = Array("0123456789abcdef".utf8)
        buffer.append(contentsOf: [0x5C, 0x75, digits[Int(v >> 12 & 0xF)], digits[Int(v >> 8 & 0xF)], digits[Int(v >> 4 & 0xF)], digits[Int(v & 0xF)]])
    }

    private func flushIfFull() {
        if buffer.count >= 1 << 20 { flush() }
    }

    private func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes; returns the bytes written.
    func close() throws -> Int {
        flush()
        try handle.close()
        return written
    }
}
