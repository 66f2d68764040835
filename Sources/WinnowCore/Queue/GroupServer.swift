import Foundation
import GRDB

/// One group's place in the group-mode queue.
public struct GroupEntry: Sendable, Equatable {
    public var group: String
    public var members: [Int64]
    public var reason: QueueReason
    public var modelVersion: Int64?
    /// How unsure the model is of the order of the group's candidates (see `GroupQueue.orderUncertainty`).
    public var uncertainty: Double?
    /// 1-based position in the queue.
    public var rank: Int

    public init(group: String, members: [Int64], reason: QueueReason, modelVersion: Int64?, uncertainty: Double?, rank: Int) {
        self.group = group
        self.members = members
        self.reason = reason
        self.modelVersion = modelVersion
        self.uncertainty = uncertainty
        self.rank = rank
    }

    /// As the header shows it (the same words as an item's queue reason).
    var queueEntry: QueueEntry {
        QueueEntry(itemId: members.first ?? 0, reason: reason, modelVersion: modelVersion, uncertainty: uncertainty, rank: rank)
    }
}

/// The order in which group mode serves groups.
///
/// - With a model: what matters in a group is the order of its candidates (selection keeps the best, a
///   preference pair joins a better and a worse), so a group's uncertainty is the model's doubt about that
///   order: over every pair of candidates, the probability that their predicted overall scores are in the
///   wrong order, 2·Φ(−|μᵢ−μⱼ|/√(σᵢ²+σⱼ²)) (1 for a coin flip, 0 when sure), averaged. Most uncertain first;
///   a group with an unscored candidate (imported after the model) counts as most uncertain.
/// - Exploration: positions ⌊i·f⌋ < ⌊(i+1)·f⌋ (`explore_fraction` f) take a group drawn at random (seeded).
/// - Cold start (no model): groups in the order their first candidate has in the spread order.
public enum GroupQueue {
    public static func orderUncertainty(_ estimates: [Prediction.Estimate?]) -> Double? {
        let known = estimates.compactMap { $0 }
        guard known.count == estimates.count else { return nil }
        guard known.count > 1 else { return 0 }
        var total = 0.0
        var pairs = 0
        for i in 0..<known.count {
            for j in (i + 1)..<known.count {
                let spread = (known[i].std * known[i].std + known[j].std * known[j].std).squareRoot()
                let gap = abs(known[i].mean - known[j].mean)
                total += spread > 0 ? erfc(gap / spread / 2.0.squareRoot()) : (gap == 0 ? 1 : 0)
                pairs += 1
            }
        }
        return total / Double(pairs)
    }

    /// Orders `groups`. `estimate` gives a candidate's predicted overall score under `modelVersion` (nil:
    /// cold start, then `spreadOrder` of item ids is followed).
    public static func order(groups: [(group: String, members: [Int64])], estimate: ((Int64) -> Prediction.Estimate?)?,
                             modelVersion: Int64?, spreadOrder: [Int64], exploreFraction: Double, seed: UInt64) -> [GroupEntry] {
        guard let estimate, let modelVersion else {
            var position: [Int64: Int] = [:]
            for (i, id) in spreadOrder.enumerated() where position[id] == nil { position[id] = i }
            let first = groups.map { g in g.members.compactMap { position[$0] }.min() ?? Int.max }
            let sorted = groups.indices.sorted { first[$0] != first[$1] ? first[$0] < first[$1] : $0 < $1 }
            return sorted.enumerated().map { rank, g in
                GroupEntry(group: groups[g].group, members: groups[g].members, reason: .coldStart, modelVersion: nil, uncertainty: nil, rank: rank + 1)
            }
        }
        let u = groups.map { g in orderUncertainty(g.members.map(estimate)) ?? .infinity }
        let sorted = groups.indices.sorted { u[$0] != u[$1] ? u[$0] > u[$1] : $0 < $1 }
        var used = [Bool](repeating: false, count: groups.count)
        var generator = SeededGenerator(seed: seed ^ 0x4752_4F55_5053)
        let f = min(max(exploreFraction, 0), 1)
        var head = 0
        var result: [GroupEntry] = []
        for position in 0..<groups.count {
            let explore = f > 0 && Int((Double(position + 1) * f).rounded(.down)) > Int((Double(position) * f).rounded(.down))
            var chosen: Int?
            var reason = QueueReason.uncertainty
            if explore {
                let left = groups.count - position
                var skip = Int(generator.next() % UInt64(left))
                for g in sorted where !used[g] {
                    if skip == 0 {
                        chosen = g
                        break
                    }
                    skip -= 1
                }
                reason = .explore
            }
            if chosen == nil {
                while head < sorted.count && used[sorted[head]] { head += 1 }
                chosen = sorted[head]
            }
            let g = chosen!
            used[g] = true
            result.append(GroupEntry(group: groups[g].group, members: groups[g].members, reason: reason, modelVersion: modelVersion,
                                     uncertainty: u[g].isFinite ? u[g] : nil, rank: result.count + 1))
        }
        return result
    }
}

