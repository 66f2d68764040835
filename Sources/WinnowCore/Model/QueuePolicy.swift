import Foundation
import GRDB

/// Why the queue put an item where it is.
public enum QueueReason: String, Sendable, Equatable {
    /// The model is least sure about it.
    case uncertainty
    /// Drawn at random (seeded): `explore_fraction` of the positions.
    case explore
    /// No model yet: the spread order.
    case coldStart = "cold start"
}

/// One served position: which item, why, and with which model.
public struct QueueEntry: Sendable, Equatable {
    public var itemId: Int64
    public var reason: QueueReason
    /// The model version the order came from; nil at cold start.
    public var modelVersion: Int64?
    /// The item's uncertainty under that model (nil at cold start).
    public var uncertainty: Double?
    /// 1-based position in the queue.
    public var rank: Int

    public init(itemId: Int64, reason: QueueReason, modelVersion: Int64?, uncertainty: Double?, rank: Int) {
        self.itemId = itemId
        self.reason = reason
        self.modelVersion = modelVersion
        self.uncertainty = uncertainty
        self.rank = rank
    }

    /// For the labeling header (lead view): "uncertainty 0.312 (model 4, #7)".
    public var text: String {
        switch reason {
        case .coldStart: return "cold start: spread order (#\(rank))"
        case .uncertainty, .explore:
            let u = uncertainty.map { String(format: "%.3f", $0) } ?? "?"
            return "\(reason.rawValue) \(u) (model \(modelVersion.map(String.init) ?? "?"), #\(rank))"
        }
    }
}

/// The serving order once a model exists: most uncertain first, with exploration and diversity. The
/// uncertainty is what the model file stores per item: its rank uncertainty (`RankUncertainty`).
///
/// - Exploration: positions ⌊i·f⌋ < ⌊(i+1)·f⌋ (exactly `explore_fraction` of them, evenly spread) are
///   filled by an item drawn at random from the rest (seeded), reason `explore`.
/// - Diversity: no more than `maxRun` consecutive items from one group or one image, and never two
///   near-duplicate responses (simhash within `nearDuplicateBits`) in a row. The most uncertain item
///   that keeps these rules (looking `window` items ahead) is taken; if none does, the most uncertain.
/// - Cold start (no scores): the spread order as given, reason `cold start`.
public enum QueuePolicy {
    public struct Candidate: Sendable, Equatable {
        public var id: Int64
        public var group: String
        public var image: String?
        public var simhash: UInt64
        public init(id: Int64, group: String, image: String? = nil, simhash: UInt64 = 0) {
            self.id = id
            self.group = group
            self.image = image
            self.simhash = simhash
        }
    }

    public struct Rules: Sendable, Equatable {
        public var exploreFraction: Double
        public var seed: UInt64
        public var maxRun = 2
        public var nearDuplicateBits = 3
        public var window = 64
        public init(exploreFraction: Double, seed: UInt64) {
            self.exploreFraction = exploreFraction
            self.seed = seed
        }
    }

