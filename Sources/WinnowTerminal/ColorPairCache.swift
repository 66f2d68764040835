/// Assigns ncurses colour pair numbers to (foreground, background) couples.
///
/// Terminals have a limited number of pairs, so pairs are allocated on first
/// use and reused afterwards. Guarantees: the default couple (-1, -1) is
/// always pair 0 and never uses a slot; a couple keeps its number until
/// `reset()`; numbers are in 1...capacity; when the cache is full `pair`
/// returns nil instead of silently recycling a number that cells drawn
/// earlier in the same frame still use. The caller (`Terminal.paint`) then
/// resets the cache and draws the frame again.
struct ColorPairCache {
    struct Assignment: Equatable {
        var pair: Int32
        /// True when the pair number was just allocated and must be initialised.
        var isNew: Bool
    }

    private struct Couple: Hashable {
        var foreground: Int32
        var background: Int32
    }

    let capacity: Int
    private var pairs: [Couple: Int32] = [:]

    /// `capacity` is the number of usable pairs besides pair 0.
    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    var count: Int { pairs.count }
    var isFull: Bool { pairs.count >= capacity }

    mutating func pair(foreground: Int32, background: Int32) -> Assignment? {
        if foreground == -1 && background == -1 { return Assignment(pair: 0, isNew: false) }
        let couple = Couple(foreground: foreground, background: background)
        if let existing = pairs[couple] { return Assignment(pair: existing, isNew: false) }
        guard !isFull else { return nil }
        let number = Int32(pairs.count + 1)
        pairs[couple] = number
        return Assignment(pair: number, isNew: true)
    }

    mutating func reset() {
        pairs.removeAll(keepingCapacity: true)
    }
}
