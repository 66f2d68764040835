import Foundation
import WinnowCore

/// A generated pool of LLaVA-like candidate answers with a known quality, for `winnow simulate --synthetic`.
///
/// Each image has a few objects (count and colour each) in a scene, and three COCO-style captions that
/// list them. Each image gets one or two questions (count, colour, describe, where), and each question
/// `candidates` answers: one record in Align2LLaVA's candidate format, so the answers to one question
/// form a group. Every answer has a latent quality q; the lower q, the likelier its defects:
/// hallucinated objects (not in the captions), a wrong count or colour, off-topic drift, repetition, a
/// very short non-answer; good answers add details the captions support. The oracle's scores follow
/// from the defects the text shows (so the model's caption-grounding, length, repetition and n-gram
/// features can see them), and its labels add annotator noise: a scale value moves ±1 with probability
/// `noise`, a flag flips with probability `noise / 4`.
public struct SyntheticPool: Sendable {
    /// LLaVA candidate records (`{"id", "image", "conversations"}`, the gpt value a list of candidates).
    public var records: [JSONValue]
    /// A COCO captions file (`images`, `annotations`).
    public var captions: JSONValue
    /// Item key (`ID/t0/cK`, as the importer names candidates) → noisy oracle label.
    public var oracle: [String: [String: ScoreValue]]
    /// Item key → noise-free scores (what the oracle would say without noise).
    public var truth: [String: [String: ScoreValue]]
    /// Item key → latent quality q (0 worst … 1 best).
    public var quality: [String: Double]
    public var rubric: Rubric

    public static let builtinRubricYAML = """
        # The synthetic oracle's rubric (winnow simulate --synthetic).
        name: synthetic-quality
        version: "1"
        criteria:
          - id: correctness
            title: Correctness
            question: Is everything the answer states supported by the image?
            kind: scale
            values: [1, 2, 3, 4, 5]
            weight: 2
            required: true
            better: higher
          - id: helpfulness
            title: Helpfulness
            question: Does the answer address the question, with useful detail?
            kind: scale
            values: [1, 2, 3, 4, 5]
            weight: 1
            required: true
            better: higher
          - id: hallucination
            title: Hallucination
            question: Does the answer mention objects, counts or colours that are not in the image?
            kind: flag
            values: [false, true]
            weight: 1
            required: true
            better: false
        """

    public static func builtinRubric() -> Rubric {
        // The text is fixed and valid: a failure here is a programming error.
        try! Rubric.parse(yaml: builtinRubricYAML, file: "synthetic-quality.yaml")
    }

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
    static let scenes = ["a park", "a busy street", "a kitchen", "a sandy beach", "a living room", "a grassy field",
                         "a parking lot", "a garden", "a train station", "a small office"]
    static let numbers = ["zero", "one", "two", "three", "four", "five", "six", "seven"]
    static let positions = ["on the left", "on the right", "in the background", "near the top", "in the corner"]
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
    static let fillers = ["Yes.", "I am not sure.", "Maybe.", "It depends.", "No idea."]

    struct Thing {
        var object: (String, String)
        var count: Int
        var color: String
        var phrase: String { count == 1 ? "a \(color) \(object.0)" : "\(numbers[count]) \(color) \(object.1)" }
        var plain: String { count == 1 ? "a \(object.0)" : "\(numbers[count]) \(object.1)" }
    }

    struct Defects {
        var hallucinated = 0
        var wrongFact = false
        var offTopic = 0   // 0 none, 1 drift appended, 2 off-topic only
        var repeated = false
        var short = false
        var details = 0
    }

