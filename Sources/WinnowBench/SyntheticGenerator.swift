import Foundation
import WinnowCore

/// The one generator of synthetic data: `winnow bench`'s LLaVA-Instruct-like set (`BenchDataGenerator`)
/// and `winnow simulate --synthetic`'s pool of candidate groups (`SyntheticPool`) both come from it.
///
/// Every image has a scene: two to four objects (a count, a colour and a position each) in a place, and
/// COCO-style captions that name the objects, counts and colours but never the positions. Questions ask
/// about the scene; answers have a latent quality q (0 worst … 1 best) and, the lower q, the likelier
/// defects: hallucinated objects (not in the captions), a wrong count or colour, off-topic drift,
/// repetition, a very short non-answer; good answers add details the captions support. The true scores
/// follow from the defects (`scores`), and an oracle adds annotator noise (`noisy`).
///
/// `confounds` make the pool harder than its features, as real data is:
/// - `group`: a question-level quality shared by its candidates (some questions get better answers
///   than others), so pooled and within-group orders differ;
/// - `length`: padding sentences (no content) whose amount follows the question, and more of it for the
///   questions with worse answers; heavy padding costs helpfulness. Length alone misleads.
/// - `hidden`: a statement about an object's position, which no caption shows: right or wrong, and wrong
///   more often at low q (costs correctness). Text features cannot see which.
///
/// Deterministic: every part draws from its own seeded stream (purpose, index), so the same seed gives
/// the same data in any order, on every machine, and a record's truth can be recomputed from its index.
public struct SyntheticGenerator: Sendable {
    public struct Confounds: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let group = Confounds(rawValue: 1)
        public static let length = Confounds(rawValue: 2)
        public static let hidden = Confounds(rawValue: 4)
        public static let all: Confounds = [.group, .length, .hidden]
        public static let none: Confounds = []

        static let named: [(String, Confounds)] = [("group", .group), ("length", .length), ("hidden", .hidden)]

