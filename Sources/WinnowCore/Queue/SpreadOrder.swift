import GRDB

/// The cold-start queue order: before a reward model exists, items are served spread out, so the first
/// labels cover the data's variety rather than one file's first records.
///
/// Items are bucketed by their `type` field; within a bucket, groups are shuffled (seeded) and visited
/// round robin, one item per group per round; the buckets are then interleaved round robin. The same
/// items and seed always give the same order.
public enum SpreadOrder {
    public struct Entry: Sendable, Equatable {
        public var id: Int64
        public var group: String
        public var type: String
        public init(id: Int64, group: String, type: String) {
            self.id = id
            self.group = group
            self.type = type
        }
    }

    public static func order(_ entries: [Entry], seed: UInt64) -> [Int64] {
        var generator = SeededGenerator(seed: seed)
        var typeOrder: [String] = []
        var groupsOfType: [String: [String]] = [:]
        var itemsOfGroup: [String: [Int64]] = [:]
        for entry in entries {
            let groupKey = entry.type + "\u{0}" + entry.group
            if itemsOfGroup[groupKey] == nil {
                if groupsOfType[entry.type] == nil { typeOrder.append(entry.type) }
                groupsOfType[entry.type, default: []].append(groupKey)
            }
            itemsOfGroup[groupKey, default: []].append(entry.id)
        }
        typeOrder.sort()
        var sequences: [[Int64]] = []
        for type in typeOrder {
            var groups = groupsOfType[type]!
            groups.shuffle(using: &generator)
            var sequence: [Int64] = []
            var round = 0
            var remaining = groups
            while !remaining.isEmpty {
                remaining = remaining.filter { group in
                    let items = itemsOfGroup[group]!
                    guard round < items.count else { return false }
                    sequence.append(items[round])
                    return round + 1 < items.count
                }
                round += 1
            }
            sequences.append(sequence)
        }
        var result: [Int64] = []
        result.reserveCapacity(entries.count)
        var position = 0
        while result.count < entries.count {
            for sequence in sequences where position < sequence.count { result.append(sequence[position]) }
            position += 1
        }
        return result
    }


}
