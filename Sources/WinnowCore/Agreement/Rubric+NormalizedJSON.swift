extension Rubric {
    /// Reads a rubric back from its normalized JSON (`normalizedJSON`, as the `rubric` table stores it),
    /// so statistics can use the rubric a label was given under without its YAML file. The result's
    /// `normalizedJSON` is the input again; `instructions` is empty (the normalized form leaves it out).
    /// Throws `StoredRubricError` when the text is not a normalized rubric.
    public init(normalizedJSON text: String) throws {
        func fail(_ message: String) -> StoredRubricError { StoredRubricError(message: message) }
        let root: JSONValue
        do { root = try JSONParser.parse(text) } catch { throw fail("not JSON") }
        guard let object = root.objectValue, let name = object["name"]?.stringValue,
              let version = object["version"]?.stringValue, let list = object["criteria"]?.arrayValue
        else { throw fail("expected {\"name\", \"version\", \"criteria\"}") }
        var criteria: [Criterion] = []
        for (index, entry) in list.enumerated() {
            let path = "criteria[\(index)]"
            guard let c = entry.objectValue, let id = c["id"]?.stringValue,
                  let kind = c["kind"]?.stringValue.flatMap(CriterionKind.init(rawValue:)),
                  let level = c["level"]?.stringValue.flatMap(MeasurementLevel.init(rawValue:)),
                  let rawValues = c["values"]?.arrayValue, !rawValues.isEmpty
            else { throw fail("\(path): expected a criterion with id, kind, level and values") }
            var values: [ScoreValue] = []
            for raw in rawValues {
                switch (kind, raw) {
                case (.scale, .number): values.append(.number(raw.doubleValue ?? .nan))
                case (.choice, .string(let s)): values.append(.choice(s))
                case (.flag, .bool(let b)): values.append(.flag(b))
                default: throw fail("\(path).values: \(raw.serialized()) is not a \(kind.rawValue) value")
                }
            }
            let byText = Dictionary(values.map { ($0.text, $0) }, uniquingKeysWith: { first, _ in first })
            var anchors: [ScoreValue: String] = [:]
            for member in c["anchors"]?.objectValue?.members ?? [] {
                if let value = byText[member.key], let text = member.value.stringValue { anchors[value] = text }
            }
            var keys: [KeyBinding] = []
            for member in c["keys"]?.objectValue?.members ?? [] {
                if let value = byText[member.key], let key = member.value.stringValue?.first {
                    keys.append(KeyBinding(key: key, value: value))
                }
            }
            let better: Better?
            switch c["better"] {
            case .string("higher"): better = .higher
            case .string("lower"): better = .lower
            case .bool(let good): better = .good(good)
            default: better = nil
            }
            criteria.append(Criterion(
                id: id, title: c["title"]?.stringValue ?? id, question: c["question"]?.stringValue ?? "", kind: kind,
                level: level, values: values, anchors: anchors, weight: c["weight"]?.doubleValue ?? 1,
                required: c["required"]?.boolValue ?? false, better: better,
                scores: c["scores"]?.arrayValue.map { $0.compactMap(\.doubleValue) }, keys: keys))
        }
        self.init(name: name, version: version, criteria: criteria)
    }
}

/// A rubric stored in the database that cannot be read back.
public struct StoredRubricError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { "stored rubric: \(message)" }
}
