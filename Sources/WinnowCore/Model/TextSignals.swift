/// Cheap signals of what graders look for in an answer's text, on top of length and structure: how
/// specific it is (numbers, colours, object nouns), how much it hedges or pads, whether it repeats itself,
/// how much of the captions it covers and whether it takes up the question's words (and, for "how many"
/// and "what colour" questions, gives a number or a colour). One pass over the words; fixed word lists.
struct TextSignals {
    var numbers = 0
    var colours = 0
    var objectWords = 0
    var distinctObjects = 0
    var contentWords = 0
    var hedges = 0
    var fillerPhrases = 0
    var refusals = 0
    var sentences = 0
    var repeatedSentenceShare = 0.0
    var topContentWordShare = 0.0
    /// Share of the captions' distinct content words (stemmed) the response mentions; 0 without captions.
    var captionCoverage = 0.0
    /// Share of the instruction's distinct content words (stemmed) the response mentions.
    var questionOverlap = 0.0
    /// +1 when a "how many" / "what colour" instruction gets a number / a colour, −1 when it does not, else 0.
    var questionWordAnswered = 0.0

    init(response: String, responseWords: [String], instructionWords: [String], captions: [String]) {
        var objects = Set<String>()
        var contentCounts: [String: Int] = [:]
        var responseStems = Set<String>()
        for word in responseWords {
            let stem = Grounding.stem(word)
            responseStems.insert(stem)
            let number = Self.isNumber(word)
            if number { numbers += 1 }
            if Self.colourWords.contains(word) { colours += 1 }
            if Grounding.objectNouns.contains(stem) {
                objectWords += 1
                objects.insert(stem)
            }
            if Self.hedgeWords.contains(word) { hedges += 1 }
            if number || Self.isContent(word) {
                contentWords += 1
                contentCounts[stem, default: 0] += 1
            }
        }
        distinctObjects = objects.count
        if contentWords > 0 { topContentWordShare = Double(contentCounts.values.max() ?? 0) / Double(contentWords) }
        fillerPhrases = Self.count(Self.fillerPhraseList, in: responseWords)
        refusals = Self.count(Self.refusalPhraseList, in: responseWords)

        // Sentences: runs between . ! ? and line breaks, compared by their words.
        var seen = Set<[String]>()
        var repeated = 0
        var current = ""
        func endSentence() {
            let words = FeatureExtractor.words(current)
            current = ""
            guard !words.isEmpty else { return }
            sentences += 1
            if !seen.insert(words).inserted { repeated += 1 }
        }
        for ch in response {
            if ch == "." || ch == "!" || ch == "?" || ch == "\n" || ch == "。" || ch == "！" || ch == "？" { endSentence() } else { current.append(ch) }
        }
        endSentence()
        if sentences > 0 { repeatedSentenceShare = Double(repeated) / Double(sentences) }

        var captionStems = Set<String>()
        for caption in captions {
            for w in FeatureExtractor.words(caption) where Self.isContent(w) || Self.isNumber(w) { captionStems.insert(Grounding.stem(w)) }
        }
        if !captionStems.isEmpty {
            captionCoverage = Double(captionStems.filter { responseStems.contains($0) }.count) / Double(captionStems.count)
        }
        let questionStems = Set(instructionWords.filter { Self.isContent($0) || Self.isNumber($0) }.map(Grounding.stem))
        if !questionStems.isEmpty {
            questionOverlap = Double(questionStems.filter { responseStems.contains($0) }.count) / Double(questionStems.count)
        }
        let asksCount = Self.count([["how", "many"]], in: instructionWords) > 0
        let asksColour = Self.count([["what", "color"], ["what", "colour"], ["which", "color"], ["which", "colour"]], in: instructionWords) > 0
        if asksCount { questionWordAnswered += numbers > 0 ? 1 : -1 }
        if asksColour { questionWordAnswered += colours > 0 ? 1 : -1 }
    }

    static func isNumber(_ word: String) -> Bool {
        Grounding.numberWords.contains(word) || (!word.isEmpty && word.unicodeScalars.allSatisfy { $0.properties.numericType != nil })
    }

