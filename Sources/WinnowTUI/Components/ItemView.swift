import Foundation
import WinnowCore

/// The item as the screen shows it.
public struct ItemView: Sendable, Equatable {
    public var key: String { didSet { wrapped = WrappedLines() } }
    public var group: String { didSet { wrapped = WrappedLines() } }
    public var image: String? { didSet { wrapped = WrappedLines() } }
    public var imageMissing: Bool { didSet { wrapped = WrappedLines() } }
    public var captions: [String] { didSet { wrapped = WrappedLines() } }
    public var turns: [Turn] { didSet { wrapped = WrappedLines() } }
    public var fields: [(String, String)] { didSet { wrapped = WrappedLines() } }
    /// The turn being graded (a candidate answer's own turn, the last); nil when the item is graded whole.
    public var gradedTurn: Int? { didSet { wrapped = WrappedLines() } }
    /// Earlier turns that were candidate lists, shown by their first candidate: context, not graded here.
    public var contextCandidateTurns: Set<Int> = [] { didSet { wrapped = WrappedLines() } }
    /// The item pane's wrapped lines for the last width asked: wrapping a long item is most of a
    /// frame's cost, and a key that only moves the focus or scrolls does not change them. Any change
    /// to the item starts a fresh memo (copies share one until then).
    var wrapped = WrappedLines()

    public init(key: String, group: String, image: String?, imageMissing: Bool, captions: [String], turns: [Turn], fields: [(String, String)] = []) {
        self.key = key
        self.group = group
        self.image = image
        self.imageMissing = imageMissing
        self.captions = captions
        self.turns = turns
        self.fields = fields
    }

    public static func == (a: ItemView, b: ItemView) -> Bool {
        a.key == b.key && a.group == b.group && a.image == b.image && a.imageMissing == b.imageMissing
            && a.captions == b.captions && a.turns == b.turns && a.fields.map(\.0) == b.fields.map(\.0)
            && a.fields.map(\.1) == b.fields.map(\.1) && a.gradedTurn == b.gradedTurn && a.contextCandidateTurns == b.contextCandidateTurns
    }
}

/// A memo of an item's wrapped lines at one width (see `ItemView.wrapped`).
final class WrappedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var width = -1
    private var lines: [ItemPane.Line] = []

    func lines(width: Int, wrap: () -> [ItemPane.Line]) -> [ItemPane.Line] {
        lock.lock()
        defer { lock.unlock() }
        if width != self.width {
            lines = wrap()
            self.width = width
        }
        return lines
    }
}