        /// `all`, `none`, or a comma-separated list of `group`, `length`, `hidden`; nil when a name is unknown.
        public init?(parsing text: String) {
            switch text {
            case "all": self = .all
            case "none": self = .none
            default:
                var result: Confounds = []
                for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                    guard let found = Self.named.first(where: { $0.0 == part.trimmingCharacters(in: .whitespaces) }) else { return nil }
                    result.insert(found.1)
                }
                self = result
            }
        }

        /// The names of the confounds in this set, in a fixed order.
        public var names: [String] { Self.named.filter { contains($0.1) }.map(\.0) }
    }

    public var seed: UInt64
    public var confounds: Confounds

    public init(seed: UInt64, confounds: Confounds = .all) {
        self.seed = seed
        self.confounds = confounds
    }

    // MARK: - Random streams

    /// Uniform numbers from one seeded stream.
    struct Random {
        var g: SeededGenerator
        mutating func uniform() -> Double { Double(g.next() >> 11) / Double(1 << 53) }
        mutating func int(_ n: Int) -> Int { Int(g.next() % UInt64(n)) }
        mutating func chance(_ p: Double) -> Bool { uniform() < p }
        mutating func pick<T>(_ list: [T]) -> T { list[int(list.count)] }
    }

    enum Purpose: UInt64 { case scene = 1, record, question, answer, noise, image }

    /// The stream for one (purpose, index): independent of every other.
    func stream(_ purpose: Purpose, _ index: Int, _ part: Int = 0) -> Random {
        var mix = SeededGenerator(seed: seed &* 0x9E37_79B9 &+ purpose.rawValue &* 0x1_0000_0001)
        var s = mix.next() ^ UInt64(truncatingIfNeeded: index) &* 0xD6E8_FEB8_6659_FD93
        s = s ^ UInt64(truncatingIfNeeded: part) &* 0xA076_1D64_78BD_642F
        var g = SeededGenerator(seed: s)
        _ = g.next()
        return Random(g: g)
    }

    // MARK: - Scenes

    struct Thing {
        var object: (String, String)
        var count: Int
        var color: String
        var position: String
        var phrase: String { count == 1 ? "a \(color) \(object.0)" : "\(Vocabulary.numbers[count]) \(color) \(object.1)" }
        var plain: String { count == 1 ? "a \(object.0)" : "\(Vocabulary.numbers[count]) \(object.1)" }
        var named: String { count == 1 ? object.0 : object.1 }
    }

    struct Scene {
        var things: [Thing]
        var place: String
        var captions: [String]
    }

    /// The scene of image `image` (its objects and captions).
    func scene(image: Int, captionCount: Int = 3) -> Scene {
        var r = stream(.scene, image)
        var things: [Thing] = []
        var used = Set<String>()
        let objectCount = 2 + r.int(3)
        while things.count < objectCount {
            let o = r.pick(Vocabulary.objects)
            guard used.insert(o.0).inserted else { continue }
            things.append(Thing(object: o, count: 1 + r.int(3), color: r.pick(Vocabulary.colors), position: r.pick(Vocabulary.positions)))
        }
        let place = r.pick(Vocabulary.places)
        let list = things.map(\.phrase)
        let listText = list.dropLast().joined(separator: ", ") + " and " + list.last!
        var captions = [
            capitalized(listText) + " in \(place).",
            "A photo of \(place) with \(things.map(\.plain).joined(separator: ", ")).",
            capitalized(things[0].phrase) + " near \(things[1].plain).",
            "There are \(things.map(\.named).joined(separator: " and ")) in \(place).",
            capitalized(things[things.count - 1].phrase) + " and \(things[0].plain) in \(place).",
        ]
        captions = Array(captions.prefix(captionCount))
        return Scene(things: things, place: place, captions: captions)
    }

    func capitalized(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }

    // MARK: - Questions

    enum QuestionKind: Int, CaseIterable { case count, color, describe, place }

    struct Question {
        var kind: QuestionKind
        var focus: Thing
        var text: String
        /// A vague question (instruction clarity suffers).
        var vague: Bool
    }

    func question(_ kind: QuestionKind, in scene: Scene, _ r: inout Random) -> Question {
        let focus = r.pick(scene.things)
        let vague = r.chance(0.1)
        let text: String
        if vague {
            text = r.pick(["What about the thing there?", "And this one?", "Tell me about it.", "What is that stuff?"])
        } else {
            switch kind {
            case .count: text = "How many \(focus.object.1) are in the image?"
            case .color: text = "What color is the \(focus.object.0) in the picture?"
            case .describe: text = r.pick(Vocabulary.detailPrompts)
            case .place: text = "Where was this photo taken, and what is in it?"
            }
        }
        return Question(kind: kind, focus: focus, text: text, vague: vague)
    }

    // MARK: - Answers

    public struct Defects: Sendable, Equatable {
        var hallucinated = 0
        var wrongFact = false
        /// 0 none, 1 drift appended, 2 off-topic only.
        var offTopic = 0
        var repeated = false
        var short = false
        var details = 0
        /// Padding sentences (length confound).
        var padding = 0
        /// A wrong position statement (hidden confound).
        var hiddenWrong = false
        var vagueQuestion = false

        /// One record's defects over several answers (a conversation's rounds): the worst of each.
        mutating func merge(_ o: Defects) {
            hallucinated = max(hallucinated, o.hallucinated)
            wrongFact = wrongFact || o.wrongFact
            offTopic = max(offTopic, o.offTopic)
            repeated = repeated || o.repeated
            short = short || o.short
            details = min(details, o.details)
            padding = max(padding, o.padding)
            hiddenWrong = hiddenWrong || o.hiddenWrong
            vagueQuestion = vagueQuestion || o.vagueQuestion
        }
    }

    /// What shapes one answer beyond its quality: the question-level verbosity (length confound), a
    /// minimum length in words filled with supported elaboration (the bench's long answers), the script.
    struct Style {
        var verbosity = 0.0
        var minimumWords = 0
        var language: Language = .latin
        var emoji = false
    }

    enum Language { case latin, cjk, arabic }

    /// An answer of quality `q` to `question` about `scene`: its text and the defects it shows.
    func answer(_ question: Question, in scene: Scene, quality q: Double, style: Style, _ r: inout Random) -> (text: String, defects: Defects) {
        let bad = pow(1 - q, 3)
        var d = Defects(vagueQuestion: question.vague)
        var sentences: [String] = []
        let focus = question.focus
        var thing = focus
        if question.kind != .place, r.chance(0.35 * bad) {
            d.wrongFact = true
            if question.kind == .color {
                thing.color = r.pick(Vocabulary.colors.filter { c in !scene.things.contains { $0.color == c } })
            } else {
                thing.count = min(thing.count + 2 + r.int(3), Vocabulary.numbers.count - 1)
            }
        }
        switch question.kind {
        case .count:
            sentences.append(thing.count == 1 ? "There is one \(thing.object.0) in the image." : "There are \(Vocabulary.numbers[thing.count]) \(thing.object.1) in the image.")
        case .color:
            sentences.append("The \(thing.object.0) is \(thing.color).")
        case .describe:
            var phrases = scene.things.map(\.phrase)
            if d.wrongFact, let i = scene.things.firstIndex(where: { $0.object.0 == focus.object.0 }) { phrases[i] = thing.phrase }
            sentences.append("The image shows " + phrases.joined(separator: ", ") + " in \(scene.place).")
        case .place:
            sentences.append("This photo was taken in \(scene.place). It shows " + scene.things.map(\.plain).joined(separator: " and ") + ".")
        }
        // Supported details.
        if q > 0.55 {
            d.details = q > 0.8 ? 2 : 1
            let other = scene.things.first { $0.object.0 != focus.object.0 } ?? scene.things[0]
            sentences.append("The \(focus.color) \(focus.object.0) is close to the \(other.color) \(other.object.0).")
            if d.details > 1 { sentences.append("Everything is in \(scene.place), and the \(other.object.0) is \(other.color).") }
        }
        // A position, which no caption shows (hidden confound).
        if confounds.contains(.hidden) {
            let target = r.pick(scene.things)
            if r.chance(0.6 * pow(1 - q, 2)) {
                d.hiddenWrong = true
                let wrong = r.pick(Vocabulary.positions.filter { $0 != target.position })
                sentences.append("The \(target.object.0) is \(wrong).")
            } else if r.chance(0.35) {
                sentences.append("The \(target.object.0) is \(target.position).")
            }
        }
        // Hallucinated objects.
        if r.chance(0.3 * bad) {
            d.hallucinated = r.chance(0.4) ? 2 : 1
            for _ in 0..<d.hallucinated {
                var fake = r.pick(Vocabulary.objects)
                while scene.things.contains(where: { $0.object.0 == fake.0 }) { fake = r.pick(Vocabulary.objects) }
                sentences.append("There is also a \(r.pick(Vocabulary.colors)) \(fake.0) \(r.pick(Vocabulary.positions)).")
            }
        }
        if r.chance(0.2 * bad) {
            d.repeated = true
            sentences.insert(contentsOf: Array(repeating: sentences[0], count: 2 + r.int(2)), at: 1)
        }
        if r.chance(0.2 * bad) {
            d.offTopic = r.chance(0.4) ? 2 : 1
            let extra = [r.pick(Vocabulary.drift), r.pick(Vocabulary.drift)]
            sentences = d.offTopic == 2 ? extra : sentences + extra
        }
        if r.chance(0.15 * bad) {
            d = Defects(short: true, vagueQuestion: question.vague)
            return (r.pick(Vocabulary.fillers), d)
        }
        // Padding (length confound): up to three sentences, as many as the question's verbosity says.
        if confounds.contains(.length) {
            for _ in 0..<3 where r.chance(style.verbosity) {
                d.padding += 1
                sentences.append(r.pick(Vocabulary.padding))
            }
        }
        // Long answers (the bench): fill with supported elaboration, or drift when off-topic.
        var words = sentences.reduce(0) { $0 + $1.split(separator: " ").count }
        while words < style.minimumWords {
            let s = d.offTopic == 2 ? r.pick(Vocabulary.drift) : elaboration(scene, style: style, &r)
            // A sentence in a script without spaces counts as the words it would take in English.
            words += (s.unicodeScalars.first?.value ?? 0) > 0x2E80 ? 8 : max(1, s.split(separator: " ").count)
            sentences.append(s)
        }
        var text = ""
        for (i, s) in sentences.enumerated() {
            if i > 0 { text += style.minimumWords > 0 && r.chance(0.11) ? "\n\n" : " " }
            text += s
            if style.emoji, r.chance(0.2) { text += " " + r.pick(Vocabulary.emoji) }
        }
        return (text, d)
    }

    /// A sentence the scene supports (or, in another script, one of a fixed set).
    func elaboration(_ scene: Scene, style: Style, _ r: inout Random) -> String {
        if style.language == .cjk, r.chance(0.33) { return r.pick(Vocabulary.cjk) }
        if style.language == .arabic, r.chance(0.33) { return r.pick(Vocabulary.arabic) }
        if r.chance(0.15) { return r.pick(Vocabulary.inferences) + " \(scene.place)." }
        let a = r.int(scene.things.count)
        let b = (a + 1 + r.int(scene.things.count - 1)) % scene.things.count
        let opener = r.chance(0.33) ? r.pick(Vocabulary.connectives) + " the" : "The"
        let size = r.chance(0.4) ? r.pick(Vocabulary.sizes) + " " : ""
        var s = "\(opener) \(size)\(scene.things[a].color) \(scene.things[a].object.0) \(r.pick(Vocabulary.verbs)) the \(scene.things[b].color) \(scene.things[b].object.0)"
        if r.chance(0.25) { s += ", in \(scene.place)" }
        return s + "."
    }

    // MARK: - Scores

    /// Noise-free scores of an answer with these defects, for any rubric: criteria are matched by name
    /// (`correct`/`halluc` → correctness, `relevan` → relevance, `clarity`/`instruction` → the question's
    /// clarity, `language`/`fluen` → language, anything else → helpfulness); flags are hallucination.
    public static func scores(_ d: Defects, rubric: Rubric) -> [String: ScoreValue] {
        var correctness = 5 - 2 * d.hallucinated - (d.wrongFact ? 2 : 0) - (d.offTopic == 1 ? 1 : 0) - (d.hiddenWrong ? 1 : 0)
        if d.offTopic == 2 || d.short { correctness = min(correctness, 2) }
        var helpfulness = 3 + d.details - (d.offTopic == 1 ? 1 : 0) - (d.repeated ? 1 : 0) - (d.wrongFact ? 1 : 0) - (d.padding >= 2 ? 1 : 0)
        if d.offTopic == 2 || d.short { helpfulness = 1 }
        let relevance = d.offTopic == 2 ? 1 : (d.offTopic == 1 || d.short ? 3 : 5)
        let clarity = d.vagueQuestion ? 2 : 5
        let language = 5 - (d.repeated ? 2 : 0) - (d.short ? 1 : 0)
        let hallucinates = d.hallucinated > 0 || d.wrongFact
        var result: [String: ScoreValue] = [:]
        for c in rubric.criteria {
            switch c.kind {
            case .flag:
                guard case .good(let good) = c.better else { continue }
                result[c.id] = .flag(hallucinates ? !good : good)
            case .scale:
                let id = c.id.lowercased()
                let base: Int
                if id.contains("correct") || id.contains("halluc") { base = correctness }
                else if id.contains("relevan") { base = relevance }
                else if id.contains("clarity") || id.contains("instruction") { base = clarity }
                else if id.contains("language") || id.contains("fluen") { base = language }
                else { base = helpfulness }
                let s = Double(min(max(base, 1), 5) - 1) / 4
                let index = Int((s * Double(c.values.count - 1)).rounded())
                result[c.id] = c.values[c.better == .lower ? c.values.count - 1 - index : index]
            case .choice:
                if c.required, let first = c.values.first { result[c.id] = first }
            case .rank:
                continue
            }
        }
        return result
    }

    /// `clean` with annotator noise: a scale value moves ±1 with probability `noise`, a flag flips with
    /// probability `noise / 4`.
    static func noisy(_ clean: [String: ScoreValue], rubric: Rubric, noise: Double, _ r: inout Random) -> [String: ScoreValue] {
        var result = clean
        for c in rubric.criteria {
            guard let v = clean[c.id] else { continue }
            switch (c.kind, v) {
            case (.scale, _):
                let u = r.uniform()
                guard u < noise, let i = c.position(of: v) else { continue }
                result[c.id] = c.values[min(max(i + (u < noise / 2 ? -1 : 1), 0), c.values.count - 1)]
            case (.flag, .flag(let b)):
                if r.uniform() < noise / 4 { result[c.id] = .flag(!b) }
            default: break
            }
        }
        return result
    }
}

