import Foundation
import WinnowCore

/// The lead's review screen against the store: builds the queue (`Review.load`, which accepts
/// unanimous items as gold when the config says so), shows each item with every annotator's values,
/// saves gold (role `gold`, one transaction, committed before the next item appears), and keeps the
/// queue current as labels arrive (a tick reads the log's newest event id; a change reloads).
///
/// History and undo are the labeling screen's: `SessionHistory` holds this session's gold saves.
public final class ReviewController: Screen {
    public private(set) var state: ReviewScreenState
    public let store: Store
    public let rubric: Rubric
    public let lead: String
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
    private let autoAccept: Bool
    private let storedRubric: StoredRubric
    private let log: LabelLog
    private let now: () -> Double
    private let idleSeconds: Double
    private var clock: ActiveClock
    private let preview: ImagePreview
    private var size = (width: 120, height: 40)

    /// The queue as last loaded.
    public private(set) var entries: [ReviewEntry] = []
    private var predictions: [Int64: Prediction] = [:]
    private var annotators: [String] = []
    private var settledAtLoad = 0
    private var automaticAtLoad = 0
    /// Items settled in this session since the last load (a load leaves them out by itself).
    private var done: Set<Int64> = []
    /// Skipped items, in the order skipped: they go to the end of the queue.
    private var skipped: [Int64] = []
    /// Every entry shown in this session, for history.
    private var seen: [Int64: ReviewEntry] = [:]
    public private(set) var history = SessionHistory()
    public private(set) var currentItem: Int64?
    private let watch: ReviewWatch
    private var checkedAt = -Double.infinity
    /// How often a tick looks for new labels.
    static let interval = 2.0

    public init(store: Store, rubric: Rubric, lead: String, filter: ReviewQueue.Filter = .init(), imagesDirectory: String?,
                colorMode: ColorMode, now: @escaping () -> Double = { Date().timeIntervalSince1970 }) throws {
        if let first = ReviewScreen.keys.collisions(with: rubric).first {
            throw LabelScreenError.keyCollision(key: first.key, criterion: first.criterion)
        }
        self.store = store
        self.rubric = rubric
        self.lead = lead
        self.imagesDirectory = imagesDirectory
        self.colorMode = colorMode
        self.now = now
        let config = Config(store: store)
        autoAccept = try config.bool(.autoAcceptUnanimous)
        idleSeconds = try config.double(.idleSeconds)
        clock = ActiveClock(idleSeconds: idleSeconds, now: now())
        storedRubric = StoredRubric(rubric)
        log = LabelLog(store: store)
        preview = ImagePreview(colorMode: colorMode)
        watch = ReviewWatch(store: store, rubric: rubric, autoAccept: autoAccept)
        // Rankings are given across a group on the group screen; gold is set one item at a time.
        state = ReviewScreenState(rubric: rubric.withoutRankings, lead: lead)
        state.filter = filter
    }

    public func start() throws {
        let accepted = try reload()
        try showNextInQueue()
        if accepted > 0 { state.grading.message = Self.acceptedMessage(accepted) }
    }

    static func acceptedMessage(_ n: Int) -> String {
        "Accepted \(n) item\(n == 1 ? "" : "s") on which every annotator agrees as gold (automatic; config auto_accept_unanimous)"
    }

    /// The rubric's instructions as a screen, when it has any.
    public var guidelines: TextScreen? { TextScreen.guidelines(of: rubric) }

    public func resize(width: Int, height: Int) {
        size = (width, height)
        renderPreview()
        clampScroll()
    }

    public func render(width: Int, height: Int, below: Grid?) -> Grid {
        ReviewScreen.render(state, width: width, height: height)
    }

    public func frame() -> Grid { ReviewScreen.render(state, width: size.width, height: size.height) }

    public func handle(_ event: ScreenEvent) throws -> ScreenTransition {
        switch event {
        case .key(let key): return try handle(key)
        case .tick(let t):
            // New labels or a new model (from anyone) reload the queue in the background; a failure is
            // tried again on a later tick.
            guard t - checkedAt >= Self.interval else { return .stay }
            checkedAt = t
            if let snapshot = try? watch.poll(filter: state.filter) { adoptLoaded(snapshot) }
        case .message: break
        }
        return .stay
    }

    /// A queue loaded in the background, taken in.
    private func adoptLoaded(_ snapshot: ReviewSnapshot) {
        adopt(snapshot)
        if snapshot.acceptedNow > 0 && state.grading.message == nil { state.grading.message = Self.acceptedMessage(snapshot.acceptedNow) }
        if currentItem == nil { try? showNextInQueue() }
    }

    /// Waits for a background load in progress and takes it in (tests).
    public func waitForBackgroundLoad() throws {
        if let snapshot = try watch.wait(filter: state.filter) { adoptLoaded(snapshot) }
    }

    /// The queue the lead works through: the loaded entries not settled since, skipped ones last.
    public var queue: [ReviewEntry] {
        let open = entries.filter { !done.contains($0.itemId) }
        let skippedSet = Set(skipped)
        return open.filter { !skippedSet.contains($0.itemId) } + skipped.compactMap { id in open.first { $0.itemId == id } }
    }

