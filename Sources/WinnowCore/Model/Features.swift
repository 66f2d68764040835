import Foundation

/// A sparse feature vector: indices ascending, one value each.
public struct FeatureVector: Sendable, Equatable {
    public var indices: [UInt32]
    public var values: [Float]
    /// 64-bit simhash of the response's words: near-duplicate responses have close hashes.
    public var simhash: UInt64

    public init(indices: [UInt32], values: [Float], simhash: UInt64 = 0) {
        self.indices = indices
        self.values = values
        self.simhash = simhash
    }

    public subscript(index: Int) -> Float {
        guard let position = indices.firstIndex(of: UInt32(index)) else { return 0 }
        return values[position]
    }

    /// The stored form: UInt32 count, then (UInt32 index, Float32 value) pairs, little-endian.
    public var blob: Data {
        var bytes = [UInt8]()
        bytes.reserveCapacity(4 + indices.count * 8)
        func append(_ v: UInt32) {
            bytes.append(UInt8(v & 0xFF)); bytes.append(UInt8((v >> 8) & 0xFF))
            bytes.append(UInt8((v >> 16) & 0xFF)); bytes.append(UInt8(v >> 24))
        }
        append(UInt32(indices.count))
        for (i, v) in zip(indices, values) {
            append(i)
            append(v.bitPattern)
        }
        return Data(bytes)
    }

    public init?(blob: Data, simhash: UInt64 = 0) {
        let decoded: ([UInt32], [Float])? = blob.withUnsafeBytes { raw -> ([UInt32], [Float])? in
            guard raw.count >= 4 else { return nil }
            func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
            let n = Int(u32(0))
            guard raw.count == 4 + n * 8 else { return nil }
            var indices = [UInt32](repeating: 0, count: n)
            var values = [Float](repeating: 0, count: n)
            for k in 0..<n {
                indices[k] = u32(4 + k * 8)
                values[k] = Float(bitPattern: u32(8 + k * 8))
            }
            return (indices, values)
        }
        guard let decoded else { return nil }
        self.init(indices: decoded.0, values: decoded.1, simhash: simhash)
    }
}

/// Stable 64-bit FNV-1a (Swift's `Hasher` is seeded per process, so it cannot be used for cached features).
public enum FNV1a {
    public static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let prime: UInt64 = 0x100_0000_01b3

    public static func hash<S: Sequence>(_ bytes: S, seed: UInt64 = offset) -> UInt64 where S.Element == UInt8 {
        var h = seed
        for b in bytes {
            h ^= UInt64(b)
            h = h &* prime
        }
        return h
    }

    public static func hash(_ text: String, seed: UInt64 = offset) -> UInt64 { hash(text.utf8, seed: seed) }

    /// Mixes a 32-bit code point into a running hash (for character n-grams without building strings).
    @inline(__always)
    static func mix(_ h: UInt64, _ value: UInt32) -> UInt64 {
        var h = h
        h ^= UInt64(value & 0xFF); h = h &* prime
        h ^= UInt64((value >> 8) & 0xFF); h = h &* prime
        h ^= UInt64((value >> 16) & 0xFF); h = h &* prime
        return h
    }
}

/// Turns an item into its feature vector: deterministic (same item, same bytes, on every machine), so it
/// is computed once by the worker and cached in `item_features` under `version`.
///
/// - Hashed n-grams (signed hashing into `hashBuckets` buckets, each namespace L2-normalized): word 1- and
///   2-grams and character 3-grams of the instruction (human turns) and of the response (gpt turns).
///   Character 3-grams make scripts without spaces (CJK, Thai, …) work.
/// - Dense features at `hashBuckets + k` (`denseNames[k]`): lengths, turns, structure, repetition and
///   caption grounding (the share of the response's content words a caption supports, and counts of
///   content words, numbers and object nouns the response states that no caption mentions).
public enum FeatureExtractor {
    public static let version = 1
    public static let hashBits = 14
    public static let hashBuckets = 1 << hashBits

    public static let denseNames = [
        "instruction_chars", "response_chars", "instruction_words", "response_words", "turns", "human_turns",
        "response_lines", "response_list_items", "response_repeated_trigrams", "caption_support",
        "has_captions", "unsupported_content_words", "unsupported_numbers", "unsupported_objects",
        "response_type_token_ratio", "response_mean_word_length", "response_questions", "non_ascii_share",
        "response_to_instruction_length",
    ]
    public static var denseCount: Int { denseNames.count }
    public static var dimension: Int { hashBuckets + denseCount }

    public static func denseIndex(_ name: String) -> Int? {
        denseNames.firstIndex(of: name).map { hashBuckets + $0 }
    }

    public static func features(of item: Item) -> FeatureVector {
        features(turns: item.turns, captions: item.captions)
    }

