import Foundation
import WinnowCore

/// The labeling screen against the store: serves items, carries out the reducer's intents (save, skip,
/// undo, history, jump, note, help), and renders frames. It is a `Screen` of the app loop: keys come as
/// events, and ticks keep the lease alive and bring other annotators' counts and new model versions into
/// the header without a key press.
///
/// Its parts: `SessionHistory` (where history, undo and detours go; a pure value), `LeaseKeeper`,
/// `ProgressTracker`, `ModelWatch` and `ImagePreview`. Every save is committed (its own transaction)
/// before the next item is put on screen.
public final class LabelController: Screen {
    public private(set) var state: LabelScreenState
    public let store: Store
    public let rubric: Rubric
    public let annotator: String
    public let imagesDirectory: String?
    public var colorMode: ColorMode {
        didSet {
            preview.colorMode = colorMode
            preview.invalidate()
            renderPreview()
        }
    }
    /// Draw the image itself with the terminal's graphics protocol (kitty's), over the half blocks.
    public var graphics: GraphicsProtocol = .none {
        didSet {
            preview.graphics = graphics
            renderPreview()
        }
    }
    /// Show the reward model's predictions (`--show-model`, for leads; hidden from annotators otherwise).
    public var showModel = false
    private let storedRubric: StoredRubric
    /// The rubric as given, rankings included: what labels are saved under.
    private let fullRubric: Rubric
    private let server: ItemServer
    private let log: LabelLog
    private let now: () -> Double
    private let idleSeconds: Double

    /// The item on screen.
    public private(set) var currentItem: Int64?
    public private(set) var history = SessionHistory()
    private var clock: ActiveClock
    private let lease: LeaseKeeper
    private let progress: ProgressTracker
    private let model: ModelWatch
    private let preview: ImagePreview
    private var size = (width: 120, height: 40)
    /// What the draft of the item on screen holds (or, when nothing unsaved, what is saved): a change
    /// from it is written as the draft.
    private var synced: DraftState?
    /// The saved label's values of the item on screen (editing), to tell an edit from no change.
    private var savedState: DraftState?

    struct DraftState: Equatable {
        var item: Int64
        var values: [String: ScoreValue]
        var note: String
        var flag: Bool
    }

    /// Fields shown on the item pane.
    public static let shownFields: Set<String> = ["type", "category", "source"]

    public init(
        store: Store, rubric: Rubric, annotator: String, imagesDirectory: String?, colorMode: ColorMode,
        now: @escaping () -> Double = { Date().timeIntervalSince1970 }
    ) throws {
        let collisions = LabelScreen.keys.collisions(with: rubric)
        if let first = collisions.first {
            throw LabelScreenError.keyCollision(key: first.key, criterion: first.criterion)
        }
        self.store = store
        // A ranking is given across a group (`label --by-group`); one item alone has no place to give.
        self.rubric = rubric.withoutRankings
        fullRubric = rubric
        self.annotator = annotator
        self.imagesDirectory = imagesDirectory
        self.colorMode = colorMode
        self.now = now
        storedRubric = StoredRubric(rubric)
        // An Enter must never wait for SQLite to checkpoint the WAL and fsync the file.
        try store.checkpointInBackground()
        server = try ItemServer(store: store, annotator: annotator)
        log = LabelLog(store: store)
        idleSeconds = try Config(store: store).double(.idleSeconds)
        clock = ActiveClock(idleSeconds: idleSeconds, now: now())
        lease = LeaseKeeper(server: server)
        progress = ProgressTracker(log: log, annotator: annotator)
        model = ModelWatch(store: store, rubric: rubric)
        preview = ImagePreview(colorMode: colorMode)
        state = LabelScreenState(rubric: self.rubric, annotator: annotator)
        // Every label this annotator has given is in the history, newest last, to walk back through.
        history = SessionHistory(earlier: try log.history(annotator: annotator).map { .init(item: $0.item, event: $0.event) })
    }

    /// Serves the first item: the one this annotator was on when they left, else the queue's next.
    public func start() throws {
        _ = model.check(now: now(), force: true)
        state.modelVersion = model.version
        if let id = try server.resumable(), try server.lease(id, served: .resumed) {
            try show(id, reason: .resumed)
        } else {
            try showNext()
        }
        try refreshProgress()
    }

