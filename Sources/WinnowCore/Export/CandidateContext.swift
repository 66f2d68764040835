/// The earlier turns of an exported candidate answer. A candidate of a record's second candidate turn was
/// imported with the first candidate of each earlier candidate turn as context: text nobody checked. An
/// export replaces each such turn with the chosen candidate of that turn (the best-scored by overall, ties by
/// key); a candidate whose earlier candidate turn has no scored candidate is left out, and counted.
struct CandidateContext {
    /// The chosen candidate's answer per record and candidate turn.
    private var chosen: [String: String] = [:]
    /// The candidate turns (gpt turn indices) of each record.
    private var turnsOfRecord: [String: Set<Int>] = [:]

    init(items: [Item], scores: [Int64: ResolvedScores]) {
        var best: [String: (key: String, overall: Double, answer: String)] = [:]
        for item in items {
            guard let turn = item.turnIndex else { continue }
            let record = SelectionStage.recordIdentity(item)
            turnsOfRecord[record, default: []].insert(turn)
            guard let id = item.id, let overall = scores[id]?.overall else { continue }
            let slot = Self.slot(record, turn)
            if let current = best[slot], current.overall > overall || (current.overall == overall && current.key < item.key) { continue }
            best[slot] = (item.key, overall, item.turns.last?.value ?? "")
        }
        chosen = best.mapValues(\.answer)
    }

    private static func slot(_ record: String, _ turn: Int) -> String { record + "\u{0}\(turn)" }

    /// The item with every earlier candidate turn replaced by that turn's chosen candidate; nil when some
    /// earlier candidate turn has no scored candidate. Items that are not candidates come back as they are.
    func resolve(_ item: Item) -> Item? {
        guard let turn = item.turnIndex else { return item }
        let record = SelectionStage.recordIdentity(item)
        let earlier = (turnsOfRecord[record] ?? []).filter { $0 < turn }
        guard !earlier.isEmpty else { return item }
        var resolved = item
        var gptIndex = 0
        for i in resolved.turns.indices.dropLast() where resolved.turns[i].from == .gpt {
            if earlier.contains(gptIndex) {
                guard let answer = chosen[Self.slot(record, gptIndex)] else { return nil }
                resolved.turns[i].value = answer
            }
            gptIndex += 1
        }
        return resolved
    }
}