/// Serves whole groups of candidates to one annotator (`winnow label --by-group`): the next group in
/// `GroupQueue` order that is open to them, every candidate leased in one transaction.
///
/// Open means what it means for one item (`ItemServer`), at the level of the group: nobody else labels
/// or holds any of its candidates, or, for a group in the overlap sample (its group key hashed with
/// `seed`, so the sample is random and stable), fewer than `min_annotators` people do and this annotator
/// has not labeled all of them. Groups someone else has graded that still need people come first. A group
/// another person has started in item mode is left to item mode. Groups of more than `maximumMembers`
/// candidates are left to item mode too (`tooLarge` counts them).
public final class GroupServer {
    public struct Served: Sendable, Equatable {
        public var group: String
        public var members: [Int64]
        public var reason: ServeReason
        public init(group: String, members: [Int64], reason: ServeReason) {
            self.group = group
            self.members = members
            self.reason = reason
        }
    }

    public static let maximumMembers = 64

    public let store: Store
    public let annotator: String
    public let leaseSeconds: Double
    public let minAnnotators: Int
    public let overlap: Double
    public let seed: UInt64
    public private(set) var entries: [GroupEntry] = []
    /// Groups of more candidates than `maximumMembers`, not served here.
    public private(set) var tooLarge = 0
    private var cursor = 0
    private var overlapOpen: [GroupEntry] = []
    private var skipped: [GroupEntry] = []
    private var taken: Set<String> = []

    public init(store: Store, annotator: String) throws {
        self.store = store
        self.annotator = annotator
        let config = Config(store: store)
        leaseSeconds = try config.double(.leaseSeconds)
        seed = UInt64(try config.integer(.seed))
        overlap = try config.double(.overlap)
        minAnnotators = try config.integer(.minAnnotators)
        let explore = try config.double(.exploreFraction)
        let scores = try ModelScores.current(store: store)
        let (groups, spread) = try store.read { [seed] db in
            (try GroupQueries.multiMemberGroups(db), scores == nil ? try SpreadOrder.order(db, seed: seed) : [])
        }
        let servable = groups.filter { $0.members.count <= Self.maximumMembers }
        tooLarge = groups.count - servable.count
        let estimate: ((Int64) -> Prediction.Estimate?)? = scores.map { s in { s.prediction(for: $0)?.overall } }
        entries = GroupQueue.order(groups: servable, estimate: estimate, modelVersion: scores?.version.id, spreadOrder: spread,
                                   exploreFraction: explore, seed: seed)
        if overlap > 0 {
            // Overlap groups someone else has started and this annotator has not: first, for agreement.
            overlapOpen = try store.read { [annotator] db in
                try entries.filter { entry in
                    guard Self.isInOverlapSample(group: entry.group, overlap: overlap, seed: seed) else { return false }
                    let labelers = try GroupQueries.labelers(db, items: entry.members)
                    return labelers[annotator] == nil && labelers.count > 0 && labelers.count < minAnnotators
                }
            }
        }
    }

    /// Whether a group is in the overlap sample (its key hashed with the seed).
    public static func isInOverlapSample(group: String, overlap: Double, seed: UInt64) -> Bool {
        overlap > 0 && StableHash.unitInterval(group, seed: seed) < overlap
    }

    /// The group this annotator was on when they left (a live lease on one of its candidates), leased again.
    public func resumable() throws -> Served? {
        try store.write(waitingForCheck: false) { [annotator] db -> Served? in
            guard let group = try GroupQueries.resumableGroup(db, annotator: annotator, now: Date().timeIntervalSince1970) else { return nil }
            let members = try GroupQueries.members(db, group: group)
            guard members.count <= Self.maximumMembers, try lease(db, members, group: group, served: .resumed) else { return nil }
            return Served(group: group, members: members, reason: .resumed)
        }
    }

    /// Leases and returns the next group, or nil when none is left for this annotator.
    public func next() throws -> Served? {
        try saveAndNext(current: nil) { _ in () }.next
    }