    /// `items` answers in all (rounded to whole questions of `candidates` answers).
    public static func generate(items: Int, candidates: Int = 4, seed: UInt64 = 1, noise: Double = 0.2,
                                rubric: Rubric? = nil) -> SyntheticPool {
        var g = SeededGenerator(seed: seed &* 0x5350_4F4F_4C &+ 17)
        func uniform() -> Double { Double(g.next() >> 11) / Double(1 << 53) }
        func pick<T>(_ list: [T]) -> T { list[Int(g.next() % UInt64(list.count))] }
        let rubric = rubric ?? builtinRubric()
        let questionCount = max(1, (items + candidates - 1) / candidates)
        var records: [JSONValue] = []
        var images: [JSONValue] = []
        var annotations: [JSONValue] = []
        var oracle: [String: [String: ScoreValue]] = [:]
        var truth: [String: [String: ScoreValue]] = [:]
        var quality: [String: Double] = [:]
        var imageIndex = 0
        var question = 0
        while question < questionCount {
            imageIndex += 1
            let imageName = String(format: "COCO_train2014_%012d.jpg", imageIndex)
            var things: [Thing] = []
            var used = Set<String>()
            let objectCount = 2 + Int(g.next() % 3)
            while things.count < objectCount {
                let o = pick(objects)
                guard used.insert(o.0).inserted else { continue }
                things.append(Thing(object: o, count: 1 + Int(g.next() % 3), color: pick(colors)))
            }
            let scene = pick(scenes)
            let list = things.map(\.phrase)
            let listText = list.count == 1 ? list[0] : list.dropLast().joined(separator: ", ") + " and " + list.last!
            let captionTexts = [
                "\(listText.prefix(1).uppercased())\(listText.dropFirst()) in \(scene).",
                "A photo of \(scene) with \(things.map(\.plain).joined(separator: ", ")).",
                "\(things[0].phrase.prefix(1).uppercased())\(things[0].phrase.dropFirst()) near \(things[1].plain).",
            ]
            images.append(.object(JSONObject(["id": .number(imageIndex), "file_name": .string(imageName), "width": .number(640), "height": .number(480)])))
            for c in captionTexts {
                annotations.append(.object(JSONObject(["id": .number(annotations.count + 1), "image_id": .number(imageIndex), "caption": .string(c)])))
            }
            let questionsHere = min(questionCount - question, uniform() < 0.3 ? 2 : 1)
            for _ in 0..<questionsHere {
                question += 1
                let id = String(format: "syn%06d", question)
                let kind = Int(g.next() % 4)
                let focus = pick(things)
                let prompt: String
                switch kind {
                case 0: prompt = "How many \(focus.object.1) are in the image?"
                case 1: prompt = "What color is the \(focus.object.0) in the picture?"
                case 2: prompt = pick(["Describe the image in detail.", "What do you see in this picture?"])
                default: prompt = "Where was this photo taken, and what is in it?"
                }
                var answers: [String] = []
                for k in 0..<candidates {
                    // Most answers are decent; defects are rare and concentrate on low q (each type in
                    // a few percent of the pool), so a random sample sees few of each.
                    let q = uniform()
                    let bad = pow(1 - q, 3)
                    var d = Defects()
                    var sentences: [String] = []
                    // The core answer, possibly wrong.
                    var thing = focus
                    if kind == 0 || kind == 1 || kind == 2, uniform() < 0.35 * bad {
                        d.wrongFact = true
                        if kind == 1 {
                            thing.color = pick(colors.filter { c in !things.contains { $0.color == c } })
                        } else {
                            thing.count = thing.count + 2 + Int(g.next() % 3)
                        }
                    }
                    switch kind {
                    case 0: sentences.append(thing.count == 1 ? "There is one \(thing.object.0) in the image." : "There are \(numbers[thing.count]) \(thing.object.1) in the image.")
                    case 1: sentences.append("The \(thing.object.0) is \(thing.color).")
                    case 2:
                        var phrases = things.map(\.phrase)
                        if d.wrongFact, let i = things.firstIndex(where: { $0.object.0 == focus.object.0 }) { phrases[i] = thing.phrase }
                        sentences.append("The image shows " + phrases.joined(separator: ", ") + " in \(scene).")
                    default: sentences.append("This photo was taken in \(scene). It shows " + things.map(\.plain).joined(separator: " and ") + ".")
                    }
                    // Supported details.
                    if q > 0.55 {
                        d.details = q > 0.8 ? 2 : 1
                        let other = things.first { $0.object.0 != focus.object.0 } ?? things[0]
                        sentences.append("The \(focus.color) \(focus.object.0) is close to the \(other.color) \(other.object.0).")
                        if d.details > 1 { sentences.append("Everything is in \(scene), and the \(other.object.0) is \(other.color).") }
                    }
                    // Hallucinated objects.
                    if uniform() < 0.3 * bad {
                        d.hallucinated = uniform() < 0.4 ? 2 : 1
                        for _ in 0..<d.hallucinated {
                            var fake = pick(objects)
                            while used.contains(fake.0) { fake = pick(objects) }
                            sentences.append("There is also a \(pick(colors)) \(fake.0) \(pick(positions)).")
                        }
                    }
                    if uniform() < 0.2 * bad {
                        d.repeated = true
                        let first = sentences[0]
                        sentences.insert(contentsOf: Array(repeating: first, count: 2 + Int(g.next() % 2)), at: 1)
                    }
                    if uniform() < 0.2 * bad {
                        d.offTopic = uniform() < 0.4 ? 2 : 1
                        let extra = [pick(drift), pick(drift)]
                        sentences = d.offTopic == 2 ? extra : sentences + extra
                    }
                    if uniform() < 0.15 * bad {
                        d = Defects(short: true)
                        sentences = [pick(fillers)]
                    }
                    answers.append(sentences.joined(separator: " "))
                    let key = "\(id)/t0/c\(k)"
                    let clean = scores(d, rubric: rubric)
                    truth[key] = clean
                    oracle[key] = noisy(clean, rubric: rubric, noise: noise, generator: &g)
                    quality[key] = q
                }
                records.append(.object(JSONObject([
                    "id": .string(id), "image": .string(imageName),
                    "conversations": .array([
                        .object(JSONObject(["from": .string("human"), "value": .string("<image>\n" + prompt)])),
                        .object(JSONObject(["from": .string("gpt"), "value": .array(answers.map(JSONValue.string))])),
                    ]),
                ])))
            }
        }
        let captions = JSONValue.object(JSONObject([
            "info": .object(JSONObject(["description": .string("Winnow synthetic pool captions")])),
            "images": .array(images), "annotations": .array(annotations),
        ]))
        return SyntheticPool(records: records, captions: captions, oracle: oracle, truth: truth, quality: quality, rubric: rubric)
    }