    public static func features(turns: [Turn], captions: [String]) -> FeatureVector {
        let instruction = turns.filter { $0.from != "gpt" }.map(\.value).joined(separator: "\n")
        let response = turns.filter { $0.from == "gpt" }.map(\.value).joined(separator: "\n")
        var sparse: [Int: Float] = [:]

        let instructionWords = words(instruction)
        let responseWords = words(response)
        addNamespace(&sparse, seed: 1, tokens: instructionWords)
        addNamespace(&sparse, seed: 2, tokens: bigrams(instructionWords))
        addCharTrigrams(&sparse, seed: 3, text: instruction)
        addNamespace(&sparse, seed: 4, tokens: responseWords)
        addNamespace(&sparse, seed: 5, tokens: bigrams(responseWords))
        addCharTrigrams(&sparse, seed: 6, text: response)

        // Dense features.
        var dense = [Float](repeating: 0, count: denseCount)
        func set(_ name: String, _ value: Double) { dense[denseNames.firstIndex(of: name)!] = Float(value) }
        let instructionChars = instruction.unicodeScalars.count
        let responseChars = response.unicodeScalars.count
        set("instruction_chars", log1p(Double(instructionChars)))
        set("response_chars", log1p(Double(responseChars)))
        set("instruction_words", log1p(Double(instructionWords.count)))
        set("response_words", log1p(Double(responseWords.count)))
        set("turns", log1p(Double(turns.count)))
        set("human_turns", log1p(Double(turns.filter { $0.from != "gpt" }.count)))
        let lines = response.split(whereSeparator: \.isNewline)
        set("response_lines", log1p(Double(max(0, lines.count - 1))))
        let listItems = lines.filter { line in
            let t = line.drop(while: { $0 == " " || $0 == "\t" })
            guard let first = t.first else { return false }
            if "-*•·".contains(first) { return true }
            let digits = t.prefix(while: \.isNumber)
            return !digits.isEmpty && digits.count <= 3 && (t.dropFirst(digits.count).first.map { $0 == "." || $0 == ")" } ?? false)
        }.count
        set("response_list_items", log1p(Double(listItems)))
        set("response_repeated_trigrams", repeatedShare(responseWords))

        let grounding = Grounding(response: responseWords, captions: captions)
        set("caption_support", grounding.support)
        set("has_captions", captions.contains { !$0.isEmpty } ? 1 : 0)
        set("unsupported_content_words", log1p(Double(grounding.unsupportedContent)))
        set("unsupported_numbers", log1p(Double(grounding.unsupportedNumbers)))
        set("unsupported_objects", log1p(Double(grounding.unsupportedObjects)))
        set("response_type_token_ratio", responseWords.isEmpty ? 0 : Double(Set(responseWords).count) / Double(responseWords.count))
        set("response_mean_word_length", responseWords.isEmpty ? 0
            : Double(responseWords.reduce(0) { $0 + $1.unicodeScalars.count }) / Double(responseWords.count))
        set("response_questions", log1p(Double(response.filter { $0 == "?" || $0 == "？" }.count)))
        let allScalars = instruction.unicodeScalars.count + response.unicodeScalars.count
        let nonASCII = instruction.unicodeScalars.filter { !$0.isASCII }.count + response.unicodeScalars.filter { !$0.isASCII }.count
        set("non_ascii_share", allScalars == 0 ? 0 : Double(nonASCII) / Double(allScalars))
        set("response_to_instruction_length", log1p(Double(responseChars)) - log1p(Double(instructionChars)))

        var indices: [UInt32] = []
        var values: [Float] = []
        indices.reserveCapacity(sparse.count + denseCount)
        values.reserveCapacity(sparse.count + denseCount)
        for key in sparse.keys.sorted() where sparse[key]! != 0 {
            indices.append(UInt32(key))
            values.append(sparse[key]!)
        }
        for (k, v) in dense.enumerated() where v != 0 {
            indices.append(UInt32(hashBuckets + k))
            values.append(v)
        }
        return FeatureVector(indices: indices, values: values, simhash: simhash(responseWords.isEmpty ? instructionWords : responseWords))
    }

    // MARK: - Pieces

