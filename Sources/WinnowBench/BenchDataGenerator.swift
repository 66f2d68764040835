import Foundation
import WinnowCore

/// Writes a synthetic LLaVA-Instruct-158k-like data set for `winnow bench`: one JSON list (indented like
/// the sample files) mixing the three kinds of llava_instruct_150k.json without a `type` field —
/// multi-turn conversations (~36%), one detailed description (~15%) and one complex-reasoning answer
/// (~49%) — with lengths like the real set (about 1.45 KB a record, ~230 MB at 158,000 records), about
/// 1% repeated ids, some CJK, Arabic and emoji text and a few `\u` escapes; plus a COCO-style captions
/// file (five captions per image, `COCO_train2014_…` names, matched to the records by number).
///
/// Deterministic: the same item count and seed give the same bytes on every machine. Streams to disk,
/// so memory stays small whatever the size.
public enum BenchDataGenerator {
    public struct Dataset: Sendable, Equatable {
        public var dataPath: String
        public var captionsPath: String
        public var records: Int
        public var bytes: Int
        public var captionBytes: Int
        public var repeatedIds: Int
        public var images: Int
    }

    public static func generate(items: Int, folder: String, seed: UInt64 = 158) throws -> Dataset {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let dataPath = (folder as NSString).appendingPathComponent("llava_instruct_bench.json")
        let captionsPath = (folder as NSString).appendingPathComponent("captions_bench.json")
        var rng = SeededGenerator(seed: seed)
        let data = try BufferedFile(path: dataPath)
        var imageIds: [Int] = []
        imageIds.reserveCapacity(items)
        var usedIds: [Int] = []
        usedIds.reserveCapacity(items)
        var repeated = 0
        var text = TextMaker()
        data.write("[\n")
        for index in 0..<items {
            // ~1% of records reuse an earlier image id (the real set has the same image under several kinds).
            let imageId: Int
            if !usedIds.isEmpty, rng.next() % 100 == 0 {
                imageId = usedIds[Int(rng.next() % UInt64(usedIds.count))]
                repeated += 1
            } else {
                imageId = 9 + index * 3 + Int(rng.next() % 3)
                usedIds.append(imageId)
                imageIds.append(imageId)
            }
            let id = pad12(imageId)
            let roll = rng.next() % 100
            let kind: Kind = roll < 36 ? .conversation : (roll < 51 ? .detail : .reasoning)
            let script = rng.next() % 100
            let language: Language = script < 2 ? .cjk : (script < 3 ? .arabic : .latin)
            let emoji = rng.next() % 40 == 0
            let escapes = rng.next() % 200 == 0
            var turns: [(String, String)] = []
            switch kind {
            case .conversation:
                let rounds = 2 + Int(rng.next() % 5)  // 2–6 question/answer pairs
                for r in 0..<rounds {
                    let q = text.question(&rng, words: 6 + Int(rng.next() % 10), language: language)
                    let a = text.sentences(&rng, words: 22 + Int(rng.next() % 48), language: language, emoji: emoji)
                    turns.append(("human", r == 0 ? imagePrefix(&rng, q) : q))
                    turns.append(("gpt", a))
                }
            case .detail:
                let q = text.detailPrompt(&rng)
                turns.append(("human", imagePrefix(&rng, q)))
                turns.append(("gpt", text.sentences(&rng, words: 95 + Int(rng.next() % 95), language: language, emoji: emoji)))
            case .reasoning:
                let q = text.question(&rng, words: 10 + Int(rng.next() % 16), language: language)
                turns.append(("human", imagePrefix(&rng, q)))
                turns.append(("gpt", text.sentences(&rng, words: 105 + Int(rng.next() % 110), language: language, emoji: emoji)))
            }
            data.write("  {\n    \"id\": \"\(id)\",\n    \"image\": \"\(id).jpg\",\n    \"conversations\": [\n")
            for (t, turn) in turns.enumerated() {
                data.write("      {\n        \"from\": \"\(turn.0)\",\n        \"value\": \"")
                data.writeJSONStringBody(turn.1, asciiEscapes: escapes)
                data.write(t + 1 < turns.count ? "\"\n      },\n" : "\"\n      }\n")
            }
            data.write(index + 1 < items ? "    ]\n  },\n" : "    ]\n  }\n")
        }
        data.write("]\n")
        let bytes = try data.close()

        // COCO captions: images[] and annotations[] (five captions an image).
        let captions = try BufferedFile(path: captionsPath)
        captions.write("{\"info\": {\"description\": \"winnow bench captions (synthetic)\"}, \"images\": [")
        for (i, imageId) in imageIds.enumerated() {
            captions.write(i == 0 ? "" : ", ")
            captions.write("{\"id\": \(imageId), \"file_name\": \"COCO_train2014_\(pad12(imageId)).jpg\", \"height\": 480, \"width\": 640}")
        }
        captions.write("], \"annotations\": [")
        var annotation = 0
        for imageId in imageIds {
            for _ in 0..<5 {
                captions.write(annotation == 0 ? "" : ", ")
                annotation += 1
                captions.write("{\"image_id\": \(imageId), \"id\": \(annotation), \"caption\": \"")
                captions.writeJSONStringBody(text.sentences(&rng, words: 8 + Int(rng.next() % 8), language: .latin, emoji: false, single: true), asciiEscapes: false)
                captions.write("\"}")
            }
        }
        captions.write("]}\n")
        let captionBytes = try captions.close()
        return Dataset(dataPath: dataPath, captionsPath: captionsPath, records: items, bytes: bytes, captionBytes: captionBytes,
                       repeatedIds: repeated, images: imageIds.count)
    }