    /// Noise-free scores: correctness from hallucinations and wrong facts, helpfulness from answering,
    /// details, drift, repetition; other rubrics get the nearest criterion by name (flags: hallucination).
    static func scores(_ d: Defects, rubric: Rubric) -> [String: ScoreValue] {
        var correctness = 5 - 2 * d.hallucinated - (d.wrongFact ? 2 : 0) - (d.offTopic == 1 ? 1 : 0)
        if d.offTopic == 2 || d.short { correctness = min(correctness, 2) }
        correctness = min(max(correctness, 1), 5)
        var helpfulness = 3 + d.details - (d.offTopic == 1 ? 1 : 0) - (d.repeated ? 1 : 0) - (d.wrongFact ? 1 : 0)
        if d.offTopic == 2 || d.short { helpfulness = 1 }
        helpfulness = min(max(helpfulness, 1), 5)
        let hallucinates = d.hallucinated > 0 || d.wrongFact
        var result: [String: ScoreValue] = [:]
        for c in rubric.criteria {
            switch c.kind {
            case .flag:
                guard case .good(let good) = c.better else { continue }
                result[c.id] = .flag(hallucinates ? !good : good)
            case .scale:
                let base = c.id.lowercased().contains("correct") || c.id.lowercased().contains("halluc") ? correctness : helpfulness
                let s = Double(base - 1) / 4
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

    static func noisy(_ clean: [String: ScoreValue], rubric: Rubric, noise: Double, generator g: inout SeededGenerator) -> [String: ScoreValue] {
        func uniform() -> Double { Double(g.next() >> 11) / Double(1 << 53) }
        var result = clean
        for c in rubric.criteria {
            guard let v = clean[c.id] else { continue }
            switch (c.kind, v) {
            case (.scale, _):
                let u = uniform()
                guard u < noise, let i = c.position(of: v) else { continue }
                let j = min(max(i + (u < noise / 2 ? -1 : 1), 0), c.values.count - 1)
                result[c.id] = c.values[j]
            case (.flag, .flag(let b)):
                if uniform() < noise / 4 { result[c.id] = .flag(!b) }
            default: break
            }
        }
        return result
    }

    /// Writes `records.jsonl` and `captions.json` into `folder`; returns their paths.
    public func write(folder: String) throws -> (records: String, captions: String) {
        let records = folder + "/records.jsonl"
        let captions = folder + "/captions.json"
        try (self.records.map { $0.serialized() }.joined(separator: "\n") + "\n").write(toFile: records, atomically: true, encoding: .utf8)
        try self.captions.serialized().write(toFile: captions, atomically: true, encoding: .utf8)
        return (records, captions)
    }
}