    /// Lowercased words: runs of letters, digits and apostrophes. A run of ideographs (no spaces between
    /// words) stays one word; its character 3-grams carry the content.
    public static func words(_ text: String) -> [String] {
        var result: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "'" {
                current.append(scalar)
            } else if !current.isEmpty {
                result.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { result.append(String(current)) }
        return result.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'")) }.filter { !$0.isEmpty }
    }

    static func bigrams(_ words: [String]) -> [String] {
        guard words.count > 1 else { return [] }
        return (0..<(words.count - 1)).map { words[$0] + " " + words[$0 + 1] }
    }

    @inline(__always)
    static func bucket(_ h: UInt64) -> (Int, Float) {
        (Int(truncatingIfNeeded: (h >> 8) & UInt64(hashBuckets - 1)), (h >> 63) == 0 ? 1 : -1)
    }

    static func addNamespace(_ sparse: inout [Int: Float], seed: UInt64, tokens: [String]) {
        guard !tokens.isEmpty else { return }
        var local: [Int: Float] = [:]
        let nsSeed = FNV1a.mix(FNV1a.offset, UInt32(seed))
        for token in tokens {
            let (b, s) = bucket(FNV1a.hash(token.utf8, seed: nsSeed))
            local[b, default: 0] += s
        }
        merge(&sparse, local)
    }

    static func addCharTrigrams(_ sparse: inout [Int: Float], seed: UInt64, text: String) {
        // Whitespace runs become one space; case is folded.
        var scalars: [UInt32] = [32]
        for s in text.lowercased().unicodeScalars {
            let v: UInt32 = s.properties.isWhitespace ? 32 : s.value
            if v == 32, scalars.last == 32 { continue }
            scalars.append(v)
        }
        if scalars.last != 32 { scalars.append(32) }
        guard scalars.count >= 3 else { return }
        var local: [Int: Float] = [:]
        let nsSeed = FNV1a.mix(FNV1a.offset, UInt32(seed))
        for i in 0..<(scalars.count - 2) {
            let h = FNV1a.mix(FNV1a.mix(FNV1a.mix(nsSeed, scalars[i]), scalars[i + 1]), scalars[i + 2])
            let (b, s) = bucket(h)
            local[b, default: 0] += s
        }
        merge(&sparse, local)
    }

    /// Adds one namespace's counts, L2-normalized (sublinear: square root of counts first).
    private static func merge(_ sparse: inout [Int: Float], _ local: [Int: Float]) {
        var norm: Float = 0
        var damped: [Int: Float] = [:]
        for (k, v) in local {
            let d = v < 0 ? -(-v).squareRoot() : v.squareRoot()
            damped[k] = d
            norm += d * d
        }
        guard norm > 0 else { return }
        let scale = 1 / norm.squareRoot()
        for (k, v) in damped { sparse[k, default: 0] += v * scale }
    }

    /// Share of word 3-grams that repeat an earlier one.
    static func repeatedShare(_ words: [String]) -> Double {
        guard words.count >= 3 else { return 0 }
        var seen = Set<String>()
        var repeated = 0
        for i in 0..<(words.count - 2) {
            let gram = words[i] + " " + words[i + 1] + " " + words[i + 2]
            if !seen.insert(gram).inserted { repeated += 1 }
        }
        return Double(repeated) / Double(words.count - 2)
    }

    static func simhash(_ words: [String]) -> UInt64 {
        guard !words.isEmpty else { return 0 }
        var counts = [Int](repeating: 0, count: 64)
        for word in words {
            let h = FNV1a.hash(word)
            for bit in 0..<64 { counts[bit] += (h >> UInt64(bit)) & 1 == 1 ? 1 : -1 }
        }
        var result: UInt64 = 0
        for bit in 0..<64 where counts[bit] > 0 { result |= 1 << UInt64(bit) }
        return result
    }
}

/// How well the captions support a response: a hallucination signal.
///
/// Content words are words of three or more letters that are not stop words (ideographic runs count as
/// content). A word is supported when a caption has it (plural `-s`/`-es` folded). Numbers (digits and
/// number words) and object nouns (a fixed list of common visual objects, COCO's categories and more)
/// are counted separately when unsupported.
public struct Grounding: Sendable, Equatable {
    public var contentWords: Int
    public var supported: Int
    public var unsupportedContent: Int
    public var unsupportedNumbers: Int
    public var unsupportedObjects: Int
    public var unsupportedObjectNouns: [String]

    /// Share of content words supported (0 when there are no captions or no content words).
    public var support: Double { contentWords == 0 ? 0 : Double(supported) / Double(contentWords) }

    public init(response: String, captions: [String]) {
        self.init(response: FeatureExtractor.words(response), captions: captions)
    }

    public init(response: [String], captions: [String]) {
        var captionWords = Set<String>()
        for caption in captions {
            for w in FeatureExtractor.words(caption) { captionWords.insert(Grounding.stem(w)) }
        }
        let hasCaptions = !captionWords.isEmpty
        var content = 0, supported = 0, unsupportedContent = 0, numbers = 0, objects = 0
        var objectNouns: [String] = []
        for word in response {
            let stem = Grounding.stem(word)
            let isNumber = word.allSatisfy(\.isNumber) || Grounding.numberWords.contains(word)
            let isContent = isNumber || (!Grounding.stopWords.contains(word) && (word.count >= 3 || word.unicodeScalars.contains { $0.value >= 0x2E80 }))
            guard isContent else { continue }
            content += 1
            if hasCaptions && captionWords.contains(stem) {
                supported += 1
                continue
            }
            guard hasCaptions else { continue }
            unsupportedContent += 1
            if isNumber { numbers += 1 }
            if Grounding.objectNouns.contains(stem) {
                objects += 1
                if !objectNouns.contains(stem) { objectNouns.append(stem) }
            }
        }
        contentWords = content
        self.supported = supported
        self.unsupportedContent = unsupportedContent
        unsupportedNumbers = numbers
        unsupportedObjects = objects
        unsupportedObjectNouns = objectNouns
    }