    /// Reads the queue again; the item on screen stays (with its entry brought up to date). Returns how
    /// many unanimous items were accepted.
    @discardableResult
    private func reload() throws -> Int {
        let snapshot = try watch.load(filter: state.filter)
        adopt(snapshot)
        return snapshot.acceptedNow
    }

    func adopt(_ snapshot: ReviewSnapshot) {
        entries = snapshot.queue.entries
        predictions = snapshot.predictions
        annotators = snapshot.annotators
        settledAtLoad = snapshot.queue.settled
        automaticAtLoad = snapshot.queue.settledAutomatically
        state.modelVersion = snapshot.modelVersion
        // Settled here after the snapshot was read (a background load overtaken by a save): still settled.
        done = done.filter { id in entries.contains { $0.itemId == id } }
        skipped = skipped.filter { id in entries.contains { $0.itemId == id } }
        for entry in entries { seen[entry.itemId] = entry }
        if let id = currentItem, !state.grading.editing, let fresh = entries.first(where: { $0.itemId == id }) { state.entry = fresh }
        updateCounts()
    }

    private func updateCounts() {
        let open = entries.filter { !done.contains($0.itemId) }
        var c = ReviewScreenState.Counts()
        c.toReview = open.count
        c.disagreements = open.filter { $0.reason.name == "disagreement" }.count
        c.model = open.filter { $0.reason.name == "model" }.count
        c.flagged = open.filter { $0.reason.name == "flagged" }.count
        c.settled = settledAtLoad + done.count
        c.automatic = automaticAtLoad
        c.session = history.count
        state.counts = c
    }

    private func handle(_ key: Key) throws -> ScreenTransition {
        clock.tick(now: now())
        let intent = ReviewScreen.reduce(&state, key)
        clampScroll()
        guard let intent else { return .stay }
        do {
            switch intent {
            case .save: try save()
            case .skip: try skip()
            case .undo: try undo()
            case .previous: try walkHistory(by: -1)
            case .next: try walkHistory(by: 1)
            case .refresh:
                let accepted = try reload()
                if currentItem == nil { try showNextInQueue() }
                state.grading.message = accepted > 0 ? Self.acceptedMessage(accepted) : "Queue read again: \(state.counts.toReview) to settle"
            default: break
            }
        } catch {
            state.grading.message = Self.failure(of: intent, error)
            return .stay
        }
        switch intent {
        case .quit: return .quit
        case .help: return .push(HelpScreen(ReviewScreen.keys.help))
        case .guidelines:
            guard let guide = guidelines else {
                state.grading.message = "This rubric has no instructions (add `instructions:` to its YAML)"
                return .stay
            }
            return .push(guide)
        case .editNote:
            return .push(PromptScreen(label: "note on the gold label:", text: state.grading.note, accept: { [weak self] text in
                guard let self else { return }
                state.grading.note = text.trimmingCharacters(in: .whitespaces)
                state.grading.message = state.grading.note.isEmpty ? "Note cleared" : "Note set (saved with the gold label)"
            }, cancel: { [weak self] in self?.state.grading.message = "Note unchanged" }))
        case .filter: return .push(filterChooser())
        case .dashboard:
            let dashboard = try DashboardScreen(store: store, rubric: rubric, now: now)
            try dashboard.start()
            return .push(dashboard)
        default: return .stay
        }
    }

    static func failure(of intent: ReviewIntent, _ error: any Error) -> String {
        let reason = failureReason(error)
        switch intent {
        case .save: return "Not saved: \(reason). Your values are kept; Enter tries again"
        case .undo: return "Not undone: \(reason); u tries again"
        default: return "Could not do that: \(reason); try the key again"
        }
    }

    // MARK: intents

    private func save() throws {
        guard let id = currentItem else { return }
        let scores = LabelLog.scoresJSON(state.grading.values, rubric: rubric)
        let note = state.grading.note.isEmpty ? nil : state.grading.note
        let seconds = (clock.activeSeconds * 10).rounded() / 10
        let (event, replaced) = try log.saveGold(itemId: id, lead: lead, rubric: storedRubric, scores: scores, activeSeconds: seconds,
                                                 note: note)
        // Committed: from here on, a failure to show the next item must not say otherwise.
        let key = state.grading.item?.key ?? ""
        done.insert(id)
        skipped.removeAll { $0 == id }
        let next = history.saved(item: id, event: event.id!)
        updateCounts()
        var message = "Gold saved for \(key)" + (event.action == .edit ? " (edit)" : "")
        if replaced.contains(where: { $0.source == Adjudication.unanimousSource }) {
            message += ", replacing the automatic acceptance"
        } else if let other = replaced.first {
            message += ", replacing \(other.annotator)'s gold"
        }
        do {
            switch next {
            case .saved(let item): try showSaved(item)
            case .queue, .resume: try resumeQueue()
            }
            state.grading.message = message
        } catch {
            state.grading.message = message + ", but the next item could not be read (\(error))"
        }
    }

