import WinnowCore

/// Everything the group screen shows: one group's shared prompt once, its candidates side by side, and
/// each candidate's values in the rubric's terms (plus an order of the candidates for a `rank` criterion).
/// The screen is a pure function of this state and the terminal size; keys change it through
/// `GroupScreen.reduce`; the controller fills in what comes from the database.
public struct GroupScreenState: Sendable {
    /// One candidate of the group.
    public struct Candidate: Sendable, Equatable {
        public var itemId: Int64
        public var key: String
        /// What differs from the shared prompt: the candidate's own turns.
        public var turns: [Turn]
        public var values: [String: ScoreValue] = [:]
        public var note = ""
        public var flag = false
        /// Words that appear in no other candidate (lowercased, punctuation trimmed): marked on its card.
        public var ownWords: Set<String> = []
        public init(itemId: Int64, key: String, turns: [Turn]) {
            self.itemId = itemId
            self.key = key
            self.turns = turns
        }
    }

    public struct Progress: Sendable, Equatable {
        /// Groups this annotator has saved (all sessions) and in this session.
        public var groupsMine = 0
        public var session = 0
        /// Groups the queue still has for this annotator (an upper bound: some may be taken meanwhile).
        public var groupsLeft = 0
        public init() {}
    }

    public var rubric: Rubric
    public var annotator: String
    public var progress = Progress()
    public var reason = ""
    public var group: String?
    /// The shared part: image, captions and the turns every candidate has in common.
    public var prompt: ItemView?
    public var preview: Grid?
    public var candidates: [Candidate] = []
    /// The focused candidate and criterion.
    public var candidate = 0 { didSet { if candidate != oldValue { typed = "" } } }
    public var focus = 0 { didSet { if focus != oldValue { typed = "" } } }
    public var typed = ""
    /// Per `rank` criterion: candidate indices, best first, as picked so far.
    public var rankings: [String: [Int]] = [:]
    /// Scroll of the candidates' cards and of the shared prompt.
    public var scroll = 0
    public var promptScroll = 0
    /// (candidate index, criterion id) left empty when a save was refused.
    public var missing: Set<Slot> = []
    public var message: String?
    public var modelVersion: Int64?
    /// True when the group shows saved labels (history, undo): Enter saves edits.
    public var editing = false
    public var unsaved = false

    public struct Slot: Hashable, Sendable {
        public var candidate: Int
        public var criterion: String
        public init(_ candidate: Int, _ criterion: String) {
            self.candidate = candidate
            self.criterion = criterion
        }
    }

    public init(rubric: Rubric, annotator: String) {
        self.rubric = rubric
        self.annotator = annotator
    }

    public var focusedCriterion: Criterion? {
        rubric.criteria.indices.contains(focus) ? rubric.criteria[focus] : nil
    }

    /// Whether a ranking can be given: at most 9 candidates, each picked by its number key.
    public var rankable: Bool { candidates.count >= 2 && candidates.count <= CriterionKind.maximumRanked }

    /// The values a candidate's label is saved with: its own, plus its place in each complete ranking
    /// (a partial ranking gives places to the candidates picked so far: a draft keeps them).
    public func values(of index: Int) -> [String: ScoreValue] {
        var values = candidates[index].values
        for criterion in rubric.criteria where criterion.kind == .rank {
            if let place = rankings[criterion.id]?.firstIndex(of: index) { values[criterion.id] = .number(Double(place + 1)) }
        }
        return values
    }

    /// Puts stored places back as rankings (a saved label or a draft).
    public mutating func restoreRankings() {
        rankings = [:]
        for criterion in rubric.criteria where criterion.kind == .rank {
            var placed: [(place: Double, index: Int)] = []
            for index in candidates.indices {
                if let place = candidates[index].values.removeValue(forKey: criterion.id)?.numberValue { placed.append((place, index)) }
            }
            if !placed.isEmpty { rankings[criterion.id] = placed.sorted { $0.place < $1.place }.map(\.index) }
        }
    }

    /// What keeps the group from being saved: required values missing, and rankings not complete.
    public var missingSlots: [Slot] {
        var result: [Slot] = []
        for criterion in rubric.criteria {
            if criterion.kind == .rank {
                let count = rankings[criterion.id]?.count ?? 0
                guard rankable, criterion.required || count > 0, count < candidates.count else { continue }
                result.append(Slot(-1, criterion.id))
                continue
            }
            guard criterion.required else { continue }
            for index in candidates.indices where candidates[index].values[criterion.id] == nil { result.append(Slot(index, criterion.id)) }
        }
        return result
    }
}
