import Foundation

/// The files an export writes, each in the exact shape its training code reads.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// A JSON list of LLaVA records.
    case llava
    /// The same records one a line, each with a `winnow` object (scores, source, annotators, key).
    case jsonl
    /// Preference pairs in TRL's conversational vision format.
    case dpo
    /// Preference pairs as mllm-dpo stores them.
    case dpoLLaVA = "dpo-llava"
    /// NeMo-Aligner's SteerLM records with attribute labels.
    case steerlm

    /// Whether the format writes preference pairs.
    public var isPreference: Bool { self == .dpo || self == .dpoLLaVA }
}

/// Builds the JSON of one exported record from a unit.
public struct RecordBuilder: Sendable {
    public var rubric: Rubric
    public var withCaptions: Bool
    public var imageRoot: String?
    public var system: String

    public init(rubric: Rubric, withCaptions: Bool = false, imageRoot: String? = nil, system: String = "") {
        self.rubric = rubric
        self.withCaptions = withCaptions
        self.imageRoot = imageRoot
        self.system = system
    }

    /// A LLaVA record: the original bytes when the unit is a whole LLaVA record and nothing is added (then
    /// `value` is null); otherwise `value`, JSON built from the original (key order and number text kept) or
    /// from the item.
    public func llava(_ unit: ExportUnit) -> (bytes: Data?, value: JSONValue) {
        let item = unit.items[0]
        // A whole record goes out as the bytes it came in (the import parsed it as a JSON object), unparsed.
        let opening = item.original.withUnsafeBytes { bytes -> UInt8? in
            var parser = JSONParser(bytes: bytes)
            parser.skipWhitespace()
            return parser.peek
        }
        if isWholeRecord(unit), !withCaptions, opening == UInt8(ascii: "{") {
            return (item.original, .null)
        }
        return (nil, llavaValue(unit))
    }

    private func isWholeRecord(_ unit: ExportUnit) -> Bool {
        unit.format == ExportFormat.llava.rawValue && unit.items[0].part.isEmpty && !unit.groupWinner
    }

    /// The LLaVA record as JSON (what `llava` writes when it cannot write the bytes as they are).
    func llavaValue(_ unit: ExportUnit) -> JSONValue {
        let item = unit.items[0]
        let isWholeRecord = isWholeRecord(unit)
        if isWholeRecord, var object = (try? JSONParser.parse(item.original))?.objectValue {
            if withCaptions { object["captions"] = .array(item.captions.map(JSONValue.string)) }
            return .object(object)
        }
        if unit.assembled, var object = (try? JSONParser.parse(item.original))?.objectValue {
            // The record with each candidate turn's list replaced by its chosen candidate.
            object["score"] = nil
            if case .array(var turns) = object["conversations"] {
                var gptIndex = 0
                for i in turns.indices {
                    guard var turn = turns[i].objectValue else { continue }
                    if turn["from"]?.stringValue == "gpt" {
                        if let chosen = unit.items.first(where: { $0.turnIndex == gptIndex }), case .array = turn["value"] {
                            turn["value"] = .string(chosen.turns.last?.value ?? "")
                            turn["score"] = nil
                        }
                        gptIndex += 1
                    }
                    turns[i] = .object(turn)
                }
                object["conversations"] = .array(turns)
            }
            if withCaptions { object["captions"] = .array(item.captions.map(JSONValue.string)) }
            return .object(object)
        }
        var object = JSONObject()
        object["id"] = .string(unit.key)
        if let image = item.image { object["image"] = .string(image) }
        object["conversations"] = .array(conversation(item.turns, image: item.image != nil))
        if withCaptions { object["captions"] = .array(item.captions.map(JSONValue.string)) }
        return .object(object)
    }

    /// Turns as LLaVA writes them, from human, with `<image>\n` before the first human turn's text.
    func conversation(_ turns: [Turn], image: Bool) -> [JSONValue] {
        var placed = !image
        return turns.map { turn in
            var text = turn.value
            if !placed && turn.from == .human {
                text = "<image>\n" + text
                placed = true
            }
            return .object(JSONObject(["from": .string(turn.from.rawValue), "value": .string(text)]))
        }
    }

