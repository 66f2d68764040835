import Yams

/// Turns rubric YAML into a checked `Rubric`, or the first problem found as a `RubricError`.
///
/// It composes the YAML into Yams `Node`s (not a `Decodable`), because only nodes keep the line and
/// column of every field, which each error names. Scalars are typed by the YAML 1.2 core schema rather
/// than Yams' YAML 1.1 default, so a choice value `yes`, `no` or `on` stays the string it looks like
/// and only `true`/`false` are booleans. Fields are checked in document order for unknown names, then
/// in a fixed order per criterion (id, title, question, kind, level, values, anchors, weight,
/// required, better, scores, keys); the first problem is reported.
struct RubricParser {
    let file: String
    let text: String

    static let rubricFields = ["name", "version", "instructions", "criteria"]
    static let criterionFields = [
        "id", "title", "question", "kind", "level", "values", "anchors", "weight", "required", "better",
        "scores", "keys",
    ]
    /// Deeper nesting than any rubric needs; refused before Yams (which recurses per level) sees it.
    static let maximumNesting = 64

    func parse() throws(RubricError) -> Rubric {
        try checkNesting()
        let root: Node
        do {
            guard let node = try compose(yaml: text, Self.resolver) else {
                throw fail(line: 1, column: 1, "", "the file is empty; a rubric needs name, version and criteria")
            }
            root = node
        } catch let error as RubricError {
            throw error
        } catch let error as YamlError {
            throw yamlFailure(error)
        } catch {
            throw fail(line: 1, column: 1, "", "cannot read the YAML: \(error)")
        }
        guard case .mapping(let mapping) = root else {
            throw fail(root, "", "a rubric must be a mapping with name, version and criteria (found \(describe(root)))")
        }
        let fields = try fieldsOf(mapping, root, path: "", allowed: Self.rubricFields, what: "a rubric")

        let name = try requiredString(fields, "name", in: root, path: "")
        let version = try versionText(try required(fields, "version", in: root, path: ""))
        var instructions = ""
        if let node = fields["instructions"] { instructions = try string(node, path: "instructions") }

        let criteriaNode = try required(fields, "criteria", in: root, path: "")
        let items = try list(criteriaNode, path: "criteria")
        if items.isEmpty { throw fail(criteriaNode, "criteria", "a rubric needs at least one criterion") }
        if items.count > Self.maximumCriteria {
            throw fail(criteriaNode, "criteria", "\(items.count) criteria; a rubric may have at most \(Self.maximumCriteria)")
        }
        var criteria: [Criterion] = []
        var firstIndex: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let path = "criteria[\(index)]"
            let criterion = try parseCriterion(item, path: path)
            if let earlier = firstIndex[criterion.id] {
                let idNode = item.mapping?["id"] ?? item
                throw fail(idNode, path + ".id", "duplicate id '\(criterion.id)' (also criteria[\(earlier)])")
            }
            firstIndex[criterion.id] = index
            criteria.append(criterion)
        }
        return Rubric(name: name, version: version, instructions: instructions, criteria: criteria)
    }

    // MARK: - Criteria

    private func parseCriterion(_ node: Node, path: String) throws(RubricError) -> Criterion {
        guard case .mapping(let mapping) = node else {
            throw fail(node, path, "a criterion must be a mapping with id, title, question and kind (found \(describe(node)))")
        }
        let fields = try fieldsOf(mapping, node, path: path, allowed: Self.criterionFields, what: "a criterion")
        func field(_ name: String) -> String { path + "." + name }

        let idNode = try required(fields, "id", in: node, path: path)
        let id = try string(idNode, path: field("id"))
        if !Self.isValidID(id) {
            throw fail(idNode, field("id"), "'\(id)' is not a valid id: use lowercase letters, digits, _ and -, starting with a letter")
        }
        let title = try requiredString(fields, "title", in: node, path: path)
        let question = try requiredString(fields, "question", in: node, path: path)

        let kindNode = try required(fields, "kind", in: node, path: path)
        let kindText = try string(kindNode, path: field("kind"))
        guard let kind = CriterionKind(rawValue: kindText) else {
            throw fail(kindNode, field("kind"), "must be scale, choice, flag or rank (found '\(kindText)')")
        }
        if kind == .rank {
            // A ranking's values are places 1, 2, … set by picking candidates: nothing else to declare.
            for name in ["values", "anchors", "weight", "better", "scores", "keys"] {
                if let given = fields[name] {
                    throw fail(given, field(name), "a rank has no \(name): its values are the places 1 (best) to \(CriterionKind.maximumRanked), set on the group screen by picking candidates best to worst, and it does not enter the overall score")
                }
            }
        }

        var level: MeasurementLevel = kind == .scale || kind == .rank ? .ordinal : .nominal
        if let levelNode = fields["level"] {
            let levelText = try string(levelNode, path: field("level"))
            guard let given = MeasurementLevel(rawValue: levelText) else {
                throw fail(levelNode, field("level"), "must be nominal, ordinal or interval (found '\(levelText)')")
            }
            if kind == .scale, given == .nominal {
                throw fail(levelNode, field("level"), "a scale is ordinal or interval, not nominal (use kind: choice for unordered values)")
            }
            if kind == .rank, given != .ordinal {
                throw fail(levelNode, field("level"), "a rank is ordinal, not \(given.rawValue)")
            }
            if kind != .scale, kind != .rank, given != .nominal {
                throw fail(levelNode, field("level"), "a \(kind.rawValue) is nominal, not \(given.rawValue)")
            }
            level = given
        }

        let values: [ScoreValue]
        let valuesNode = fields["values"]
        switch kind {
        case .scale: values = try scaleValues(try required(fields, "values", in: node, path: path), path: field("values"))
        case .choice: values = try choiceValues(try required(fields, "values", in: node, path: path), path: field("values"))
        case .flag:
            if let valuesNode { try checkFlagValues(valuesNode, path: field("values")) }
            values = [.flag(false), .flag(true)]
        case .rank: values = (1...CriterionKind.maximumRanked).map { .number(Double($0)) }
        }
        let context = ValueContext(kind: kind, values: values)

        var anchors: [ScoreValue: String] = [:]
        if let anchorsNode = fields["anchors"] {
            for (keyNode, textNode) in try valueMap(anchorsNode, path: field("anchors")) {
                let value = try context.value(ofKey: keyNode, parser: self, path: field("anchors"))
                if anchors[value] != nil {
                    throw fail(keyNode, field("anchors"), "\(Self.display(value)) has two anchors")
                }
                anchors[value] = try string(textNode, path: field("anchors") + "." + value.text)
            }
        }

        var weight = kind == .rank ? 0.0 : 1.0
        if let weightNode = fields["weight"] {
            let given = try number(weightNode, path: field("weight"))
            if !given.isFinite { throw fail(weightNode, field("weight"), "must be a finite number (found \(scalarText(weightNode)))") }
            if given < 0 { throw fail(weightNode, field("weight"), "must not be negative (found \(scalarText(weightNode)))") }
            weight = given
        }

        var isRequired = false
        if let requiredNode = fields["required"] { isRequired = try bool(requiredNode, path: field("required")) }

        let better: Better?
        let betterNode = fields["better"]
        switch kind {
        case .rank: better = .lower
        case .choice:
            if let betterNode {
                throw fail(betterNode, field("better"), "a choice has no better value; give its values scores instead")
            }
            better = nil
        case .scale:
            if let betterNode {
                let text = try string(betterNode, path: field("better"))
                switch text {
                case "higher": better = .higher
                case "lower": better = .lower
                default: throw fail(betterNode, field("better"), "a scale's better must be higher or lower (found '\(text)')")
                }
            } else {
                better = .higher
            }
        case .flag:
            guard let betterNode else {
                throw fail(node, field("better"), "required field is missing: a flag must say which value is good (true or false)")
            }
            guard case .scalar(let scalar) = betterNode, tagName(betterNode) == .bool else {
                throw fail(betterNode, field("better"), "a flag's better must be its good value, true or false (found \(describe(betterNode)))")
            }
            better = .good(Self.boolValue(scalar.string))
        }

        var scores: [Double]?
        if let scoresNode = fields["scores"] {
            guard kind == .choice else {
                throw fail(scoresNode, field("scores"), "only a choice has scores (a \(kind.rawValue) is scored by better)")
            }
            let items = try list(scoresNode, path: field("scores"))
            var numbers: [Double] = []
            for (i, item) in items.enumerated() {
                let n = try number(item, path: field("scores") + "[\(i)]")
                if !n.isFinite { throw fail(item, field("scores") + "[\(i)]", "must be a finite number (found \(scalarText(item)))") }
                numbers.append(n)
            }
            if numbers.count != values.count {
                throw fail(scoresNode, field("scores"), "\(numbers.count) \(numbers.count == 1 ? "score" : "scores") for \(values.count) values; give one score per value, in the order of values")
            }
            if let low = numbers.min(), let high = numbers.max(), low == high {
                throw fail(scoresNode, field("scores"), "the scores are all the same; they are rescaled from lowest (0) to highest (1), so at least two must differ")
            }
            scores = numbers
        }

        let keys = kind == .rank ? [] : try keyBindings(fields["keys"], valuesNode: valuesNode ?? node, context: context, path: path)

        return Criterion(
            id: id, title: title, question: question, kind: kind, level: level, values: values, anchors: anchors,
            weight: weight, required: isRequired, better: better, scores: scores, keys: keys)
    }

    private func scaleValues(_ node: Node, path: String) throws(RubricError) -> [ScoreValue] {
        let items = try list(node, path: path)
        var numbers: [Double] = []
        for (i, item) in items.enumerated() {
            let n = try number(item, path: path + "[\(i)]")
            if !n.isFinite { throw fail(item, path + "[\(i)]", "must be a finite number (found \(scalarText(item)))") }
            if let last = numbers.last, n <= last {
                throw fail(item, path, "a scale's values must be strictly ascending (\(JSONValue.format(n)) after \(JSONValue.format(last)))")
            }
            numbers.append(n)
        }
        if numbers.count < 2 { throw fail(node, path, "a scale needs at least 2 values (found \(numbers.count))") }
        return numbers.map { .number($0) }
    }

    private func choiceValues(_ node: Node, path: String) throws(RubricError) -> [ScoreValue] {
        let items = try list(node, path: path)
        var strings: [String] = []
        for (i, item) in items.enumerated() {
            let s = try string(item, path: path + "[\(i)]")
            if s.isEmpty { throw fail(item, path + "[\(i)]", "a choice value must not be empty") }
            if strings.contains(s) { throw fail(item, path, "'\(s)' appears twice") }
            strings.append(s)
        }
        if strings.count < 2 { throw fail(node, path, "a choice needs at least 2 values (found \(strings.count))") }
        return strings.map { .choice($0) }
    }

    private func checkFlagValues(_ node: Node, path: String) throws(RubricError) {
        let items = try list(node, path: path)
        let isFalseTrue = items.count == 2
            && items.allSatisfy { tagName($0) == .bool }
            && Self.boolValue(items[0].scalar?.string ?? "") == false
            && Self.boolValue(items[1].scalar?.string ?? "") == true
        if !isFalseTrue {
            throw fail(node, path, "a flag's values must be exactly [false, true] (or left out)")
        }
    }

    /// Explicit keys from `keys`, then the default key for every other value: its digit for a scale of
    /// integers 0–9, 1/0 for a flag's true/false, otherwise its position 1–9; none for a scale of more
    /// than 9 other values, which is typed.
    private func keyBindings(_ keysNode: Node?, valuesNode: Node, context: ValueContext, path: String) throws(RubricError) -> [KeyBinding] {
        let keysPath = path + ".keys"
        var explicit: [ScoreValue: Character] = [:]
        var owner: [Character: ScoreValue] = [:]
        if let keysNode {
            for (keyNode, charNode) in try valueMap(keysNode, path: keysPath) {
                let value = try context.value(ofKey: keyNode, parser: self, path: keysPath)
                if explicit[value] != nil { throw fail(keyNode, keysPath, "\(Self.display(value)) has two keys") }
                let fieldPath = keysPath + "." + value.text
                guard case .scalar(let scalar) = charNode, [Tag.Name.str, .int].contains(tagName(charNode)) else {
                    throw fail(charNode, fieldPath, "expected a single character, found \(describe(charNode))")
                }
                guard scalar.string.count == 1, let char = scalar.string.first else {
                    throw fail(charNode, fieldPath, "'\(scalar.string)' is not a single character")
                }
                if KeyBinding.reserved.contains(char) {
                    throw fail(charNode, fieldPath, "'\(char)' is reserved by the grading screens (reserved: s u p n g c f o q j k ? i / Tab Enter arrows PgUp PgDn)")
                }
                if !KeyBinding.isBindable(char) {
                    throw fail(charNode, fieldPath, "\(Self.quoted(char)) is not a printable character")
                }
                if let other = owner[char] {
                    throw fail(charNode, fieldPath, "key '\(char)' is already given to \(Self.display(other))")
                }
                explicit[value] = char
                owner[char] = value
            }
        }
        let digitScale = context.kind == .scale && context.values.allSatisfy { value in
            if case .number(let n) = value { return n >= 0 && n <= 9 && n.rounded() == n }
            return false
        }
        // A scale of more than 9 values (0.0–1.0 in steps of 0.1) is set by typing the value on the grading
        // screen; only the values given keys under `keys` get one.
        let typed = context.kind == .scale && !digitScale && context.values.count > 9
        var bindings: [KeyBinding] = []
        for (index, value) in context.values.enumerated() {
            if let char = explicit[value] {
                bindings.append(KeyBinding(key: char, value: value))
                continue
            }
            if typed { continue }
            let char: Character
            switch value {
            case .flag(let b): char = b ? "1" : "0"
            case .number(let n) where digitScale: char = Character(String(Int(n)))
            default:
                guard index < 9 else {
                    throw fail(valuesNode, path + ".values", "\(Self.display(value)) (value \(index + 1)) has no key: only the first 9 values of a choice get the keys 1–9 by default; give the others keys under keys")
                }
                char = Character(String(index + 1))
            }
            if let other = owner[char] {
                throw fail(keysNode ?? valuesNode, keysPath, "key '\(char)' is given to \(Self.display(other)) but is also the default key of \(Self.display(value)); give \(Self.display(value)) a key too")
            }
            owner[char] = value
            bindings.append(KeyBinding(key: char, value: value))
        }
        return bindings
    }

    // MARK: - Field access

    /// A mapping's fields by name, after refusing non-string keys and names not in `allowed`.
    private func fieldsOf(_ mapping: Node.Mapping, _ node: Node, path: String, allowed: [String], what: String) throws(RubricError) -> [String: Node] {
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key, tagName(key) == .str else {
                throw fail(key, path, "field names must be plain text (found \(describe(key)))")
            }
            let name = scalar.string
            guard allowed.contains(name) else {
                throw fail(key, join(path, name), "unknown field '\(name)' (\(what) has: \(allowed.joined(separator: ", ")))")
            }
            fields[name] = value
        }
        return fields
    }

    private func join(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : path + "." + name
    }

    private func required(_ fields: [String: Node], _ name: String, in node: Node, path: String) throws(RubricError) -> Node {
        guard let value = fields[name] else { throw fail(node, join(path, name), "required field is missing") }
        return value
    }

    private func requiredString(_ fields: [String: Node], _ name: String, in node: Node, path: String) throws(RubricError) -> String {
        let valueNode = try required(fields, name, in: node, path: path)
        let value = try string(valueNode, path: join(path, name))
        if value.allSatisfy(\.isWhitespace) { throw fail(valueNode, join(path, name), "must not be empty") }
        return value
    }

    /// A mapping from values to something (anchors, keys), as its key/value node pairs.
    private func valueMap(_ node: Node, path: String) throws(RubricError) -> [(Node, Node)] {
        guard case .mapping(let mapping) = node else {
            throw fail(node, path, "expected a mapping from values, found \(describe(node))")
        }
        return mapping.map { ($0.key, $0.value) }
    }

    private func versionText(_ node: Node) throws(RubricError) -> String {
        guard case .scalar(let scalar) = node, [Tag.Name.str, .int, .float].contains(tagName(node)) else {
            throw fail(node, "version", "expected a string or number, found \(describe(node))")
        }
        if scalar.string.allSatisfy(\.isWhitespace) { throw fail(node, "version", "must not be empty") }
        if scalar.string.count > 64 { throw fail(node, "version", "is \(scalar.string.count) characters long; at most 64 are allowed") }
        return scalar.string
    }

    func string(_ node: Node, path: String) throws(RubricError) -> String {
        guard case .scalar(let scalar) = node, tagName(node) == .str else {
            throw fail(node, path, "expected a string, found \(describe(node))")
        }
        let limit = Self.lengthLimit(of: path)
        let length = scalar.string.count
        if length > limit {
            throw fail(node, path, "is \(length) characters long; at most \(limit) are allowed here")
        }
        return scalar.string
    }

    /// Bounds on a rubric's sizes: a rubric is a page of YAML, and every screen, statistic and export
    /// handles its ids, titles and values many times over, so nothing in it may be unboundedly long.
    public static let maximumCriteria = 100
    public static let maximumValues = 1000

    /// The longest text allowed at `path`: ids 64 characters, names, titles and values 200, questions
    /// and anchors 2,000, instructions 20,000.
    static func lengthLimit(of path: String) -> Int {
        let parts = path.split(separator: ".")
        if parts.dropLast().last == "anchors" { return 2000 }
        var last = String(parts.last ?? "")
        if let bracket = last.firstIndex(of: "[") { last = String(last[..<bracket]) }
        switch last {
        case "id": return 64
        case "question": return 2000
        case "instructions": return 20_000
        default: return 200
        }
    }

    private func number(_ node: Node, path: String) throws(RubricError) -> Double {
        guard case .scalar(let scalar) = node, [Tag.Name.int, .float].contains(tagName(node)),
            let value = Self.numberValue(scalar.string)
        else {
            throw fail(node, path, "expected a number, found \(describe(node))")
        }
        return value
    }

    private func bool(_ node: Node, path: String) throws(RubricError) -> Bool {
        guard case .scalar(let scalar) = node, tagName(node) == .bool else {
            throw fail(node, path, "expected true or false, found \(describe(node))")
        }
        return Self.boolValue(scalar.string)
    }

    private func list(_ node: Node, path: String) throws(RubricError) -> [Node] {
        guard case .sequence(let sequence) = node else {
            throw fail(node, path, "expected a list, found \(describe(node))")
        }
        if sequence.count > Self.maximumValues {
            throw fail(node, path, "\(sequence.count) entries; at most \(Self.maximumValues) are allowed")
        }
        return Array(sequence)
    }

    // MARK: - Scalars (YAML 1.2 core schema)

    /// Plain scalars resolve as in the YAML 1.2 core schema; quoted and block scalars are strings.
    static var resolver: Resolver {
        let rules: [(Tag.Name, String)] = [
            (.null, "^(?:~|null|Null|NULL|)$"),
            (.bool, "^(?:true|True|TRUE|false|False|FALSE)$"),
            (.int, "^[-+]?[0-9]+$"),
            (.float, "^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$"),
        ]
        var resolver = Resolver.basic
        for (tag, pattern) in rules {
            if let next = try? resolver.appending(tag, pattern) { resolver = next }
        }
        return resolver
    }

    func tagName(_ node: Node) -> Tag.Name {
        Tag.Name(rawValue: node.tag.description)
    }

    static func boolValue(_ text: String) -> Bool {
        text.lowercased() == "true"
    }

    static func numberValue(_ text: String) -> Double? {
        switch text.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default: return Double(text)
        }
    }

    static func isValidID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }

    /// A character named by its code points ("U+0020"), for characters that do not show.
    static func quoted(_ char: Character) -> String {
        let scalars = char.unicodeScalars.map { scalar in
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
        return scalars.joined(separator: " ")
    }

    /// A value as messages show it: choices quoted ('yes'), numbers and flags bare (3, true).
    static func display(_ value: ScoreValue) -> String {
        if case .choice(let s) = value { return "'\(s)'" }
        return value.text
    }

    /// How a node reads in "found …": its kind, and the text of a scalar.
    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            switch tagName(node) {
            case .null: return "nothing"
            case .bool: return "the boolean \(scalar.string)"
            case .int, .float: return "the number \(scalar.string)"
            case .str: return "the string '\(scalar.string)'"
            default: return "'\(scalar.string)' tagged \(node.tag.description)"
            }
        }
    }

    private func scalarText(_ node: Node) -> String {
        node.scalar?.string ?? describe(node)
    }

    // MARK: - Errors

    func fail(_ node: Node, _ field: String, _ message: String) -> RubricError {
        let mark = node.mark
        return fail(line: mark?.line ?? 1, column: mark?.column ?? 1, field, message)
    }

    func fail(line: Int, column: Int, _ field: String, _ message: String) -> RubricError {
        RubricError(file: file, line: line, column: column, field: field, message: message)
    }

    private func yamlFailure(_ error: YamlError) -> RubricError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))" }
            return fail(line: mark.line, column: mark.column, "", message)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return fail(line: context.mark.line, column: context.mark.column, "", "invalid YAML: \(names) appears more than once in the same mapping")
        case .reader(let problem, let offset, _, _):
            let position = offset.map { Self.lineAndColumn(of: $0, in: text) } ?? (1, 1)
            return fail(line: position.0, column: position.1, "", "invalid YAML: \(problem)")
        default:
            return fail(line: 1, column: 1, "", "invalid YAML: \(error)")
        }
    }

    /// Line and column (from 1, columns in Unicode scalars) of the `offset`th character of `text`.
    static func lineAndColumn(of offset: Int, in text: String) -> (Int, Int) {
        var line = 1
        var column = 1
        for (i, char) in text.enumerated() {
            if i >= offset { break }
            if char == "\n" || char == "\r\n" {
                line += 1
                column = 1
            } else {
                column += char.unicodeScalars.count
            }
        }
        return (line, column)
    }

    /// Refuses text nested deeper than `maximumNesting` flow brackets, or with more block-sequence
    /// dashes and complex-key marks (`?`) than that at the start of one line, before Yams' recursive
    /// composer could exhaust the stack on it. The count ignores quoting, so it over-estimates; no real
    /// rubric comes close.
    private func checkNesting() throws(RubricError) {
        var depth = 0
        var line = 1
        var column = 0
        var atLineStart = true
        var dashes = 0
        for scalar in text.unicodeScalars {
            column += 1
            switch scalar {
            case "\n":
                line += 1
                column = 0
                atLineStart = true
                dashes = 0
                continue
            case "[", "{": depth += 1
            case "]", "}": depth = max(0, depth - 1)
            case "-" where atLineStart, "?" where atLineStart:
                dashes += 1
            case " ", "\t": continue
            default: break
            }
            if scalar != "-", scalar != "?" { atLineStart = false }
            if depth > Self.maximumNesting || dashes > Self.maximumNesting {
                throw fail(line: line, column: column, "", "the YAML is nested more than \(Self.maximumNesting) levels deep; a rubric needs far fewer")
            }
        }
    }
}

/// What a criterion's values are, for reading the value named by an `anchors` or `keys` entry.
private struct ValueContext {
    let kind: CriterionKind
    let values: [ScoreValue]

    /// The value a map key names. Keys are read by the criterion's kind whatever their YAML type, so
    /// `1:` and `"1":` both name scale value 1, and `yes:` names choice value "yes".
    func value(ofKey node: Node, parser: RubricParser, path: String) throws(RubricError) -> ScoreValue {
        guard case .scalar(let scalar) = node else {
            throw parser.fail(node, path, "expected a value as the key, found \(parser.describe(node))")
        }
        let text = scalar.string
        var candidate: ScoreValue?
        switch kind {
        case .scale, .rank: candidate = RubricParser.numberValue(text).map { .number($0) }
        case .choice: candidate = .choice(text)
        case .flag:
            if ["true", "True", "TRUE"].contains(text) { candidate = .flag(true) }
            if ["false", "False", "FALSE"].contains(text) { candidate = .flag(false) }
        }
        guard let candidate, values.contains(candidate) else {
            let list = values.map(\.text).joined(separator: ", ")
            throw parser.fail(node, path, "'\(text)' is not one of the values (\(list))")
        }
        return candidate
    }
}
