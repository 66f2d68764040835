import Foundation
import WinnowCore

/// Everything the labeling screen shows. The screen is a pure function of this state and the terminal
/// size (`LabelScreen.render`); keys change it through `LabelScreen.reduce`; the controller fills in
/// what comes from the database. Help and prompts are screens of their own, pushed over this one.
public struct LabelScreenState: Sendable {
    /// The header's figures.
    public struct Progress: Sendable, Equatable {
        /// Items labeled by anyone (the team), of all items.
        public var labeled = 0
        public var total = 0
        /// Your labels, and the items still open to you (overlap items included).
        public var mine = 0
        public var leftForMe = 0
        public var session = 0
        /// This annotator's items per hour of active time, when known.
        public var itemsPerHour: Double?
        /// Seconds until the remaining items are done at that pace.
        public var etaSeconds: Double?
        public init() {}
    }

    public typealias ItemView = WinnowTUI.ItemView

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
    /// A one-line message (what just happened, or why a key did nothing).
    public var message: String?
    /// The reward model's predictions per criterion id (and "overall"), shown only with `--show-model`
    /// so they cannot bias annotators otherwise.
    public var modelHints: [String: String] = [:]
    /// The reward model version the queue uses now, when there is one (shown in the header).
    public var modelVersion: Int64?
    /// True when the item shows a saved label (history, undo, jump): Enter saves an edit.
    public var editing = false
    /// True when the values on screen differ from what is saved (kept as a draft until Enter).
    public var unsaved = false

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
