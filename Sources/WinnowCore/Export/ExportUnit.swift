import Foundation

/// One thing an export writes: an item, or a record assembled from the best candidate of each of its
/// turns. Selection stages work on units; formats turn units into records.
public struct ExportUnit: Sendable {
    /// The item, or for an assembled record its chosen candidates in turn order.
    public var items: [Item]
    public var scores: ResolvedScores
    /// The record's format as imported (`llava`, `alpaca`, …).
    public var format: String
    /// True when `items` are the chosen candidates of one record, to be written as that record.
    public var assembled: Bool
    /// True when the unit won `--best-per-group` for a group of several items. It is written under its own
    /// key (`000000000105/q1`), never the group's name, which may be another record's id.
    public var groupWinner: Bool

    public var key: String {
        if assembled, let first = items.first { return Self.recordKey(first) }
        return items[0].key
    }

    /// The key of the record a candidate came from: its key without `/tT/cK`.
    static func recordKey(_ item: Item) -> String {
        guard item.turnIndex != nil, let range = item.key.range(of: "/t\(item.turnIndex!)/c", options: .backwards) else { return item.key }
        return String(item.key[..<range.lowerBound])
    }

    /// A kept field's value, for `--per` and `--where`.
    public func field(_ name: String) -> WhereExpression.Value? {
        switch items.first?.fields[name] {
        case .string(let s): return .text(s)
        case .number(let n): return Double(n).map(WhereExpression.Value.number)
        case .bool(let b): return .flag(b)
        default: return nil
        }
    }

    /// What `--where` sees under a name: a criterion, `overall`, or a kept field.
    public func lookup(_ name: String) -> WhereExpression.Value? {
        if name == "overall" { return scores.overall.map(WhereExpression.Value.number) }
        if let value = scores.values[name] { return value }
        return field(name)
    }
}