    /// Waits until the queue's order, computed in the background, is in use.
    public func waitForQueueOrder() throws { try server.waitForOrder() }

    public func resize(width: Int, height: Int) {
        size = (width, height)
        renderPreview()
        clampScroll()
    }

    public func frame() -> Grid {
        LabelScreen.render(state, width: size.width, height: size.height)
    }

    public func render(width: Int, height: Int, below: Grid?) -> Grid {
        LabelScreen.render(state, width: width, height: height)
    }

    public func handle(_ event: ScreenEvent) throws -> ScreenTransition {
        switch event {
        case .key(let key): return try handle(key)
        case .tick(let t):
            // Background upkeep: a failure (the database busy for a moment) is tried again on a later tick.
            try? lease.keepAlive(currentItem, now: t)
            if (try? progress.tick(now: t)) == true { state.progress = progress.progress(session: history.count) }
            if model.check(now: t) { modelChanged() }
        case .message(let message):
            if message is ModelRefitted, model.check(now: now(), force: true) { modelChanged() }
        }
        return .stay
    }

    private func modelChanged() {
        state.modelVersion = model.version
        if showModel, let id = currentItem { state.modelHints = model.hints(for: id) }
    }

    private func handle(_ key: Key) throws -> ScreenTransition {
        let t = now()
        clock.tick(now: t)
        try? lease.keepAlive(currentItem, now: t)
        let intent = LabelScreen.reduce(&state, key)
        clampScroll()
        guard let intent else {
            syncDraft()
            return .stay
        }
        // A failed write (a lock held past the busy timeout, a full disk) never ends the session: the
        // item and the values stay on screen, the message says what happened, and the key can be retried.
        defer { syncDraft() }
        do {
            switch intent {
            case .save: try save()
            case .skip: try skip()
            case .undo: try undo()
            case .previous: try walkHistory(by: -1)
            case .next: try walkHistory(by: 1)
            default: break
            }
        } catch {
            state.message = Self.failure(of: intent, error)
            return .stay
        }
        switch intent {
        case .quit: return .quit
        case .save, .skip, .undo, .previous, .next: break
        case .goTo:
            return .push(PromptScreen(label: "go to item key (or part of it):", then: { [weak self] text in
                let key = text.trimmingCharacters(in: .whitespaces)
                return key.isEmpty ? nil : try self?.find(key)
            }))
        case .search:
            return .push(PromptScreen(label: "search items' text:", then: { [weak self] text in
                let needle = text.trimmingCharacters(in: .whitespaces)
                return needle.isEmpty ? nil : try self?.search(needle)
            }))
        case .editNote:
            return .push(PromptScreen(label: "note:", text: state.note, accept: { [weak self] text in
                guard let self else { return }
                state.note = text.trimmingCharacters(in: .whitespaces)
                state.message = state.note.isEmpty ? "Note cleared" : "Note set (saved with the label)"
                syncDraft()
            }, cancel: { [weak self] in self?.state.message = "Note unchanged" }))
        case .help: return .push(HelpScreen(LabelScreen.keys.help))
        case .guidelines:
            guard let guide = guidelines else {
                state.message = "This rubric has no instructions (add `instructions:` to its YAML)"
                return .stay
            }
            return .push(guide)
        case .openImage: openImage()
        }
        return .stay
    }

    /// The message for a key whose database work failed.
    static func failure(of intent: LabelIntent, _ error: any Error) -> String {
        let step: FailedStep = switch intent {
        case .save: .save
        case .skip: .skip
        case .undo: .undo
        default: .move
        }
        return step.message(error)
    }

    /// The rubric's instructions as a screen, when it has any: shown when the session starts and on `i`.
    public var guidelines: TextScreen? { TextScreen.guidelines(of: rubric) }

    private func clampScroll() {
        state.scroll = min(state.scroll, LabelScreen.maxScroll(state, width: size.width, height: size.height))
    }

    // MARK: drafts

    private var onScreenState: DraftState? {
        currentItem.map { DraftState(item: $0, values: state.values, note: state.note, flag: state.flag) }
    }