    /// The `winnow` object of a JSONL line.
    public func winnowObject(_ unit: ExportUnit) -> JSONValue {
        var scores = JSONObject()
        for criterion in rubric.criteria {
            if let value = unit.scores.values[criterion.id] { scores[criterion.id] = ResolvedScores.json(value) }
        }
        var object = JSONObject(["key": .string(unit.key), "scores": .object(scores)])
        object["overall"] = unit.scores.overall.map(JSONValue.number) ?? .null
        if !unit.scores.probabilities.isEmpty {
            object["probabilities"] = .object(JSONObject(unit.scores.probabilities.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: .number($0.value)) }))
        }
        object["source"] = .string(unit.scores.source)
        object["annotators"] = .array(unit.scores.annotators.map(JSONValue.string))
        if unit.assembled { object["candidates"] = .array(unit.items.map { .string($0.key) }) }
        return .object(object)
    }

    public func jsonl(_ unit: ExportUnit) -> JSONValue {
        guard case .object(var object) = llavaValue(unit) else { return .null }
        object["winnow"] = winnowObject(unit)
        return .object(object)
    }

    func imagePath(_ image: String?) -> String? {
        guard let image else { return nil }
        guard let root = imageRoot, !image.hasPrefix("/") else { return image }
        return (root as NSString).appendingPathComponent(image)
    }

    static func withoutImageToken(_ text: String) -> String { strippingImageToken(text) }

    /// TRL's conversational vision preference record.
    public func dpo(chosen: Item, rejected: Item) -> JSONValue {
        var prompt: [JSONValue] = []
        var placedImage = chosen.image == nil
        for turn in chosen.turns.dropLast() {
            if turn.from == .human {
                var content: [JSONValue] = []
                if !placedImage {
                    content.append(.object(JSONObject(["type": .string("image")])))
                    placedImage = true
                }
                content.append(.object(JSONObject(["type": .string("text"), "text": .string(Self.withoutImageToken(turn.value))])))
                prompt.append(.object(JSONObject(["role": .string("user"), "content": .array(content)])))
            } else {
                prompt.append(assistant(turn.value))
            }
        }
        var object = JSONObject()
        object["images"] = .array(imagePath(chosen.image).map { [.string($0)] } ?? [])
        object["prompt"] = .array(prompt)
        object["chosen"] = .array([assistant(chosen.turns.last?.value ?? "")])
        object["rejected"] = .array([assistant(rejected.turns.last?.value ?? "")])
        return .object(object)
    }

    private func assistant(_ text: String) -> JSONValue {
        .object(JSONObject(["role": .string("assistant"), "content": .array([.object(JSONObject(["type": .string("text"), "text": .string(Self.withoutImageToken(text))]))])]))
    }

    /// What makes a pair traceable: the two items' keys, their pair scores, the margin between them and
    /// where the scores came from. `dpo-llava` records carry it as a `winnow` object; `dpo` writes it to
    /// the sidecar `FILE.pairs.jsonl`, one line per pair, so TRL's columns stay exactly its own.
    func trace(_ pair: PreferencePair, plan: PairPlan) -> JSONObject {
        JSONObject([
            "group": .string(pair.group),
            "chosen": .string(pair.chosen.key), "rejected": .string(pair.rejected.key),
            "chosen_score": .number(PairPlan.rounded(pair.chosenScore)), "rejected_score": .number(PairPlan.rounded(pair.rejectedScore)),
            "margin": .number(pair.difference), "score": .string(pair.byRank ? "rank \(plan.rank ?? "")" : plan.label),
            "source": .string(pair.source),
        ])
    }

    /// mllm-dpo's pair record, with the `winnow` object of `trace`.
    func dpoLLaVA(_ pair: PreferencePair, plan: PairPlan) -> JSONValue {
        let chosen = pair.chosen, rejected = pair.rejected
        var object = JSONObject()
        object["id"] = .string(pair.group)
        if let image = imagePath(chosen.image) { object["image"] = .string(image) }
        object["conversations"] = .array(conversation(Array(chosen.turns.dropLast()), image: chosen.image != nil))
        object["chosen"] = .object(JSONObject(["from": .string("gpt"), "value": .string(chosen.turns.last?.value ?? "")]))
        object["rejected"] = .object(JSONObject(["from": .string("gpt"), "value": .string(rejected.turns.last?.value ?? "")]))
        object["margin"] = .number(pair.difference)
        object["winnow"] = .object(trace(pair, plan: plan))
        return .object(object)
    }

    /// NeMo-Aligner's SteerLM record; every assistant turn carries the item's attribute label.
    public func steerlm(_ unit: ExportUnit) -> JSONValue {
        let label = steerLabel(unit.scores)
        let turns = self.turns(of: unit)
        let conversations: [JSONValue] = turns.map { turn in
            let isUser = turn.from == .human
            return .object(JSONObject([
                "from": .string(isUser ? "User" : "Assistant"), "value": .string(Self.withoutImageToken(turn.value)),
                "label": isUser ? .null : .string(label),
            ]))
        }
        return .object(JSONObject([
            "system": .string(system), "mask": .string("User"), "type": .string("VALUE_TO_TEXT"),
            "conversations": .array(conversations),
        ]))
    }

    /// The conversation a unit stands for: an assembled record's turns with its chosen candidates.
    func turns(of unit: ExportUnit) -> [Turn] {
        guard unit.assembled, let conversations = llavaValue(unit).objectValue?["conversations"]?.arrayValue else {
            return unit.items[0].turns
        }
        return conversations.compactMap { value in
            guard let turn = value.objectValue, let from = turn["from"]?.stringValue.flatMap(Speaker.init(rawValue:)),
                  let text = turn["value"]?.stringValue else { return nil }
            return Turn(from: from, value: strippingImageToken(text))
        }
    }

    /// `helpfulness:4,correctness:3,…`: names lowercase in rubric order, each value mapped linearly
    /// from the criterion's range onto 0–4, rounded half up and clamped.
    public func steerLabel(_ scores: ResolvedScores) -> String {
        var parts: [String] = []
        for criterion in rubric.criteria {
            guard let value = scores.values[criterion.id] else { continue }
            var x: Double?
            switch (criterion.kind, value) {
            case (.scale, .number(let n)):
                if let low = criterion.values.first?.numberValue, let high = criterion.values.last?.numberValue, high > low {
                    x = (n - low) / (high - low) * 4
                }
            case (.flag, .flag(let b)): x = b ? 4 : 0
            case (.choice, .text(let s)):
                x = criterion.normalizedScore(of: .choice(s)).map { $0 * 4 }
            default: x = nil
            }
            guard let x else { continue }
            let level = min(4, max(0, Int((x + 0.5).rounded(.down))))
            parts.append("\(criterion.id.lowercased()):\(level)")
        }
        return parts.joined(separator: ",")
    }
}
