import WinnowCore

/// This session's saves and the detours from the queue (walking history, undo, a jump), as a value:
/// the labeling screen asks it where to go and tells it what happened, and it never touches the
/// database, so every path is tested without SQLite.
///
/// The model: `entries` are the annotator's labels, oldest first: those of earlier sessions (given at
/// `init`), then this session's saves (an item saved twice is one entry with its latest log row). `position` is the entry on screen while walking history; nil on the queue's item
/// or a detour. `parked` is the queue's item put aside during a detour, to come back to.
public struct SessionHistory: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var item: Int64
        /// The log row of the latest save or edit of this item in the session.
        public var event: Int64
    }

    public struct Parked: Sendable, Equatable {
        public var item: Int64
        public var reason: ServeReason
    }

    public private(set) var entries: [Entry] = []
    public private(set) var position: Int?
    public private(set) var parked: Parked?
    /// Entries before this index come from earlier sessions: undo does not reach them.
    public private(set) var sessionStart: Int
    /// Items saved in this session.
    public private(set) var sessionItems: Set<Int64> = []

    /// `earlier`: the annotator's labels from earlier sessions, oldest first, to walk back through.
    public init(earlier: [Entry] = []) {
        entries = earlier
        sessionStart = earlier.count
    }

    /// How many items were saved in this session.
    public var count: Int { sessionItems.count }

    /// Whether undo has something of this session to take back.
    public var canUndo: Bool { entries.count > sessionStart }

    /// Whether the next save should take the queue's next item in the same transaction: not while walking
    /// history (Enter moves on through it) and not while a queue item is parked (it comes back first).
    public var saveGoesToQueue: Bool {
        let inHistory = position.map { $0 + 1 < entries.count } ?? false
        return !inHistory && parked == nil
    }

    /// Where to go after a save.
    public enum AfterSave: Sendable, Equatable {
        /// The next entry of the history, shown with its saved label.
        case saved(Int64)
        /// What the queue served with the save.
        case queue
        /// Back to the parked queue item (or the queue's next when it is gone).
        case resume
    }

    /// Records a save of `item` as log row `event`; says what to show next.
    public mutating func saved(item: Int64, event: Int64) -> AfterSave {
        sessionItems.insert(item)
        let inHistory = position.map { $0 + 1 < entries.count } ?? false
        let toQueue = !inHistory && parked == nil
        if let p = position {
            entries[p].event = event
        } else if let i = entries.firstIndex(where: { $0.item == item }) {
            entries[i].event = event
        } else {
            entries.append(Entry(item: item, event: event))
        }
        if inHistory, let p = position {
            position = p + 1
            return .saved(entries[p + 1].item)
        }
        position = nil
        return toQueue ? .queue : .resume
    }

    /// The last save, taken off the history for undo; the queue's item on screen is parked first.
    public mutating func undo(onScreen: OnScreen) -> Entry? {
        guard canUndo, let last = entries.popLast() else { return nil }
        // Still saved in this session only if another entry of it is left (never: one entry per item).
        sessionItems.remove(last.item)
        park(onScreen, except: last.item)
        position = nil
        return last
    }

    /// What is on screen, for deciding whether it is the queue's item to park.
    public struct OnScreen: Sendable, Equatable {
        public var item: Int64?
        public var reason: ServeReason?
        /// Showing a saved label (history, undo, jump).
        public var editing: Bool
        public init(item: Int64?, reason: ServeReason?, editing: Bool) {
            self.item = item
            self.reason = reason
            self.editing = editing
        }
    }

    public enum Walk: Sendable, Equatable {
        case message(String)
        /// Show this entry's item with its saved label.
        case saved(Int64)
        /// Leave history: back to the parked item or the queue.
        case resume
    }

    /// One step back (-1) or forward (+1) through the session's saves.
    public mutating func walk(by step: Int, onScreen: OnScreen) -> Walk {
        let target = (position ?? entries.count) + step
        if target < 0 {
            return .message(entries.isEmpty ? "No saves yet" : "This is your oldest label")
        }
        if target >= entries.count {
            // After a jump (g, /) the queue's item is parked: → goes back to it.
            if position == nil && parked != nil { return .resume }
            if position == nil { return .message("This is the queue's next item; ← walks your labels, newest first") }
            position = nil
            return .resume
        }
        park(onScreen, except: nil)
        position = target
        return .saved(entries[target].item)
    }

    /// A jump to `item` (go to): the queue's item is parked unless it is the target.
    public mutating func jump(to item: Int64, onScreen: OnScreen) {
        park(onScreen, except: item)
        position = nil
    }

    /// The parked queue item, taken (to show it again).
    public mutating func takeParked() -> Parked? {
        defer { parked = nil }
        return parked
    }

    /// Before a detour, keeps the queue's item to come back to, unless the screen already shows a
    /// detour (history, an edit, a parked item) or the detour goes to that same item.
    private mutating func park(_ screen: OnScreen, except target: Int64?) {
        guard position == nil, !screen.editing, parked == nil, let id = screen.item, id != target else { return }
        parked = Parked(item: id, reason: screen.reason ?? .resumed)
    }
}