    /// Writes the values on screen as the item's draft when they changed (or deletes the draft when
    /// nothing unsaved is left), so a crash or kill -9 loses none of them. A failure is said, never fatal.
    private func syncDraft() {
        guard let now = onScreenState, now != synced else { return }
        let nothing = now.values.isEmpty && now.note.isEmpty && !now.flag
        let asSaved = state.editing && now == savedState
        do {
            if nothing || asSaved {
                try Draft.delete(store: store, itemId: now.item, annotator: annotator)
            } else {
                try Draft(itemId: now.item, annotator: annotator, rubricHash: storedRubric.hash,
                          scores: LabelLog.scoresJSON(now.values, rubric: rubric), note: now.note.isEmpty ? nil : now.note,
                          flag: now.flag).save(store: store)
            }
            synced = now
            state.unsaved = !(nothing || asSaved)
        } catch {
            state.unsaved = true
            state.message = "Unsaved values not kept as a draft (\(failureReason(error))); Enter saves them"
        }
    }

    /// Puts the annotator's draft of the item on screen, if there is one under this rubric.
    private func restoreDraft() {
        guard let id = currentItem else { return }
        synced = onScreenState
        guard let draft = try? Draft.load(store: store, itemId: id, annotator: annotator), draft.rubricHash == storedRubric.hash else {
            state.unsaved = false
            return
        }
        state.values = LabelLog.values(fromScores: draft.scores, rubric: rubric)
        state.note = draft.note ?? ""
        state.flag = draft.flag
        state.unsaved = true
        // Go on where the expert stopped: the first criterion without a value.
        state.focus = rubric.criteria.firstIndex { state.values[$0.id] == nil } ?? 0
        synced = onScreenState
        state.message = "Your unsaved values of \(state.item?.key ?? "this item") are back (a draft); Enter saves them"
    }

    // MARK: intents

    private func save() throws {
        guard let id = currentItem else { return }
        // An edit keeps the item's place in a ranking given on the group screen.
        var values = state.values
        if rubric.criteria.count < fullRubric.criteria.count, let saved = try log.current(itemId: id, annotator: annotator) {
            let kept = LabelLog.values(fromScores: saved.scores, rubric: fullRubric)
            for criterion in fullRubric.criteria where criterion.kind == .rank { values[criterion.id] = kept[criterion.id] }
        }
        let scores = LabelLog.scoresJSON(values, rubric: fullRubric)
        let note = state.note.isEmpty ? nil : state.note
        let activeSeconds = (clock.activeSeconds * 10).rounded() / 10
        let flag = state.flag
        // Enter in history moves forward through it, and a parked queue item comes back after a detour;
        // otherwise the next item is the queue's, leased in the save's own transaction.
        let event: LabelEvent
        var served: ItemServer.Served?
        if history.saveGoesToQueue {
            (event, served) = try server.saveAndNext(item: id) { [annotator, storedRubric] db in
                try LabelLog.save(db, itemId: id, annotator: annotator, rubric: storedRubric, scores: scores,
                                  activeSeconds: activeSeconds, note: note, flag: flag)
            }
        } else {
            event = try log.save(
                itemId: id, annotator: annotator, rubric: storedRubric, scores: scores, activeSeconds: activeSeconds, note: note,
                flag: flag)
            server.markLabeled(id)
            try server.release(id)
        }
        // Saved: from here a failure (reading the next item) must not say otherwise.
        let key = state.item?.key ?? ""
        let next = history.saved(item: id, event: event.id!)
        try? refreshProgress(saved: event)
        let saved = "Saved \(key)" + (event.action == .edit ? " (edit)" : "")
        do {
            switch next {
            case .saved(let item): try showSaved(item)
            case .queue: try present(served)
            case .resume: try resumeQueue()
            }
            state.message = saved + (state.unsaved ? "; your unsaved values of \(state.item?.key ?? "the next item") are back (a draft)" : "")
        } catch {
            state.message = saved + ", but the next item could not be read (\(Self.failure(of: .next, error)))"
        }
    }

    private func skip() throws {
        guard let id = currentItem else { return }
        if state.editing {
            state.message = "s skips new items; →/n moves on through your history"
            return
        }
        try server.skip(id)
        let key = state.item?.key ?? ""
        try showNext()
        state.message = "Skipped \(key); it comes back later"
    }

