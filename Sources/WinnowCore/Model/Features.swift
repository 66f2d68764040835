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

    /// Hashed values are kept on a grid of 1/`quantum` (the stored form is 16-bit).
    static let quantum: Float = 4096

    static func quantize(_ v: Float) -> Float {
        (min(max(v, -7.99), 7.99) * quantum).rounded() / quantum
    }

    /// The stored form, little-endian: UInt16 n, n × (UInt16 bucket, Int16 value × 4096) for the hashed
    /// buckets, then UInt16 m, m × (UInt16 dense index, Float32 value) for the dense features.
    public var blob: Data {
        let buckets = FeatureExtractor.hashBuckets
        let split = indices.firstIndex { Int($0) >= buckets } ?? indices.count
        var bytes = [UInt8]()
        bytes.reserveCapacity(4 + split * 4 + (indices.count - split) * 6)
        func u16(_ v: UInt16) { bytes.append(UInt8(v & 0xFF)); bytes.append(UInt8(v >> 8)) }
        u16(UInt16(split))
        for k in 0..<split {
            u16(UInt16(indices[k]))
            u16(UInt16(bitPattern: Int16((values[k] * FeatureVector.quantum).rounded())))
        }
        u16(UInt16(indices.count - split))
        for k in split..<indices.count {
            u16(UInt16(Int(indices[k]) - buckets))
            let b = values[k].bitPattern
            u16(UInt16(b & 0xFFFF)); u16(UInt16(b >> 16))
        }
        return Data(bytes)
    }

    public init?(blob: Data, simhash: UInt64 = 0) {
        let buckets = UInt32(FeatureExtractor.hashBuckets)
        let decoded: ([UInt32], [Float])? = blob.withUnsafeBytes { raw -> ([UInt32], [Float])? in
            func u16(_ at: Int) -> UInt16 { UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)) }
            guard raw.count >= 4 else { return nil }
            let n = Int(u16(0))
            guard raw.count >= 4 + n * 4 else { return nil }
            let m = Int(u16(2 + n * 4))
            guard raw.count == 4 + n * 4 + m * 6 else { return nil }
            var indices = [UInt32](repeating: 0, count: n + m)
            var values = [Float](repeating: 0, count: n + m)
            for k in 0..<n {
                indices[k] = UInt32(u16(2 + k * 4))
                values[k] = Float(Int16(bitPattern: u16(4 + k * 4))) / FeatureVector.quantum
            }
            let base = 4 + n * 4
            for k in 0..<m {
                indices[n + k] = buckets + UInt32(u16(base + k * 6))
                values[n + k] = Float(bitPattern: UInt32(u16(base + k * 6 + 2)) | UInt32(u16(base + k * 6 + 4)) << 16)
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
    /// 3: specificity, hedging, repetition, caption coverage and question overlap features added.
    /// 2: compact 16-bit blob, character 3-grams of non-ASCII words only (1 was an early, larger layout).
    public static let version = 3
    public static let hashBits = 14
    public static let hashBuckets = 1 << hashBits

    public static let denseNames = [
        "instruction_chars", "response_chars", "instruction_words", "response_words", "turns", "human_turns",
        "response_lines", "response_list_items", "response_repeated_trigrams", "caption_support",
        "has_captions", "unsupported_content_words", "unsupported_numbers", "unsupported_objects",
        "response_type_token_ratio", "response_mean_word_length", "response_questions", "non_ascii_share",
        "response_to_instruction_length",
        // Specificity: numbers, colours, object nouns (all and distinct), content words.
        "response_numbers", "response_colours", "response_object_words", "response_distinct_objects",
        "response_content_words", "response_content_share",
        // Hedging and filler: hedge words per word, stock filler phrases, first-person/refusal talk.
        "response_hedges", "response_filler_phrases", "response_refusal",
        // Repetition beyond trigrams: repeated sentences, share of the most frequent content word.
        "response_repeated_sentences", "response_top_word_share",
        // Sentences.
        "response_sentences", "response_mean_sentence_words",
        // Relation to the captions and to the question.
        "caption_coverage", "question_overlap", "question_words_answered",
        // Agreement with the other candidates of the same group (0 for an item alone in its group).
        "sibling_agreement", "sibling_unshared_share",
    ]
    public static var denseCount: Int { denseNames.count }
    public static var dimension: Int { hashBuckets + denseCount }

    public static func denseIndex(_ name: String) -> Int? {
        denseNames.firstIndex(of: name).map { hashBuckets + $0 }
    }

    /// `siblings`: the final answers of the other items of the item's group (`finalAnswer`), when it has any.
    public static func features(of item: Item, siblings: [String] = []) -> FeatureVector {
        features(turns: item.turns, captions: item.captions, siblings: siblings)
    }

    /// The last gpt turn: what tells a candidate from its siblings (earlier turns are shared).
    public static func finalAnswer(_ turns: [Turn]) -> String { turns.last { $0.from == .gpt }?.value ?? "" }

    /// Siblings compared, at most (the first ones by id): keeps a huge group's cost linear.
    public static let maximumSiblings = 20

    public static func features(turns: [Turn], captions: [String], siblings: [String] = []) -> FeatureVector {
        let instruction = turns.filter { $0.from != .gpt }.map(\.value).joined(separator: "\n")
        let response = turns.filter { $0.from == .gpt }.map(\.value).joined(separator: "\n")
        var sparse: [Int: Float] = [:]

        let instructionWords = words(instruction)
        let responseWords = words(response)
        addNamespace(&sparse, seed: 1, tokens: instructionWords)
        addBigrams(&sparse, seed: 2, words: instructionWords)
        addCharTrigrams(&sparse, seed: 3, words: instructionWords)
        addNamespace(&sparse, seed: 4, tokens: responseWords)
        addBigrams(&sparse, seed: 5, words: responseWords)
        addCharTrigrams(&sparse, seed: 6, words: responseWords)

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
        set("human_turns", log1p(Double(turns.filter { $0.from != .gpt }.count)))
        let lines = response.split(separator: "\n", omittingEmptySubsequences: true)
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
        set("response_questions", log1p(Double(response.unicodeScalars.filter { $0 == "?" || $0 == "？" }.count)))
        let allScalars = instruction.unicodeScalars.count + response.unicodeScalars.count
        let nonASCII = instruction.unicodeScalars.filter { !$0.isASCII }.count + response.unicodeScalars.filter { !$0.isASCII }.count
        set("non_ascii_share", allScalars == 0 ? 0 : Double(nonASCII) / Double(allScalars))
        set("response_to_instruction_length", log1p(Double(responseChars)) - log1p(Double(instructionChars)))

        let text = TextSignals(response: response, responseWords: responseWords, instructionWords: instructionWords, captions: captions)
        set("response_numbers", log1p(Double(text.numbers)))
        set("response_colours", log1p(Double(text.colours)))
        set("response_object_words", log1p(Double(text.objectWords)))
        set("response_distinct_objects", log1p(Double(text.distinctObjects)))
        set("response_content_words", log1p(Double(text.contentWords)))
        set("response_content_share", responseWords.isEmpty ? 0 : Double(text.contentWords) / Double(responseWords.count))
        set("response_hedges", responseWords.isEmpty ? 0 : Double(text.hedges) / Double(responseWords.count) * 10)
        set("response_filler_phrases", log1p(Double(text.fillerPhrases)))
        set("response_refusal", log1p(Double(text.refusals)))
        set("response_repeated_sentences", text.repeatedSentenceShare)
        set("response_top_word_share", text.topContentWordShare)
        set("response_sentences", log1p(Double(text.sentences)))
        set("response_mean_sentence_words", text.sentences == 0 ? 0 : log1p(Double(responseWords.count) / Double(text.sentences)))
        set("caption_coverage", text.captionCoverage)
        set("question_overlap", text.questionOverlap)
        set("question_words_answered", text.questionWordAnswered)
        let agreement = SiblingAgreement(answer: finalAnswer(turns), siblings: siblings)
        set("sibling_agreement", agreement.meanJaccard)
        set("sibling_unshared_share", agreement.unsharedShare)

        var indices: [UInt32] = []
        var values: [Float] = []
        indices.reserveCapacity(sparse.count + denseCount)
        values.reserveCapacity(sparse.count + denseCount)
        for key in sparse.keys.sorted() {
            let q = FeatureVector.quantize(sparse[key]!)
            if q == 0 { continue }
            indices.append(UInt32(key))
            values.append(q)
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
        func flush() {
            while let f = current.first, f == "'" { current.removeFirst() }
            while let l = current.last, l == "'" { current.removeLast() }
            if !current.isEmpty { result.append(String(current)) }
            current = String.UnicodeScalarView()
        }
        for scalar in text.lowercased().unicodeScalars {
            let v = scalar.value
            let isWordScalar: Bool
            if v < 0x80 {
                isWordScalar = (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) || v == 0x27 || (v >= 0x41 && v <= 0x5A)
            } else {
                isWordScalar = scalar.properties.isAlphabetic || scalar.properties.numericType != nil || v == 0x2019
            }
            if isWordScalar {
                current.append(v == 0x2019 ? "'" : scalar)
            } else if !current.isEmpty {
                flush()
            }
        }
        flush()
        return result
    }

    static func bigrams(_ words: [String]) -> [String] {
        guard words.count > 1 else { return [] }
        return (0..<(words.count - 1)).map { words[$0] + " " + words[$0 + 1] }
    }

    @inline(__always)
    static func bucket(_ h: UInt64) -> (Int, Float) {
        (Int(truncatingIfNeeded: (h >> 8) & UInt64(hashBuckets - 1)), (h >> 63) == 0 ? 1 : -1)
    }

    static func addBigrams(_ sparse: inout [Int: Float], seed: UInt64, words: [String]) {
        guard words.count > 1 else { return }
        var local: [Int: Float] = [:]
        let nsSeed = FNV1a.mix(FNV1a.offset, UInt32(seed))
        for i in 0..<(words.count - 1) {
            let h = FNV1a.hash(words[i + 1].utf8, seed: FNV1a.hash(words[i].utf8, seed: nsSeed) ^ 0x20)
            let (b, s) = bucket(h)
            local[b, default: 0] += s
        }
        merge(&sparse, local)
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

    /// Character 3-grams of the words written in other scripts than ASCII (CJK, Cyrillic, accented
    /// Latin, …), each word padded with a space on both sides. Pure-ASCII words are covered by the word
    /// n-grams; leaving them out keeps the cached vectors small.
    static func addCharTrigrams(_ sparse: inout [Int: Float], seed: UInt64, words: [String]) {
        var local: [Int: Float] = [:]
        let nsSeed = FNV1a.mix(FNV1a.offset, UInt32(seed))
        var scalars: [UInt32] = []
        for word in words where word.utf8.contains(where: { $0 >= 0x80 }) {
            scalars.removeAll(keepingCapacity: true)
            scalars.append(32)
            for s in word.unicodeScalars { scalars.append(s.value) }
            scalars.append(32)
            guard scalars.count >= 3 else { continue }
            for i in 0..<(scalars.count - 2) {
                let h = FNV1a.mix(FNV1a.mix(FNV1a.mix(nsSeed, scalars[i]), scalars[i + 1]), scalars[i + 2])
                let (b, s) = bucket(h)
                local[b, default: 0] += s
            }
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
        let hashes = words.map { FNV1a.hash($0) }
        var seen = Set<UInt64>()
        var repeated = 0
        for i in 0..<(words.count - 2) {
            let gram = (hashes[i] &* 31 &+ hashes[i + 1]) &* 0x100_0000_01b3 ^ hashes[i + 2] &* 0x9E37_79B9_7F4A_7C15
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
            let isNumber = word.unicodeScalars.allSatisfy { $0.properties.numericType != nil } || Grounding.numberWords.contains(word)
            let isContent = isNumber
                || (!Grounding.stopWords.contains(word) && (word.unicodeScalars.count >= 3 || word.unicodeScalars.contains { $0.value >= 0x2E80 }))
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