/// The generator's words.
enum Vocabulary {
    static let objects: [(String, String)] = [
        ("dog", "dogs"), ("cat", "cats"), ("car", "cars"), ("bus", "buses"), ("truck", "trucks"), ("bicycle", "bicycles"),
        ("horse", "horses"), ("bird", "birds"), ("bench", "benches"), ("umbrella", "umbrellas"), ("kite", "kites"),
        ("boat", "boats"), ("train", "trains"), ("clock", "clocks"), ("laptop", "laptops"), ("pizza", "pizzas"),
        ("cake", "cakes"), ("apple", "apples"), ("banana", "bananas"), ("bottle", "bottles"), ("cup", "cups"),
        ("bowl", "bowls"), ("tree", "trees"), ("chair", "chairs"), ("sheep", "sheep"), ("cow", "cows"),
        ("elephant", "elephants"), ("zebra", "zebras"), ("giraffe", "giraffes"), ("book", "books"), ("vase", "vases"),
        ("lamp", "lamps"), ("flower", "flowers"), ("ball", "balls"), ("skateboard", "skateboards"),
        ("backpack", "backpacks"), ("plate", "plates"), ("couch", "couches"), ("suitcase", "suitcases"), ("boy", "boys"),
    ]
    static let colors = ["red", "blue", "green", "white", "black", "yellow", "brown", "gray", "pink", "purple"]
    static let places = ["a park", "a busy street", "a kitchen", "a sandy beach", "a living room", "a grassy field",
                         "a parking lot", "a garden", "a train station", "a small office"]
    static let numbers = ["zero", "one", "two", "three", "four", "five", "six", "seven"]
    static let positions = ["on the left", "on the right", "in the background", "near the top", "in the corner"]
    static let verbs = ["is standing near", "is sitting on", "is next to", "is looking at", "is parked beside",
                        "is placed on", "can be seen behind", "is in front of", "is partly hidden by", "is below"]
    static let sizes = ["large", "small", "wooden", "old", "modern", "tall", "narrow", "shiny", "worn", "bright"]
    static let inferences = ["This suggests that people often spend time in", "It is likely that the photo was taken during the day in",
                             "The arrangement gives a calm, ordinary impression of", "Considering the objects, this looks like a typical day in"]
    static let connectives = ["In addition,", "Moreover,", "Notably,", "For example,", "Also,", "Overall,"]
    static let detailPrompts = ["Describe the image in detail.", "What do you see in this picture?",
                                "Explain the visual content of the image in great detail.",
                                "Can you elaborate on the elements of the picture provided?",
                                "Write a detailed description of the given image."]
    static let drift = [
        "Weekends are a wonderful time to relax with friends and family.",
        "Many cities invest heavily in public transport and cycling lanes.",
        "Cooking at home is often healthier and cheaper than eating out.",
        "Regular exercise improves both mood and long-term health.",
        "Travelling abroad teaches people a lot about other cultures.",
        "Good lighting is essential for taking memorable photographs.",
        "Historians still debate the origins of many ancient traditions.",
        "Learning a musical instrument requires patience and daily practice.",
    ]
    static let padding = [
        "It is a very interesting picture with a lot going on.",
        "There are many things one could say about this scene.",
        "This is the kind of image that tells a story of its own.",
        "Looking closely, one notices quite a few things here.",
        "All in all, it is a rather typical scene of everyday life.",
        "Such pictures are quite common and easy to recognise.",
    ]
    static let fillers = ["Yes.", "I am not sure.", "Maybe.", "It depends.", "No idea."]
    static let cjk = ["图片中有一位男士站在公交车旁边。", "这张照片展示了一个繁忙的街道。", "画面里的狗正在草地上奔跑。",
                      "写真には赤い傘を持った女性が写っています。", "テーブルの上にピザが置かれています。", "하늘은 맑고 푸릅니다."]
    static let arabic = ["يظهر في الصورة رجل يقف بجانب الحافلة.", "الشارع مزدحم بالسيارات والناس.", "هناك كلب يجري على العشب الأخضر."]
    static let emoji = ["🙂", "☀️", "🚌", "🐶", "🍕", "👍🏽", "🇯🇵", "🌱"]
}