    static func isContent(_ word: String) -> Bool {
        !Grounding.stopWords.contains(word) && (word.unicodeScalars.count >= 3 || word.unicodeScalars.contains { $0.value >= 0x2E80 })
    }

    /// Occurrences of any of `phrases` (word sequences) in `words`.
    static func count(_ phrases: [[String]], in words: [String]) -> Int {
        guard !words.isEmpty else { return 0 }
        var total = 0
        for i in words.indices {
            for phrase in phrases where phrase[0] == words[i] && i + phrase.count <= words.count {
                var match = true
                for p in 1..<max(phrase.count, 1) where words[i + p] != phrase[p] {
                    match = false
                    break
                }
                if match { total += 1 }
            }
        }
        return total
    }

    static let colourWords: Set<String> = [
        "red", "orange", "yellow", "green", "blue", "purple", "violet", "pink", "brown", "black", "white", "gray", "grey",
        "beige", "tan", "gold", "golden", "silver", "maroon", "navy", "teal", "turquoise", "cyan", "magenta", "cream",
        "colorful", "colourful", "multicolored", "striped", "dark", "light", "bright",
    ]

    static let hedgeWords: Set<String> = [
        "may", "might", "could", "possibly", "perhaps", "probably", "likely", "unlikely", "seems", "seem", "seemingly",
        "appears", "appear", "apparently", "presumably", "somewhat", "maybe", "unclear", "uncertain", "suggests",
        "suggest", "suggesting", "potentially", "possible", "assume", "guess",
    ]

    static let fillerPhraseList: [[String]] = [
        ["it", "is", "important", "to"], ["it's", "important", "to"], ["it", "is", "worth"], ["it's", "worth"],
        ["in", "conclusion"], ["in", "summary"], ["additionally"], ["furthermore"], ["moreover"], ["overall"],
        ["a", "sense", "of"], ["adds", "to", "the"], ["contributes", "to", "the"], ["creating", "a"], ["creates", "a"],
        ["the", "image", "shows"], ["the", "image", "depicts"], ["the", "image", "features"], ["in", "the", "image"],
        ["in", "this", "image"], ["the", "scene", "is"], ["it", "can", "be", "seen"], ["can", "be", "seen"],
    ]

    static let refusalPhraseList: [[String]] = [
        ["sorry"], ["as", "an", "ai"], ["i", "cannot"], ["i", "can't"], ["unable", "to"], ["not", "possible", "to"],
        ["cannot", "be", "determined"], ["difficult", "to", "determine"], ["hard", "to", "tell"], ["not", "sure"],
        ["i'm", "not", "able"], ["no", "information"],
    ]
}

/// How much an answer agrees with the other candidates for the same question: content that several
/// independent answers state is more often right than content only one of them states (a hallucination
/// is usually the answer's own). Content words are stemmed as for grounding; numbers count as content.
struct SiblingAgreement {
    /// Mean Jaccard similarity of the answer's content-word set with each sibling's (0 without siblings).
    var meanJaccard = 0.0
    /// Share of the answer's content words that no sibling uses (0 without siblings).
    var unsharedShare = 0.0

    static func contentStems(_ text: String) -> Set<String> {
        Set(FeatureExtractor.words(text).filter { TextSignals.isContent($0) || TextSignals.isNumber($0) }.map(Grounding.stem))
    }

    init(answer: String, siblings: [String]) {
        guard !siblings.isEmpty else { return }
        let own = Self.contentStems(answer)
        var union = Set<String>()
        var total = 0.0
        for sibling in siblings.prefix(FeatureExtractor.maximumSiblings) {
            let other = Self.contentStems(sibling)
            union.formUnion(other)
            let both = own.union(other).count
            total += both == 0 ? 0 : Double(own.intersection(other).count) / Double(both)
        }
        meanJaccard = total / Double(min(siblings.count, FeatureExtractor.maximumSiblings))
        if !own.isEmpty { unsharedShare = Double(own.subtracting(union).count) / Double(own.count) }
    }
}