    /// Runs `save` (the labels of the group on screen), releases that group's leases and leases the next
    /// group, in one write transaction: nothing of it is written if any part fails.
    /// With `serveNext` false (an edit from history) nothing new is leased.
    public func saveAndNext<T>(current: Served?, serveNext: Bool = true, save: (Database) throws -> T) throws -> (saved: T, next: Served?) {
        let walk = (cursor, overlapOpen, skipped, taken)
        do {
            return try store.write(waitingForCheck: false) { db in
                let saved = try save(db)
                if let current {
                    taken.insert(current.group)
                    try release(db, current.members)
                }
                return (saved, serveNext ? try take(db) : nil)
            }
        } catch {
            (cursor, overlapOpen, skipped, taken) = walk
            throw error
        }
    }

    private func take(_ db: Database) throws -> Served? {
        while !overlapOpen.isEmpty {
            let entry = overlapOpen.removeFirst()
            if taken.contains(entry.group) { continue }
            if try lease(db, entry.members, group: entry.group, served: .overlap) { return Served(group: entry.group, members: entry.members, reason: .overlap) }
        }
        while cursor < entries.count {
            let entry = entries[cursor]
            cursor += 1
            if taken.contains(entry.group) || skipped.contains(where: { $0.group == entry.group }) { continue }
            let reason = ServeReason.queue(entry.queueEntry)
            if try lease(db, entry.members, group: entry.group, served: reason) { return Served(group: entry.group, members: entry.members, reason: reason) }
            taken.insert(entry.group)
        }
        while !skipped.isEmpty {
            let entry = skipped.removeFirst()
            if taken.contains(entry.group) { continue }
            if try lease(db, entry.members, group: entry.group, served: .skippedEarlier) {
                return Served(group: entry.group, members: entry.members, reason: .skippedEarlier)
            }
        }
        return nil
    }

    /// Leases every candidate of a group if the group is open to this annotator; `ignoreLabels` leases a
    /// group the annotator returns to (history, undo) when only another's live lease stops it.
    @discardableResult
    public func lease(_ members: [Int64], group: String, ignoreLabels: Bool = false) throws -> Bool {
        try store.write(waitingForCheck: false) { db in try lease(db, members, group: group, ignoreLabels: ignoreLabels) }
    }

    private func lease(_ db: Database, _ members: [Int64], group: String, ignoreLabels: Bool = false, served reason: ServeReason? = nil) throws -> Bool {
        let now = Date().timeIntervalSince1970
        let allowed = Self.isInOverlapSample(group: group, overlap: overlap, seed: seed) ? minAnnotators : 1
        let holders = try GroupQueries.holders(db, items: members, except: annotator, now: now)
        if ignoreLabels {
            if !holders.isEmpty && allowed == 1 { return false }
        } else {
            var labelers = try GroupQueries.labelers(db, items: members)
            if labelers[annotator] == members.count { return false }
            labelers[annotator] = nil
            if Set(labelers.keys).union(holders).count >= allowed { return false }
        }
        for id in members {
            try LeaseQueries.lease(db, item: id, annotator: annotator, expiresAt: now + leaseSeconds)
            if let reason { try ItemServer.logServe(db, item: id, annotator: annotator, reason: reason) }
        }
        return true
    }

    /// Renews the leases of a group's candidates.
    public func renew(_ members: [Int64]) throws {
        try store.write(waitingForCheck: false) { [annotator, leaseSeconds] db in
            let until = Date().timeIntervalSince1970 + leaseSeconds
            for id in members { try LeaseQueries.lease(db, item: id, annotator: annotator, expiresAt: until) }
        }
    }

    public func release(_ members: [Int64]) throws {
        try store.write(waitingForCheck: false) { db in try release(db, members) }
    }

    private func release(_ db: Database, _ members: [Int64]) throws {
        for id in members { try LeaseQueries.release(db, item: id, annotator: annotator) }
    }

    /// The group goes to the back of this session's queue.
    public func skip(_ served: Served) throws {
        try release(served.members)
        if !skipped.contains(where: { $0.group == served.group }) {
            skipped.append(GroupEntry(group: served.group, members: served.members, reason: .uncertainty, modelVersion: nil, uncertainty: nil, rank: 0))
        }
    }

    /// A saved group is not served again in this session; an undone one may be.
    public func markLabeled(_ group: String) { taken.insert(group) }
    public func markUnlabeled(_ group: String) { taken.remove(group) }
}