    /// Orders `candidates` (the unlabeled items). `uncertainty` gives each item's uncertainty under
    /// `modelVersion`, nil for every item when there is no model: then `spreadOrder` (ids) is followed.
    public static func order(candidates: [Candidate], uncertainty: ((Int64) -> Double?)?, modelVersion: Int64?,
                             spreadOrder: [Int64], rules: Rules) -> [QueueEntry] {
        guard let uncertainty, let modelVersion else {
            let wanted = Set(candidates.map(\.id))
            var seen = Set<Int64>()
            var result: [QueueEntry] = []
            for id in spreadOrder where wanted.contains(id) && seen.insert(id).inserted {
                result.append(QueueEntry(itemId: id, reason: .coldStart, modelVersion: nil, uncertainty: nil, rank: result.count + 1))
            }
            // Items missing from the spread order (imported since): last, in id order.
            for c in candidates.sorted(by: { $0.id < $1.id }) where seen.insert(c.id).inserted {
                result.append(QueueEntry(itemId: c.id, reason: .coldStart, modelVersion: nil, uncertainty: nil, rank: result.count + 1))
            }
            return result
        }
        let n = candidates.count
        // Unscored items (imported after the model) count as most uncertain.
        let u = candidates.map { uncertainty($0.id) ?? Double.infinity }
        let sorted = (0..<n).sorted { u[$0] != u[$1] ? u[$0] > u[$1] : candidates[$0].id < candidates[$1].id }
        var used = [Bool](repeating: false, count: n)
        var randomPool = Array(0..<n)
        var generator = SeededGenerator(seed: rules.seed ^ 0x4558_504C_4F52_45)
        var head = 0
        var result: [QueueEntry] = []
        result.reserveCapacity(n)
        var recent: [Int] = []

        func fits(_ c: Int) -> Bool {
            let candidate = candidates[c]
            if recent.count >= rules.maxRun {
                let tail = recent.suffix(rules.maxRun)
                if tail.allSatisfy({ candidates[$0].group == candidate.group }) { return false }
                if let image = candidate.image, tail.allSatisfy({ candidates[$0].image == image }) { return false }
            }
            if let last = recent.last, candidate.simhash != 0, candidates[last].simhash != 0,
                (candidate.simhash ^ candidates[last].simhash).nonzeroBitCount <= rules.nearDuplicateBits {
                return false
            }
            return true
        }

        let f = min(max(rules.exploreFraction, 0), 1)
        for position in 0..<n {
            let explore = f > 0 && Int((Double(position + 1) * f).rounded(.down)) > Int((Double(position) * f).rounded(.down))
            var chosen: Int?
            var reason = QueueReason.uncertainty
            if explore {
                var fallback: Int?
                var tries = 0
                while !randomPool.isEmpty && tries < 8 {
                    let r = Int(generator.next() % UInt64(randomPool.count))
                    let c = randomPool[r]
                    if used[c] {
                        randomPool.swapAt(r, randomPool.count - 1)
                        randomPool.removeLast()
                        continue
                    }
                    tries += 1
                    if fallback == nil { fallback = c }
                    if fits(c) {
                        chosen = c
                        break
                    }
                }
                if chosen == nil { chosen = fallback }
                if chosen != nil { reason = .explore }
            }
            if chosen == nil {
                while head < n && used[sorted[head]] { head += 1 }
                var scanned = 0
                var p = head
                while p < n && scanned < rules.window {
                    let c = sorted[p]
                    p += 1
                    if used[c] { continue }
                    scanned += 1
                    if fits(c) {
                        chosen = c
                        break
                    }
                }
                if chosen == nil, head < n { chosen = sorted[head] }
            }
            guard let c = chosen else { break }
            used[c] = true
            recent.append(c)
            if recent.count > rules.maxRun { recent.removeFirst() }
            result.append(QueueEntry(itemId: candidates[c].id, reason: reason, modelVersion: modelVersion,
                                     uncertainty: u[c].isFinite ? u[c] : nil, rank: result.count + 1))
        }
        return result
    }

    /// The queue for the database as it is now: the current model's order, or the spread order when
    /// there is no model. Reads `explore_fraction` and `seed` from config. `scores` may be passed when the
    /// caller already holds the current model's scores.
    public static func order(store: Store, scores: ModelScores? = nil) throws -> [QueueEntry] {
        let config = Config(store: store)
        let rules = Rules(exploreFraction: try config.double(.exploreFraction), seed: UInt64(try config.integer(.seed)))
        let scores = try scores ?? ModelScores.current(store: store)
        let needSpread = scores == nil
        let (candidates, spread) = try store.read { db -> ([Candidate], [Int64]) in
            let list = try QueuePolicy.candidates(db)
            let spread = needSpread ? try SpreadOrder.order(db, seed: rules.seed) : []
            return (list, spread)
        }
        guard let scores else {
            return order(candidates: candidates, uncertainty: nil, modelVersion: nil, spreadOrder: spread, rules: rules)
        }
        return order(candidates: candidates, uncertainty: { scores.uncertainty(of: $0) }, modelVersion: scores.version.id,
                     spreadOrder: [], rules: rules)
    }
}