    enum Kind { case conversation, detail, reasoning }
    enum Language { case latin, cjk, arabic }

    static func pad12(_ n: Int) -> String {
        let s = String(n)
        return s.count >= 12 ? s : String(repeating: "0", count: 12 - s.count) + s
    }

    static func imagePrefix(_ rng: inout SeededGenerator, _ q: String) -> String {
        rng.next() % 2 == 0 ? "<image>\n" + q : q + "\n<image>"
    }

    /// Sentences from a fixed vocabulary (deterministic), in roughly the register of LLaVA answers.
    struct TextMaker {
        static let nouns = ["man", "woman", "dog", "cat", "bus", "train", "table", "street", "umbrella", "kite", "bicycle",
                            "pizza", "plate", "window", "building", "tree", "sky", "car", "bench", "horse", "giraffe",
                            "elephant", "surfboard", "skateboard", "laptop", "kitchen", "refrigerator", "clock", "sign",
                            "traffic light", "boat", "beach", "field", "group of people", "child", "bowl", "sandwich",
                            "motorcycle", "airplane", "zebra", "couch", "television", "vase", "banana", "cake", "phone"]
        static let adjectives = ["red", "white", "large", "small", "wooden", "crowded", "quiet", "bright", "old", "modern",
                                 "green", "blue", "colorful", "busy", "sunny", "cloudy", "tall", "narrow", "open", "clean"]
        static let verbs = ["is standing near", "is sitting on", "is holding", "is looking at", "is parked beside",
                            "is placed on", "is walking along", "can be seen behind", "is next to", "is riding"]
        static let connectives = ["In addition,", "Moreover,", "This suggests that", "It is likely that", "Overall,",
                                  "For example,", "As a result,", "However,", "Notably,", "Considering the scene,"]
        static let questionStarts = ["What is the", "Where is the", "How many", "Why might the", "What color is the",
                                     "What can you infer about the", "Is there a", "What is happening with the",
                                     "What could be the purpose of the", "Describe the position of the"]
        static let detailPrompts = ["Describe the following image.", "What do you see happening in this image?",
                                    "Explain the visual content of the image in great detail.",
                                    "Can you elaborate on the elements of the picture provided?",
                                    "Write a detailed description of the given image.",
                                    "Analyze the image in a comprehensive and detailed manner."]
        static let cjk = ["图片中有一位男士站在公交车旁边。", "这张照片展示了一个繁忙的街道。", "画面里的狗正在草地上奔跑。",
                          "写真には赤い傘を持った女性が写っています。", "テーブルの上にピザが置かれています。", "하늘은 맑고 푸릅니다."]
        static let arabic = ["يظهر في الصورة رجل يقف بجانب الحافلة.", "الشارع مزدحم بالسيارات والناس.", "هناك كلب يجري على العشب الأخضر."]
        static let emoji = ["🙂", "☀️", "🚌", "🐶", "🍕", "👍🏽", "🇯🇵", "🌱"]

        mutating func question(_ rng: inout SeededGenerator, words: Int, language: Language) -> String {
            if language == .cjk, rng.next() % 2 == 0 { return Self.cjk[Int(rng.next() % UInt64(Self.cjk.count))] + "这是什么？" }
            if language == .arabic, rng.next() % 2 == 0 { return Self.arabic[Int(rng.next() % UInt64(Self.arabic.count))] + " ماذا ترى؟" }
            var s = pick(&rng, Self.questionStarts)
            var n = s.split(separator: " ").count
            while n < words {
                s += " " + (rng.next() % 3 == 0 ? pick(&rng, Self.adjectives) : pick(&rng, Self.nouns))
                n += 1
            }
            if rng.next() % 12 == 0 { s += " \"as shown\"" }
            return s + "?"
        }

        mutating func detailPrompt(_ rng: inout SeededGenerator) -> String { pick(&rng, Self.detailPrompts) }

        mutating func sentences(_ rng: inout SeededGenerator, words: Int, language: Language, emoji: Bool, single: Bool = false) -> String {
            var s = ""
            var n = 0
            var first = true
            while n < words {
                if !first { s += " " }
                if !single, language == .cjk, rng.next() % 3 == 0 {
                    s += pick(&rng, Self.cjk)
                    n += 8
                } else if !single, language == .arabic, rng.next() % 3 == 0 {
                    s += pick(&rng, Self.arabic)
                    n += 7
                } else {
                    let opener = !first && !single && rng.next() % 3 == 0 ? pick(&rng, Self.connectives) + " the " : "The "
                    let sentence = opener + pick(&rng, Self.adjectives) + " " + pick(&rng, Self.nouns) + " " + pick(&rng, Self.verbs)
                        + " the " + pick(&rng, Self.adjectives) + " " + pick(&rng, Self.nouns)
                    s += sentence
                    n += sentence.split(separator: " ").count
                    if !single, rng.next() % 4 == 0 {
                        let extra = ", while a " + pick(&rng, Self.nouns) + " " + pick(&rng, Self.verbs) + " the " + pick(&rng, Self.nouns)
                        s += extra
                        n += 7
                    }
                    s += "."
                }
                if emoji, rng.next() % 5 == 0 { s += " " + pick(&rng, Self.emoji) }
                if !single, rng.next() % 9 == 0 { s += "\n\n" }
                first = false
            }
            return single ? s : s.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        private func pick(_ rng: inout SeededGenerator, _ list: [String]) -> String { list[Int(rng.next() % UInt64(list.count))] }
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
