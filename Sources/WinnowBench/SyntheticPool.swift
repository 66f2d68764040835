import Foundation
import WinnowCore

/// A generated pool of LLaVA-like candidate answers with a known quality, for `winnow simulate --synthetic`:
/// `SyntheticGenerator`'s scenes, questions and answers in Align2LLaVA's candidate format. Each image gets
/// one or two questions, each question `candidates` answers (one record, so the answers to one question
/// form a group). The oracle's labels are the true scores with annotator noise.
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
    /// What makes the pool harder than its features (`SyntheticGenerator.Confounds`).
    public var confounds: SyntheticGenerator.Confounds

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

    /// `items` answers in all (rounded to whole questions of `candidates` answers), from
    /// `SyntheticGenerator` with `confounds` (default: all of them).
    public static func generate(items: Int, candidates: Int = 4, seed: UInt64 = 1, noise: Double = 0.2,
                                rubric: Rubric? = nil, confounds: SyntheticGenerator.Confounds = .all) -> SyntheticPool {
        let generator = SyntheticGenerator(seed: seed, confounds: confounds)
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
            let scene = generator.scene(image: imageIndex)
            images.append(.object(JSONObject(["id": .number(imageIndex), "file_name": .string(imageName), "width": .number(640), "height": .number(480)])))
            for c in scene.captions {
                annotations.append(.object(JSONObject(["id": .number(annotations.count + 1), "image_id": .number(imageIndex), "caption": .string(c)])))
            }
            var r = generator.stream(.image, imageIndex)
            let questionsHere = min(questionCount - question, r.chance(0.3) ? 2 : 1)
            for _ in 0..<questionsHere {
                question += 1
                let id = String(format: "syn%06d", question)
                var qr = generator.stream(.question, question)
                let asked = generator.question(qr.pick(SyntheticGenerator.QuestionKind.allCases), in: scene, &qr)
                // The question's own level (group confound) and how much its answers pad (length confound:
                // more for the questions with worse answers).
                let level = qr.uniform()
                let style = SyntheticGenerator.Style(verbosity: 0.1 + 0.6 * qr.uniform() * (1 - level))
                var answers: [String] = []
                for k in 0..<candidates {
                    var ar = generator.stream(.answer, question, k)
                    let u = ar.uniform()
                    let q = confounds.contains(.group) ? 0.6 * u + 0.4 * level : u
                    let (text, defects) = generator.answer(asked, in: scene, quality: q, style: style, &ar)
                    answers.append(text)
                    let key = "\(id)/t0/c\(k)"
                    let clean = SyntheticGenerator.scores(defects, rubric: rubric)
                    var nr = generator.stream(.noise, question, k)
                    truth[key] = clean
                    oracle[key] = SyntheticGenerator.noisy(clean, rubric: rubric, noise: noise, &nr)
                    quality[key] = q
                }
                records.append(.object(JSONObject([
                    "id": .string(id), "image": .string(imageName),
                    "conversations": .array([
                        .object(JSONObject(["from": .string("human"), "value": .string("<image>\n" + asked.text)])),
                        .object(JSONObject(["from": .string("gpt"), "value": .array(answers.map(JSONValue.string))])),
                    ]),
                ])))
            }
        }
        let captions = JSONValue.object(JSONObject([
            "info": .object(JSONObject(["description": .string("Winnow synthetic pool captions")])),
            "images": .array(images), "annotations": .array(annotations),
        ]))
        return SyntheticPool(records: records, captions: captions, oracle: oracle, truth: truth, quality: quality, rubric: rubric,
                             confounds: confounds)
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
