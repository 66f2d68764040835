import Foundation
import WinnowCore

/// Everything the labeling screen shows. The screen is a pure function of this state and the terminal
/// size (`LabelScreen.render`); keys change it through `LabelScreen.reduce`; the controller fills in
/// what comes from the database.
public struct LabelScreenState: Sendable {
    public enum Mode: Sendable, Equatable {
        case normal
        case help
        case prompt(Prompt, text: String)
    }

    public enum Prompt: Sendable, Equatable {
        case goTo
        case note
    }

    /// The header's figures.
    public struct Progress: Sendable, Equatable {
        public var labeled = 0
        public var total = 0
        public var session = 0
        /// This annotator's items per hour of active time, when known.
        public var itemsPerHour: Double?
        /// Seconds until the remaining items are done at that pace.
        public var etaSeconds: Double?
        public init() {}
    }

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

    public var rubric: Rubric
    public var annotator: String
    public var progress = Progress()
    public var reason = ""
    /// Why the item was served, as a value (the controller restores it after a detour).
    public var reasonValue: ServeReason?
    /// nil when nothing is left to grade.
    public var item: ItemView?
    /// The image preview, already rendered to cells for the current size (the controller renders it).
    public var preview: Grid?
    public var values: [String: ScoreValue] = [:]
    public var focus = 0 { didSet { if focus != oldValue { typed = "" } } }
    /// What has been typed so far toward a value of the focused criterion, on a scale set by typing
    /// (more than 9 values): "0." on the way to 0.7. Shown as typed; never a label until it names a value.
    public var typed = ""
    public var scroll = 0
    public var note = ""
    public var flag = false
    /// Required criteria left empty when a save was refused: highlighted until set.
    public var missing: Set<String> = []
    public var mode: Mode = .normal
    /// A one-line message (what just happened, or why a key did nothing).
    public var message: String?
    /// The reward model's predictions per criterion id (and "overall"), shown only with `--show-model`
    /// so they cannot bias annotators otherwise.
    public var modelHints: [String: String] = [:]
    /// True when the item shows a saved label (history, undo, jump): Enter saves an edit.
    public var editing = false

    public init(rubric: Rubric, annotator: String) {
        self.rubric = rubric
        self.annotator = annotator
    }

    public var focusedCriterion: Criterion? {
        rubric.criteria.indices.contains(focus) ? rubric.criteria[focus] : nil
    }

    /// Required criteria without a value.
    public var missingRequired: [Criterion] {
        rubric.criteria.filter { $0.required && values[$0.id] == nil }
    }
}

/// A memo of an item's wrapped lines at one width (see `ItemView.wrapped`).
final class WrappedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var width = -1
    private var lines: [LabelScreen.Line] = []

    func lines(width: Int, wrap: () -> [LabelScreen.Line]) -> [LabelScreen.Line] {
        lock.lock()
        defer { lock.unlock() }
        if width != self.width {
            lines = wrap()
            self.width = width
        }
        return lines
    }
}
