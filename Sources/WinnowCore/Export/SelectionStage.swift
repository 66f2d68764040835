import Foundation

/// One step of an export's selection, applied in the order given on the command line. Ties always
/// break by key, so the same data and options give the same subset.
public enum SelectionStage: Sendable, Equatable {
    /// `--where`, with the text as given (for the manifest).
    case filter(WhereExpression, text: String)
    /// The best unit of each group; candidate answers are then assembled into their records.
    case bestPerGroup
    /// The best `fraction` of each stratum of `field` (all units one stratum without it), rounded up.
    case topFraction(Double, per: String?)
    case limit(Int)

    public var description: String {
        switch self {
        case .filter(_, let text): return "where \(text)"
        case .bestPerGroup: return "best per group"
        case .topFraction(let x, let per): return "top \(JSONValue.format(x)) " + (per.map { "per \($0)" } ?? "of all")
        case .limit(let n): return "limit \(n)"
        }
    }

    /// Best first: higher overall score, then key.
    static func better(_ a: ExportUnit, _ b: ExportUnit) -> Bool {
        let x = a.scores.overall ?? -.infinity, y = b.scores.overall ?? -.infinity
        return x != y ? x > y : a.key < b.key
    }

    /// Applies the stage. `candidateTurns` says how many candidate turns each record has (by
    /// source name and record index), so a record is assembled only when every turn has a winner.
    /// `rank` names the rubric's ranking: a group whose every unit has a place in it keeps its place 1.
    func apply(_ units: [ExportUnit], candidateTurns: [String: Int], rank: String? = nil) -> [ExportUnit] {
        switch self {
        case .filter(let expression, _):
            return units.filter { unit in expression.evaluate(unit.lookup) }
        case .limit(let n):
            let keep = Set(units.sorted(by: SelectionStage.better).prefix(max(0, n)).map(\.key))
            return units.filter { keep.contains($0.key) }
        case .topFraction(let fraction, let field):
            var strata: [String: [ExportUnit]] = [:]
            for unit in units { strata[SelectionStage.stratum(unit, field), default: []].append(unit) }
            var keep: Set<String> = []
            for (_, members) in strata {
                let count = Int((fraction * Double(members.count)).rounded(.up))
                keep.formUnion(members.sorted(by: SelectionStage.better).prefix(count).map(\.key))
            }
            return units.filter { keep.contains($0.key) }
        case .bestPerGroup:
            var groups: [String: [ExportUnit]] = [:]
            var order: [String] = []
            for unit in units {
                let group = unit.assembled ? unit.key : unit.items[0].group
                if groups[group] == nil { order.append(group) }
                groups[group, default: []].append(unit)
            }
            var winners: [ExportUnit] = []
            for group in order {
                let members = groups[group]!
                var ranked: [ExportUnit]?
                if let rank, members.count > 1, members.allSatisfy({ $0.scores.number(rank) != nil }) {
                    ranked = members.sorted { a, b in
                        let x = a.scores.number(rank)!, y = b.scores.number(rank)!
                        return x != y ? x < y : SelectionStage.better(a, b)
                    }
                }
                guard var best = (ranked ?? members.sorted(by: SelectionStage.better)).first else { continue }
                if groups[group]!.count > 1 && !best.assembled && best.items[0].turnIndex == nil { best.groupWinner = true }
                winners.append(best)
            }
            return SelectionStage.assemble(winners, candidateTurns: candidateTurns)
        }
    }

    static func stratum(_ unit: ExportUnit, _ field: String?) -> String {
        guard let field else { return "all" }
        switch unit.lookup(field) {
        case .text(let s): return s
        case .number(let x): return JSONValue.format(x)
        case .flag(let b): return String(b)
        case nil: return "(none)"
        }
    }

    static func recordIdentity(_ item: Item) -> String { "\(item.sourceName)\u{0}\(item.recordIndex)" }

    /// Winning candidates of the same record become one unit, scored by the mean of their scores; a
    /// record some of whose candidate turns have no winner is left out (it could not be written whole).
    static func assemble(_ winners: [ExportUnit], candidateTurns: [String: Int]) -> [ExportUnit] {
        var result: [ExportUnit] = []
        var byRecord: [String: [ExportUnit]] = [:]
        var order: [String] = []
        for unit in winners {
            guard !unit.assembled, let item = unit.items.first, item.turnIndex != nil else {
                result.append(unit)
                continue
            }
            let record = recordIdentity(item)
            if byRecord[record] == nil { order.append(record) }
            byRecord[record, default: []].append(unit)
        }
        for record in order {
            let parts = byRecord[record]!.sorted { ($0.items[0].turnIndex ?? 0) < ($1.items[0].turnIndex ?? 0) }
            guard parts.count == candidateTurns[record] else { continue }
            var values: [String: WhereExpression.Value] = [:]
            let criteria = Set(parts.flatMap { $0.scores.values.keys })
            for criterion in criteria {
                let all = parts.compactMap { $0.scores.values[criterion] }
                guard all.count == parts.count else { continue }
                switch all[0] {
                case .number:
                    let numbers = all.compactMap { if case .number(let x) = $0 { return x } else { return nil } }
                    values[criterion] = .number(numbers.reduce(0, +) / Double(numbers.count))
                case .flag:
                    // Any chosen candidate with the flag set marks the record (a hallucination anywhere counts).
                    values[criterion] = .flag(all.contains(.flag(true)))
                case .text:
                    values[criterion] = all[0]
                }
            }
            let overalls = parts.compactMap(\.scores.overall)
            let sources = Set(parts.map(\.scores.source))
            let scores = ResolvedScores(
                values: values, overall: overalls.count == parts.count ? overalls.reduce(0, +) / Double(overalls.count) : nil,
                source: sources.count == 1 ? sources.first! : "mixed", annotators: Array(Set(parts.flatMap(\.scores.annotators))).sorted())
            result.append(ExportUnit(items: parts.map { $0.items[0] }, scores: scores, format: parts[0].format, assembled: true, groupWinner: false))
        }
        return result
    }
}
