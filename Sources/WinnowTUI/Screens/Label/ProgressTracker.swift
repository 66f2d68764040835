import WinnowCore

/// The header's figures. Counting every item and every current label is a scan that grows with the
/// pool (milliseconds at 158k items), too slow to do between Enter and the next item: the counts are
/// read at most every `interval` seconds (on a tick when no key comes, so other annotators' labels show
/// up without a key press), and this session's saves are added in between.
final class ProgressTracker {
    /// How often the counts are read from the database.
    static let interval = 10.0
    private let log: LabelLog
    private let annotator: String
    private var figures: LabelLog.Progress?
    private var readAt = -Double.infinity

    init(log: LabelLog, annotator: String) {
        self.log = log
        self.annotator = annotator
    }

    /// After a save (`event`) the session's own count is added; otherwise, or when the figures are older
    /// than `interval`, they are read again.
    func refresh(now: Double, saved event: LabelEvent? = nil) throws {
        if let event, var f = figures, now - readAt < Self.interval {
            if event.action == .save {
                f.labeled += 1
                f.mine += 1
                f.leftForMe = max(0, f.leftForMe - 1)
            }
            f.mySeconds += event.activeSeconds
            figures = f
        } else {
            figures = try log.progress(annotator: annotator)
            readAt = now
        }
    }

    /// On a tick: reads the figures again once they are `interval` old; true when they were read.
    func tick(now: Double) throws -> Bool {
        guard now - readAt >= Self.interval else { return false }
        try refresh(now: now)
        return true
    }

    /// The figures for the header, with this session's count.
    func progress(session: Int) -> LabelScreenState.Progress {
        var p = LabelScreenState.Progress()
        guard let f = figures else { return p }
        p.total = f.items
        p.labeled = min(f.labeled, f.items)
        p.mine = f.mine
        p.leftForMe = f.leftForMe
        p.session = session
        if f.mine >= 1, f.mySeconds > 0 {
            let pace = Double(f.mine) / f.mySeconds * 3600
            p.itemsPerHour = pace
            p.etaSeconds = Double(f.leftForMe) / pace * 3600
        }
        return p
    }
}
