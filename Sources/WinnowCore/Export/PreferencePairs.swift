/// Preference pairs (`dpo`, `dpo-llava`): two answers to one prompt, the better and the worse by a
/// score, at least a margin apart.
///
/// A pair is only ever made of two items of one group that answers one prompt (`GroupKey.Kind.sharesPrompt`:
/// the candidates of one turn, the models' answers to one question) and whose prompts (the conversation up to
/// the graded turn) are the same text: question sets of one image, or whole records, never pair.
public struct PairPlan: Sendable, Equatable {
    /// The criteria summed for a candidate's pair score; empty means the rubric's overall score (0–1).
    public var criteria: [String]
    public var margin: Double
    /// The lowest and highest pair score the rubric allows.
    public var range: ClosedRange<Double>
    /// Said in the summary when a default could not apply as written (e.g. the rubric has no HelpSteer criteria).
    public var note: String?
    /// The rubric's ranking (its first `rank` criterion): a group whose answers have places in it pairs
    /// by that order, not by scores.
    public var rank: String?
    /// Which pairs a group gives: best against worst, or every pair in its order.
    public var pairs: PairMode = .extremes

    public enum PairMode: String, Sendable, CaseIterable {
        /// The best against the worst answer of each group (one pair per group).
        case extremes
        /// Every two answers of a group in its order (a ranking of n gives n(n−1)/2 pairs; by scores, every
        /// two that differ by the margin).
        case all
    }

    /// HelpSteer's three, mllm-dpo's choice, the default when the rubric has them.
    public static let helpSteer = ["helpfulness", "correctness", "coherence"]

    public enum PlanError: Error, CustomStringConvertible, Equatable {
        case unknownCriterion(String, known: [String])
        case notNumeric(String)
        case rankNotSummed(String)
        case marginOutOfRange(margin: Double, label: String, range: ClosedRange<Double>)

        public var description: String {
            switch self {
            case .unknownCriterion(let name, let known):
                return "--pair-criteria: '\(name)' is not a criterion of the rubric (criteria: \(known.joined(separator: ", ")); or overall)"
            case .notNumeric(let name):
                return "--pair-criteria: '\(name)' is a choice, which has no number to sum; name scales, flags or overall"
            case .rankNotSummed(let name):
                return "--pair-criteria: '\(name)' is a ranking, which pairs by itself (a ranked group's pairs follow its order, see --pairs); name scales, flags or overall"
            case .marginOutOfRange(let margin, let label, let range):
                return "--margin \(PairPlan.shown(margin)) cannot be met: the pair score (\(label)) runs from \(PairPlan.shown(range.lowerBound))"
                    + " to \(PairPlan.shown(range.upperBound)), so no two answers differ by more than \(PairPlan.shown(range.upperBound - range.lowerBound))"
            }
        }
    }

    /// The plan for the options given: `criteria` nil means the default (HelpSteer's three when the rubric
    /// has them all, else overall, said in `note`); `margin` nil means one sixth of the score's range
    /// (2 for HelpSteer's three 0–4 scales, mllm-dpo's margin).
    public static func make(rubric: Rubric, criteria given: [String]?, margin: Double?, pairs: PairMode = .extremes) throws(PlanError) -> PairPlan {
        var criteria: [String]
        var note: String?
        if let given {
            criteria = given == ["overall"] ? [] : given
        } else if helpSteer.allSatisfy({ rubric.criterion($0) != nil }) {
            criteria = helpSteer
        } else {
            criteria = []
            note = "pair score: the rubric's overall score (it has no \(helpSteer.joined(separator: ", ")); --pair-criteria names others)"
        }
        var low = 0.0, high = 0.0
        if criteria.isEmpty {
            high = 1
        }
        for name in criteria {
            guard let criterion = rubric.criterion(name) else {
                throw .unknownCriterion(name, known: rubric.criteria.map(\.id))
            }
            switch criterion.kind {
            case .scale:
                let numbers = criterion.values.compactMap(\.numberValue)
                low += numbers.min() ?? 0
                high += numbers.max() ?? 0
            case .flag:
                high += 1
            case .choice:
                throw .notNumeric(name)
            case .rank:
                throw .rankNotSummed(name)
            }
        }
        let range = low...high
        let label = criteria.isEmpty ? "overall" : criteria.joined(separator: " + ")
        let chosenMargin = margin ?? (high - low) / 6
        if chosenMargin < 0 || !chosenMargin.isFinite || exceeds(chosenMargin, high - low) {
            throw .marginOutOfRange(margin: chosenMargin, label: label, range: range)
        }
        return PairPlan(criteria: criteria, margin: chosenMargin, range: range, note: note,
                        rank: rubric.criteria.first { $0.kind == .rank }?.id, pairs: pairs)
    }

    /// What the pair score is, for the summary and the manifest.
    public var label: String { criteria.isEmpty ? "overall" : criteria.joined(separator: " + ") }

    /// A unit's pair score, or nil when it lacks a value for some criterion.
    func score(_ scores: ResolvedScores) -> Double? {
        if criteria.isEmpty { return scores.overall }
        var sum = 0.0
        for name in criteria {
            guard let x = scores.number(name) else { return nil }
            sum += x
        }
        return sum
    }

    /// Whether `difference` meets the margin. Scores on a decimal grid (0.7 and 0.6) differ by a binary
    /// fraction a hair off the decimal (0.09999999999999998), so the test allows a relative 1e-9.
    public func meets(_ difference: Double) -> Bool {
        difference >= margin - 1e-9 * max(1, abs(margin))
    }

    static func exceeds(_ x: Double, _ limit: Double) -> Bool { x > limit + 1e-9 * max(1, abs(limit)) }