    private func skip() throws {
        guard let id = currentItem else { return }
        if state.grading.editing {
            state.grading.message = "s skips queue items; →/n moves on through this session's gold"
            return
        }
        let key = state.grading.item?.key ?? ""
        skipped.removeAll { $0 == id }
        skipped.append(id)
        guard let next = queue.first, next.itemId != id else {
            state.grading.message = "\(key) is the only item left to settle"
            return
        }
        try show(next)
        state.grading.message = "Skipped \(key); it comes back at the end of the queue"
    }

    private func undo() throws {
        guard let last = history.entries.last else {
            state.grading.message = "No gold saved in this session to undo"
            return
        }
        guard let event = try log.event(id: last.event) else { return }
        try log.undo(event)
        _ = history.undo(onScreen: onScreen)
        done.remove(last.item)
        if let entry = seen[last.item] {
            if !entries.contains(where: { $0.itemId == last.item }) { entries.insert(entry, at: 0) }
            try show(entry)
        }
        state.grading.values = LabelLog.values(fromScores: event.scores, rubric: rubric)
        state.grading.note = event.note ?? ""
        updateCounts()
        state.grading.message = "Undid the gold of \(state.grading.item?.key ?? ""); Enter saves it again"
    }

    private var onScreen: SessionHistory.OnScreen {
        .init(item: currentItem, reason: nil, editing: state.grading.editing)
    }

    private func walkHistory(by step: Int) throws {
        switch history.walk(by: step, onScreen: onScreen) {
        case .message(let text): state.grading.message = text.replacingOccurrences(of: "No saves yet", with: "No gold saved yet")
        case .saved(let item): try showSaved(item)
        case .resume: try resumeQueue()
        }
    }

    private func filterChooser() -> ChooserScreen {
        var options: [(String, ReviewQueue.Filter)] = [("all items", .init())]
        for c in rubric.criteria { options.append(("criterion: \(c.title) (\(c.id))", .init(criterion: c.id))) }
        for a in annotators { options.append(("annotator: \(a)", .init(annotator: a))) }
        return ChooserScreen(title: "show the queue for", entries: options.map(\.0)) { [weak self] i in
            guard let self else { return }
            state.filter = options[i].1
            try reload()
            try showNextInQueue()
            state.grading.message = "\(state.counts.toReview) to settle" + (ReviewScreen.filterText(state.filter).map { " (\($0))" } ?? "")
        }
    }

    // MARK: showing items

    private func resumeQueue() throws {
        if let parked = history.takeParked(), !done.contains(parked.item), let entry = queue.first(where: { $0.itemId == parked.item }) {
            try show(entry)
            return
        }
        try showNextInQueue()
    }

    private func showNextInQueue() throws {
        if let entry = queue.first {
            try show(entry)
        } else {
            currentItem = nil
            state.entry = nil
            state.grading.item = nil
            state.grading.preview = nil
            state.grading.values = [:]
            state.grading.editing = false
        }
    }

    /// Shows a queue entry: the annotators' common values filled in, focus on the first disputed criterion.
    private func show(_ entry: ReviewEntry) throws {
        try showItem(entry.itemId)
        state.entry = entry
        seen[entry.itemId] = entry
        state.grading.values = entry.agreedValues
        if let first = state.rubric.criteria.firstIndex(where: { if case .disputed = entry.verdicts[$0.id] { return true } else { return false } }) {
            state.grading.focus = first
        }
    }

    /// Shows an item with the lead's gold on it, for editing.
    private func showSaved(_ id: Int64) throws {
        try showItem(id)
        state.entry = seen[id]
        if let event = try log.current(itemId: id, annotator: lead, role: .gold) {
            state.grading.values = LabelLog.values(fromScores: event.scores, rubric: rubric)
            state.grading.note = event.note ?? ""
            state.grading.editing = true
        }
    }

    private func showItem(_ id: Int64) throws {
        guard let item = try store.item(id: id) else { return }
        currentItem = id
        clock = ActiveClock(idleSeconds: idleSeconds, now: now())
        state.grading.item = LabelController.view(of: item, store: store,
                                                  imagePath: item.image.map { LabelController.resolve($0, in: imagesDirectory) })
        state.grading.values = [:]
        state.grading.typed = ""
        state.grading.note = ""
        state.grading.flag = false
        state.grading.focus = 0
        state.grading.scroll = 0
        state.grading.missing = []
        state.grading.editing = false
        state.grading.modelHints = predictions[id].map { ModelWatch.hints($0, rubric: rubric) } ?? [:]
        renderPreview()
    }

    private func renderPreview() {
        guard let item = state.grading.item, let image = item.image, !item.imageMissing else {
            state.grading.preview = nil
            return
        }
        state.grading.preview = preview.preview(path: LabelController.resolve(image, in: imagesDirectory), width: size.width, height: size.height)
    }

    private func clampScroll() {
        guard let item = state.grading.item else { return }
        let body = ScreenFrame.body(width: size.width, height: size.height)
        let limit = ItemPane.maxScroll(item, rect: Rect(x: 0, y: body.y, width: LabelScreen.itemPaneWidth(totalWidth: size.width), height: body.height))
        state.grading.scroll = min(state.grading.scroll, limit)
    }
}