    static func stem(_ word: String) -> String {
        if word.count > 4, word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        if word.count > 4, word.hasSuffix("ches") || word.hasSuffix("shes") || word.hasSuffix("sses") || word.hasSuffix("xes") {
            return String(word.dropLast(2))
        }
        if word.count > 3, word.hasSuffix("s"), !word.hasSuffix("ss"), !word.hasSuffix("us") { return String(word.dropLast()) }
        if word == "men" { return "man" }
        if word == "women" { return "woman" }
        if word == "people" { return "person" }
        if word == "children" { return "child" }
        return word
    }

    static let numberWords: Set<String> = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "twenty", "dozen", "hundred", "thousand", "single", "pair", "couple", "several",
    ]

    static let stopWords: Set<String> = [
        "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was", "one", "our", "out",
        "has", "him", "his", "how", "its", "may", "new", "now", "see", "who", "did", "get", "let", "say", "she", "too",
        "use", "that", "with", "have", "this", "will", "your", "from", "they", "been", "than", "them", "then", "there",
        "these", "those", "their", "what", "when", "where", "which", "while", "would", "could", "should", "about",
        "into", "over", "also", "some", "such", "only", "other", "very", "just", "more", "most", "each", "both",
        "image", "picture", "photo", "scene", "shown", "shows", "show", "seen", "appears", "appear", "visible",
        "there's", "it's", "can't", "don't", "doesn't", "isn't", "aren't", "being", "here", "like", "well", "able",
        "likely", "possibly", "overall", "various", "different", "seems", "seem", "making", "make", "made", "does",
        "doing", "give", "given", "provide", "provides", "help", "helps", "because", "however", "additionally",
        "also", "within", "without", "around", "near", "next", "behind", "front", "side", "top", "left", "right",
        "bottom", "middle", "center", "background", "foreground", "area", "part", "setting", "view", "way", "something",
    ]

    static let objectNouns: Set<String> = [
        // COCO categories (single words, stemmed) and common visual objects.
        "person", "man", "woman", "child", "boy", "girl", "baby", "people", "bicycle", "bike", "car", "motorcycle",
        "airplane", "plane", "bus", "train", "truck", "boat", "light", "hydrant", "sign", "meter", "bench", "bird",
        "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella",
        "handbag", "bag", "tie", "suitcase", "frisbee", "ski", "snowboard", "ball", "kite", "bat", "glove",
        "skateboard", "surfboard", "racket", "bottle", "glass", "cup", "fork", "knife", "spoon", "bowl", "banana",
        "apple", "sandwich", "orange", "broccoli", "carrot", "pizza", "donut", "cake", "chair", "couch",
        "sofa", "plant", "bed", "table", "toilet", "tv", "television", "laptop", "mouse", "remote", "keyboard",
        "phone", "microwave", "oven", "toaster", "sink", "refrigerator", "fridge", "book", "clock", "vase",
        "scissors", "teddy", "toothbrush", "hat", "helmet", "shirt", "jacket", "window", "door", "tree", "flower",
        "building", "house", "street", "road", "car", "fence", "pole", "lamp", "desk", "computer", "monitor",
        "plate", "food", "tray", "box", "basket", "wheel", "tire", "mirror", "picture", "painting", "poster",
        "flag", "tower", "bridge", "river", "lake", "ocean", "beach", "mountain", "hill", "sky", "cloud", "grass",
        "field", "rock", "wall", "floor", "ceiling", "shelf", "cabinet", "curtain", "pillow", "blanket", "towel",
        "shoe", "boot", "sock", "glasses", "sunglasses", "watch", "ring", "necklace", "candle", "bread", "cheese",
        "egg", "meat", "sausage", "fruit", "vegetable", "tomato", "potato", "onion", "lemon", "sandwich", "wine",
        "beer", "coffee", "tea", "duck", "chicken", "goose", "pigeon", "seagull", "fish", "cow", "goat", "pig",
        "deer", "monkey", "lion", "tiger", "squirrel", "rabbit", "van", "taxi", "tractor", "scooter", "skier",
        "surfer", "player", "racquet", "net", "goal", "uniform", "crowd", "statue", "fountain", "bucket", "chain",
    ]
}