    private func undo() throws {
        guard history.canUndo, let last = history.entries.last else {
            state.message = "Nothing to undo in this session (← walks your earlier labels, to edit one)"
            return
        }
        guard let event = try log.event(id: last.event) else { return }
        try log.undo(event)
        // Taken off the history only once the undo row is written: a failed undo leaves it as it was.
        _ = history.undo(onScreen: onScreen)
        server.markUnlabeled(last.item)
        _ = try server.lease(last.item, ignoreLabels: true)
        try show(last.item, reason: .undone)
        state.values = LabelLog.values(fromScores: event.scores, rubric: rubric)
        state.note = event.note ?? ""
        state.flag = event.flag
        state.editing = false
        try refreshProgress()
        state.message = "Undid the save of \(state.item?.key ?? ""); Enter saves it again"
    }

    private var onScreen: SessionHistory.OnScreen {
        .init(item: currentItem, reason: state.reasonValue, editing: state.editing)
    }

    private func walkHistory(by step: Int) throws {
        switch history.walk(by: step, onScreen: onScreen) {
        case .message(let text): state.message = text
        case .saved(let item): try showSaved(item)
        case .resume: try resumeQueue()
        }
    }

    /// How many matches a chooser lists.
    static let chooserLimit = 200

    /// `g`: the item with this key, else the one key containing it, else a chooser of those that do.
    private func find(_ text: String) throws -> (any Screen)? {
        if try store.item(key: text) != nil {
            try goTo(text)
            return nil
        }
        let (keys, more) = try store.itemKeys(containing: text, limit: Self.chooserLimit)
        switch keys.count {
        case 0: state.message = "No item key contains \(text)"
        case 1: try goTo(keys[0])
        default:
            return ChooserScreen(title: "keys containing \(text)" + (more ? ", first \(keys.count)" : ""), entries: keys) { [weak self] i in
                try self?.goTo(keys[i])
            }
        }
        return nil
    }

    /// `/`: the items whose text contains `needle`, as a chooser (one match: straight to it).
    private func search(_ needle: String) throws -> (any Screen)? {
        let (matches, more) = try store.searchItems(needle, limit: Self.chooserLimit)
        switch matches.count {
        case 0: state.message = "No item's text contains \(needle)"
        case 1: try goTo(matches[0].key)
        default:
            let entries = matches.map { "\($0.key)  \($0.excerpt)" }
            return ChooserScreen(title: "items with \(needle)" + (more ? ", first \(matches.count)" : ""), entries: entries) { [weak self] i in
                try self?.goTo(matches[i].key)
            }
        }
        return nil
    }

    private func goTo(_ key: String) throws {
        guard let item = try store.item(key: key), let id = item.id else {
            state.message = "No item with key \(key)"
            return
        }
        let mine = try log.current(itemId: id, annotator: annotator)
        if mine == nil, let other = try server.holder(of: id) {
            state.message = "\(key) is being graded by \(other) right now"
            return
        }
        history.jump(to: id, onScreen: onScreen)
        if mine != nil {
            try showSaved(id)
        } else {
            _ = try server.lease(id, ignoreLabels: true, served: .jumped)
            try show(id, reason: .jumped)
        }
    }

    private func openImage() {
        guard let item = state.item, let image = item.image else {
            state.message = "This item has no image"
            return
        }
        switch ImageOpener.open(resolve(image)) {
        case .success(let viewer): state.message = "Opened \(image) in \(viewer)"
        case .failure(let error): state.message = error.message
        }
    }

    // MARK: showing items

    private func resumeQueue() throws {
        if let p = history.takeParked() {
            if try log.current(itemId: p.item, annotator: annotator) == nil, try server.lease(p.item, ignoreLabels: true) {
                try show(p.item, reason: p.reason)
                return
            }
        }
        try showNext()
    }

    private func showNext() throws {
        try present(try server.next())
    }

    /// Shows what the queue served, or the empty queue.
    private func present(_ served: ItemServer.Served?) throws {
        if let served {
            try show(served.id, reason: served.reason)
        } else {
            currentItem = nil
            state.item = nil
            state.preview = nil
            state.values = [:]
            state.reason = "queue empty"
            state.editing = false
        }
    }