    /// A number as a person reads it: rounded to 9 decimals, so 0.1 + 0.2 prints 0.3.
    public static func rounded(_ x: Double) -> Double {
        guard x.isFinite, abs(x) < 1e9 else { return x }
        return (x * 1e9).rounded() / 1e9
    }

    public static func shown(_ x: Double) -> String { JSONValue.format(rounded(x)) }
}

/// One written pair, with what makes it traceable.
struct PreferencePair {
    var group: String
    var chosen: Item
    var rejected: Item
    var chosenScore: Double
    var rejectedScore: Double
    var source: String
    /// What ordered the two: the plan's score, or the group's ranking (the scores are then places, 1 best).
    var basis: String

    var byRank: Bool { basis == PreferencePair.rankBasis }
    static let rankBasis = "rank"

    /// How far apart the two are: score points, or places in the ranking.
    var difference: Double { PairPlan.rounded(byRank ? rejectedScore - chosenScore : chosenScore - rejectedScore) }
}

/// What happened to the groups when pairs were made, so an export with few or no pairs says why.
public struct PairCounts: Sendable, Equatable {
    /// Groups (one prompt each) with two or more scored answers.
    public var groups = 0
    public var written = 0
    public var underMargin = 0
    /// Groups of one prompt with fewer than two scored answers.
    public var tooFewScored = 0
    /// Groups of several items that do not answer one prompt (question sets, records): they never pair.
    public var notOnePrompt = 0
    /// Groups paired by their ranking rather than by scores.
    public var ranked = 0
}

enum PreferencePairs {
    /// Per group of one prompt: when two or more of its answers have places in the rubric's ranking, the
    /// ranking orders them (best against worst, or with `--pairs all` every earlier place against every later
    /// one; no margin: places always differ). Otherwise chosen is the highest pair score, rejected the lowest
    /// (ties by key), kept when they differ by at least the margin; with `--pairs all`, every two answers
    /// that differ by the margin.
    static func make(_ units: [ExportUnit], plan: PairPlan) -> ([PreferencePair], PairCounts) {
        var groups: [String: [(unit: ExportUnit, score: Double?)]] = [:]
        var order: [String] = []
        var kindOf: [String: GroupKey.Kind] = [:]
        for unit in units where !unit.assembled {
            let item = unit.items[0]
            let group = item.groupKey
            // Members of a group are split by their prompt's text: a pair never joins two prompts.
            let prompt = group.kind.sharesPrompt
                ? item.turns.dropLast().map { $0.from.rawValue + "\u{1}" + $0.value }.joined(separator: "\u{2}") : ""
            let key = item.group + "\u{0}" + prompt
            if groups[key] == nil { order.append(key) }
            kindOf[key] = group.kind
            groups[key, default: []].append((unit, plan.score(unit.scores)))
        }
        var pairs: [PreferencePair] = []
        var counts = PairCounts()
        for key in order {
            let members = groups[key]!
            guard kindOf[key]!.sharesPrompt else {
                if members.count > 1 { counts.notOnePrompt += 1 }
                continue
            }
            // A ranking orders the answers by itself: place 1 is chosen over every later place.
            if let rank = plan.rank {
                let placed = members.compactMap { m in m.unit.scores.number(rank).map { (m.unit, $0) } }
                if placed.count >= 2 {
                    counts.groups += 1
                    counts.ranked += 1
                    let sorted = placed.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0.items[0].key < $1.0.items[0].key }
                    var chosenRejected: [(Int, Int)] = []
                    switch plan.pairs {
                    case .extremes: chosenRejected = [(0, sorted.count - 1)]
                    case .all:
                        for i in 0..<sorted.count { for j in (i + 1)..<sorted.count { chosenRejected.append((i, j)) } }
                    }
                    for (i, j) in chosenRejected where sorted[i].1 < sorted[j].1 {
                        let sources = Set([sorted[i].0.scores.source, sorted[j].0.scores.source])
                        pairs.append(PreferencePair(
                            group: sorted[i].0.items[0].groupKey.name, chosen: sorted[i].0.items[0], rejected: sorted[j].0.items[0],
                            chosenScore: sorted[i].1, rejectedScore: sorted[j].1, source: sources.count == 1 ? sources.first! : "mixed",
                            basis: PreferencePair.rankBasis))
                    }
                    continue
                }
            }
            let scored = members.compactMap { m in m.score.map { (m.unit, $0) } }
            guard scored.count >= 2 else {
                counts.tooFewScored += 1
                continue
            }
            counts.groups += 1
            let sorted = scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.items[0].key < $1.0.items[0].key }
            var candidates: [(Int, Int)] = [(0, sorted.count - 1)]
            if plan.pairs == .all {
                candidates = []
                for i in 0..<sorted.count { for j in (i + 1)..<sorted.count { candidates.append((i, j)) } }
            }
            let kept = candidates.filter { plan.meets(sorted[$0.0].1 - sorted[$0.1].1) }
            guard !kept.isEmpty else {
                counts.underMargin += 1
                continue
            }
            for (i, j) in kept {
                let chosen = sorted[i], rejected = sorted[j]
                let sources = Set([chosen.0.scores.source, rejected.0.scores.source])
                pairs.append(PreferencePair(
                    group: chosen.0.items[0].groupKey.name, chosen: chosen.0.items[0], rejected: rejected.0.items[0],
                    chosenScore: chosen.1, rejectedScore: rejected.1, source: sources.count == 1 ? sources.first! : "mixed",
                    basis: plan.label))
            }
        }
        counts.written = pairs.count
        return (pairs, counts)
    }
}
