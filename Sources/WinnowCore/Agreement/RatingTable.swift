/// One rating of one criterion: which rater put which item in which category (the value's position in
/// the criterion's `values`, counted from 0).
public struct Rating: Sendable, Equatable {
    public var item: String
    public var rater: String
    public var category: Int

    public init(item: String, rater: String, category: Int) {
        self.item = item
        self.rater = rater
        self.category = category
    }
}

/// The ratings of one criterion, item by item: the input of every agreement statistic.
///
/// Items come in the order they first appear; raters are sorted by name. An item is here only if it has
/// at least one rating. A rater who rated the same item twice counts once, with the later rating.
/// Categories outside `0..<categoryCount` are left out.
public struct RatingTable: Sendable {
    /// q: the number of values of the criterion; every one is a category, used or not.
    public let categoryCount: Int
    /// Rater names, sorted.
    public let raters: [String]
    /// Item keys, in order of first appearance.
    public let items: [String]
    /// The ratings of item i are `entries[itemStart[i]..<itemStart[i + 1]]`, in rater order.
    let itemStart: [Int]
    let entries: [Entry]

    struct Entry: Sendable, Equatable {
        var rater: Int
        var category: Int
    }

    public init(categoryCount: Int, ratings: [Rating]) {
        self.categoryCount = categoryCount
        let raters = Array(Set(ratings.map(\.rater))).sorted()
        var raterIndex: [String: Int] = [:]
        for (i, name) in raters.enumerated() { raterIndex[name] = i }
        var itemIndex: [String: Int] = [:]
        var items: [String] = []
        var byItem: [[Int: Int]] = []  // rater -> category, per item
        for rating in ratings where (0..<categoryCount).contains(rating.category) {
            let i: Int
            if let known = itemIndex[rating.item] {
                i = known
            } else {
                i = items.count
                itemIndex[rating.item] = i
                items.append(rating.item)
                byItem.append([:])
            }
            byItem[i][raterIndex[rating.rater]!] = rating.category
        }
        var itemStart = [0]
        var entries: [Entry] = []
        entries.reserveCapacity(ratings.count)
        for cells in byItem {
            for rater in cells.keys.sorted() { entries.append(Entry(rater: rater, category: cells[rater]!)) }
            itemStart.append(entries.count)
        }
        let used = Set(entries.map(\.rater))
        // Raters whose every rating fell outside the categories are not raters of this table.
        if used.count != raters.count {
            let kept = raters.indices.filter { used.contains($0) }
            var renumber: [Int: Int] = [:]
            for (new, old) in kept.enumerated() { renumber[old] = new }
            entries = entries.map { Entry(rater: renumber[$0.rater]!, category: $0.category) }
            self.raters = kept.map { raters[$0] }
        } else {
            self.raters = raters
        }
        self.items = items
        self.itemStart = itemStart
        self.entries = entries
    }

    /// Items with at least one rating.
    public var itemCount: Int { items.count }

    /// Items with at least two ratings: the only ones that say anything about agreement.
    public var pairableItemCount: Int {
        (0..<items.count).reduce(0) { $0 + (itemStart[$1 + 1] - itemStart[$1] >= 2 ? 1 : 0) }
    }

    /// The (rater, category) ratings of item `i`, in rater order.
    func ratings(ofItem i: Int) -> ArraySlice<Entry> { entries[itemStart[i]..<itemStart[i + 1]] }

    /// r_ik for item `i`: how many raters put it in each category.
    public func counts(ofItem i: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: categoryCount)
        for entry in ratings(ofItem: i) { counts[entry.category] += 1 }
        return counts
    }

    /// The items' category counts, grouped into distinct patterns so that every statistic (and each
    /// bootstrap resample) costs O(patterns × q²) once the items are tallied.
    var patterns: CountPatterns { CountPatterns(self) }
}

/// Items' category-count vectors (r_i1 … r_iq), each distinct vector stored once with how many items
/// have it. Every coefficient here depends on the items only through these vectors, so computing on
/// patterns with weights equals computing on the items; a bootstrap resample is a new set of weights.
struct CountPatterns: Sendable {
    let q: Int
    /// Pattern p's counts are `counts[p * q ..< (p + 1) * q]`.
    private(set) var counts: [Int] = []
    /// r_p: the number of ratings in pattern p.
    private(set) var totals: [Int] = []
    /// How many items have pattern p.
    private(set) var frequency: [Double] = []
    /// The pattern of each item of the table.
    private(set) var patternOfItem: [Int] = []

    var patternCount: Int { totals.count }

    init(_ table: RatingTable) {
        q = table.categoryCount
        var index: [[Int]: Int] = [:]
        patternOfItem.reserveCapacity(table.itemCount)
        for i in 0..<table.itemCount {
            let c = table.counts(ofItem: i)
            let p: Int
            if let known = index[c] {
                p = known
            } else {
                p = totals.count
                index[c] = p
                counts.append(contentsOf: c)
                totals.append(c.reduce(0, +))
                frequency.append(0)
            }
            frequency[p] += 1
            patternOfItem.append(p)
        }
    }

    func count(_ p: Int, _ k: Int) -> Double { Double(counts[p * q + k]) }
}