    /// Shows an item with this annotator's current label on it, for editing.
    private func showSaved(_ id: Int64) throws {
        try show(id, reason: .history)
        if let event = try log.current(itemId: id, annotator: annotator) {
            state.values = LabelLog.values(fromScores: event.scores, rubric: rubric)
            state.note = event.note ?? ""
            state.flag = event.flag
            state.editing = true
            savedState = onScreenState
        }
        restoreDraft()
    }

    private func show(_ id: Int64, reason: ServeReason) throws {
        guard let item = try store.item(id: id) else { return }
        currentItem = id
        lease.leased(now: now())
        clock = ActiveClock(idleSeconds: idleSeconds, now: now())
        state.item = Self.view(of: item, store: store, imagePath: item.image.map(resolve))
        state.reason = reason.text
        state.reasonValue = reason
        state.values = [:]
        state.typed = ""
        state.note = ""
        state.flag = false
        state.focus = 0
        state.scroll = 0
        state.missing = []
        state.editing = false
        savedState = nil
        state.modelHints = showModel ? model.hints(for: id) : [:]
        renderPreview()
        restoreDraft()
    }

    /// What the item pane shows of an item (shared with the lead's review).
    static func view(of item: Item, store: Store, imagePath path: String?) -> ItemView {
        let missing = path.map { !FileManager.default.fileExists(atPath: $0) } ?? false
        var fields: [(String, String)] = []
        // Only descriptive fields: a file's own score or the model that wrote the answer would bias the grade.
        for member in item.fields.members where LabelController.shownFields.contains(member.key) {
            switch member.value {
            case .string(let s): fields.append((member.key, s.count > 40 ? String(s.prefix(40)) + "…" : s))
            case .number(let n): fields.append((member.key, n))
            case .bool(let b): fields.append((member.key, b ? "true" : "false"))
            default: continue
            }
        }
        var view = ItemView(
            key: item.key, group: item.group, image: item.image, imageMissing: missing, captions: item.captions,
            turns: item.turns, fields: fields)
        if item.turnIndex != nil {
            view.gradedTurn = item.turns.count - 1
            view.contextCandidateTurns = (try? store.candidateContextTurns(of: item)) ?? []
        }
        return view
    }

    static func resolve(_ image: String, in imagesDirectory: String?) -> String {
        if image.hasPrefix("/") { return image }
        guard let dir = imagesDirectory else { return image }
        return (dir as NSString).appendingPathComponent(image)
    }

    private func resolve(_ image: String) -> String {
        if image.hasPrefix("/") { return image }
        guard let dir = imagesDirectory else { return image }
        return (dir as NSString).appendingPathComponent(image)
    }

    /// The image preview for the item on screen at the current size.
    private func renderPreview() {
        guard let item = state.item, let image = item.image, !item.imageMissing else {
            state.preview = nil
            return
        }
        state.preview = preview.preview(path: resolve(image), width: size.width, height: size.height)
    }

    private func refreshProgress(saved event: LabelEvent? = nil) throws {
        try progress.refresh(now: now(), saved: event)
        state.progress = progress.progress(session: history.count)
    }
}

/// What a grading screen was doing when its database work failed, and how it says so: the item and the
/// values stay, and the same key tries again.
enum FailedStep {
    case save, skip, undo, move

    func message(_ error: any Error) -> String {
        let reason = failureReason(error)
        switch self {
        case .save: return "Not saved: \(reason). Your values are kept; Enter tries again"
        case .skip: return "Not skipped: \(reason); s tries again"
        case .undo: return "Not undone: \(reason); u tries again"
        case .move: return "Could not move: \(reason); try the key again"
        }
    }
}

/// A failed write as a screen says it: GRDB appends the statement ("… - while executing `INSERT …`"),
/// and the person at the keyboard needs the cause only.
func failureReason(_ error: any Error) -> String {
    let text = "\(error)"
    guard let cut = text.range(of: " - while executing") else { return text }
    return String(text[..<cut.lowerBound])
}

/// Why the labeling screen cannot start.
public enum LabelScreenError: Error, CustomStringConvertible {
    case keyCollision(key: Character, criterion: String)

    public var description: String {
        switch self {
        case .keyCollision(let key, let criterion):
            return "criterion \(criterion) binds \(key), which the labeling screen uses for itself; choose another key in the rubric"
        }
    }
}
