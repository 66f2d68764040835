import Foundation
import WinnowCore

/// Runs the labeling screen against the store: serves items, carries out the reducer's intents
/// (save, skip, undo, history, jump), keeps the lease and the active-time clock, and renders frames.
///
/// It holds no terminal: the `label` command feeds it keys from the backend and paints its frames, and
/// tests feed it keys directly. Every save is committed (its own transaction) before the next item is
/// put on screen.
public final class LabelController {
    public private(set) var state: LabelScreenState
    public let store: Store
    public let rubric: Rubric
    public let annotator: String
    public let imagesDirectory: String?
    public var colorMode: ColorMode
    /// Show the reward model's predictions (`--show-model`, for leads; hidden from annotators otherwise).
    public var showModel = false
    private var modelScores: ModelScores?
    private let storedRubric: StoredRubric
    private let server: ItemServer
    private let log: LabelLog
    private let now: () -> Double
    private let idleSeconds: Double

    /// The item on screen.
    public private(set) var currentItem: Int64?
    /// The queue's item, put aside while the annotator walks history, undoes or jumps.
    private var pending: (id: Int64, reason: ServeReason)?
    /// This session's saves, oldest first: item and the log row of its latest save or edit.
    private var history: [(item: Int64, event: Int64)] = []
    /// Where in `history` the screen is; nil when on the queue's item.
    private var historyPosition: Int?
    private var clock: ActiveClock
    private var leaseRenewedAt: Double = 0
    private var size = (width: 120, height: 40)
    private var previewKey: (item: Int64, width: Int, height: Int)?
    private var decodedImage: (path: String, image: RGBImage?)?

    /// Fields shown on the item pane.
    public static let shownFields: Set<String> = ["type", "category", "source"]

    public init(
        store: Store, rubric: Rubric, annotator: String, imagesDirectory: String?, colorMode: ColorMode,
        now: @escaping () -> Double = { Date().timeIntervalSince1970 }
    ) throws {
        self.store = store
        self.rubric = rubric
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
        state = LabelScreenState(rubric: rubric, annotator: annotator)
    }

    /// Serves the first item: the one this annotator was on when they left, else the queue's next.
    public func start() throws {
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
    }

    public func frame() -> Grid {
        LabelScreen.render(state, width: size.width, height: size.height)
    }

    /// Handles one key; returns false when the annotator quits.
    public func handle(_ key: Key) throws -> Bool {
        let t = now()
        clock.tick(now: t)
        if case .resize(let w, let h) = key { resize(width: w, height: h) }
        if let id = currentItem, t - leaseRenewedAt > server.leaseSeconds / 3 {
            _ = try server.lease(id, ignoreLabels: true)
            leaseRenewedAt = t
        }
        let intent = LabelScreen.reduce(&state, key)
        state.scroll = min(state.scroll, LabelScreen.maxScroll(state, width: size.width, height: size.height))
        guard let intent else { return true }
        switch intent {
        case .quit: return false
        case .save: try save()
        case .skip: try skip()
        case .undo: try undo()
        case .previous: try walkHistory(by: -1)
        case .next: try walkHistory(by: 1)
        case .goTo(let key): try goTo(key)
        case .openImage: openImage()
        }
        return true
    }

    // MARK: intents

    private func save() throws {
        guard let id = currentItem else { return }
        let scores = LabelLog.scoresJSON(state.values, rubric: rubric)
        let note = state.note.isEmpty ? nil : state.note
        let activeSeconds = (clock.activeSeconds * 10).rounded() / 10
        let flag = state.flag
        // Enter in history moves forward through it, and a parked queue item comes back after a detour;
        // otherwise the next item is the queue's, leased in the save's own transaction.
        let inHistory = historyPosition.map { $0 + 1 < history.count } ?? false
        let toQueue = !inHistory && pending == nil
        let event: LabelEvent
        var served: ItemServer.Served?
        if toQueue {
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
        if let position = historyPosition {
            history[position].event = event.id!
        } else if let i = history.firstIndex(where: { $0.item == id }) {
            history[i].event = event.id!
        } else {
            history.append((id, event.id!))
        }
        let key = state.item?.key ?? ""
        try refreshProgress(saved: event)
        if inHistory, let position = historyPosition {
            historyPosition = position + 1
            try showSaved(history[position + 1].item)
        } else if toQueue {
            historyPosition = nil
            try present(served)
        } else {
            historyPosition = nil
            try resumeQueue()
        }
        state.message = "Saved \(key)" + (event.action == .edit ? " (edit)" : "")
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
        guard let last = history.popLast() else {
            state.message = "Nothing to undo in this session"
            return
        }
        guard let event = try log.event(id: last.event) else { return }
        try log.undo(event)
        server.markUnlabeled(last.item)
        parkQueueItem(except: last.item)
        historyPosition = nil
        _ = try server.lease(last.item, ignoreLabels: true)
        try show(last.item, reason: .undone)
        let values = LabelLog.values(fromScores: event.scores, rubric: rubric)
        state.values = values
        state.note = event.note ?? ""
        state.flag = event.flag
        state.editing = false
        try refreshProgress()
        state.message = "Undid the save of \(state.item?.key ?? ""); Enter saves it again"
    }

    private func walkHistory(by step: Int) throws {
        let position = (historyPosition ?? history.count) + step
        if position < 0 {
            state.message = history.isEmpty ? "No saves yet in this session" : "This is the first item of the session"
            return
        }
        if position >= history.count {
            if historyPosition == nil {
                state.message = "This is the newest item"
                return
            }
            historyPosition = nil
            try resumeQueue()
            return
        }
        parkQueueItem(except: nil)
        historyPosition = position
        try showSaved(history[position].item)
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
        parkQueueItem(except: id)
        historyPosition = nil
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

    /// Before a detour (history, undo, jump), keeps the queue's item on screen to come back to, unless
    /// the screen already shows a detour or the detour goes to that same item.
    private func parkQueueItem(except target: Int64?) {
        guard historyPosition == nil, !state.editing, pending == nil, let id = currentItem, id != target else { return }
        pending = (id, state.reasonValue ?? .resumed)
    }

    // MARK: showing items

    private func resumeQueue() throws {
        if let p = pending {
            pending = nil
            if try log.current(itemId: p.id, annotator: annotator) == nil, try server.lease(p.id, ignoreLabels: true) {
                try show(p.id, reason: p.reason)
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
        }
    }

    private func show(_ id: Int64, reason: ServeReason) throws {
        guard let item = try store.item(id: id) else { return }
        currentItem = id
        leaseRenewedAt = now()
        clock = ActiveClock(idleSeconds: idleSeconds, now: now())
        let path = item.image.map(resolve)
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
        state.item = .init(
            key: item.key, group: item.group, image: item.image, imageMissing: missing, captions: item.captions,
            turns: item.turns, fields: fields)
        if item.turnIndex != nil {
            state.item?.gradedTurn = item.turns.count - 1
            state.item?.contextCandidateTurns = (try? store.candidateContextTurns(of: item)) ?? []
        }
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
        state.modelHints = showModel ? modelHints(for: id) : [:]
        previewKey = nil
        renderPreview()
    }

    /// The current model's predictions for an item, as short texts ("3.4 ±0.5", "p=0.82").
    private func modelHints(for id: Int64) -> [String: String] {
        if let current = try? ModelVersion.current(store: store), modelScores?.version.id != current.id {
            modelScores = try? ModelScores.load(version: current, databasePath: store.path)
        }
        guard let prediction = modelScores?.prediction(for: id) else { return [:] }
        var hints: [String: String] = [:]
        for criterion in rubric.criteria {
            guard let e = prediction.criteria[criterion.id] else { continue }
            hints[criterion.id] = criterion.kind == .flag
                ? String(format: "p=%.2f", e.mean) : String(format: "%.1f ±%.1f", e.mean, e.std)
        }
        if let overall = prediction.overall { hints["overall"] = String(format: "%.2f ±%.2f", overall.mean, overall.std) }
        return hints
    }

    private func resolve(_ image: String) -> String {
        if image.hasPrefix("/") { return image }
        guard let dir = imagesDirectory else { return image }
        return (dir as NSString).appendingPathComponent(image)
    }

    /// Decodes the item's image (once per item) and renders it for the current size.
    private func renderPreview() {
        guard let id = currentItem, let item = state.item else {
            state.preview = nil
            return
        }
        if let key = previewKey, key.item == id, key.width == size.width, key.height == size.height { return }
        previewKey = (id, size.width, size.height)
        guard let image = item.image, !item.imageMissing else {
            state.preview = nil
            return
        }
        let path = resolve(image)
        if decodedImage?.path != path {
            decodedImage = (path, try? ImageDecoder().decode(path: path, targetWidth: 240, targetHeight: 160))
        }
        guard let decoded = decodedImage?.image else {
            state.preview = nil
            return
        }
        let columns = max(1, LabelScreen.rightPaneWidth(totalWidth: size.width) - 2)
        let rows = LabelScreen.previewRows(totalHeight: size.height)
        state.preview = HalfBlockRenderer.render(decoded, maxColumns: columns, maxRows: rows, colorMode: colorMode)
    }

    /// The header's figures. Counting every item and every current label is a scan that grows with the
    /// pool (milliseconds at 158k items), too slow to do between Enter and the next item: the counts are
    /// read at most every `progressInterval` seconds, and this session's saves are added in between.
    private func refreshProgress(saved event: LabelEvent? = nil) throws {
        let t = now()
        if let event, var figures = progressFigures, t - progressReadAt < LabelController.progressInterval {
            if event.action == .save {
                figures.labeled += 1
                figures.mine += 1
            }
            figures.mySeconds += event.activeSeconds
            progressFigures = figures
        } else {
            progressFigures = try log.progress(annotator: annotator)
            progressReadAt = t
        }
        guard let figures = progressFigures else { return }
        state.progress.total = figures.items
        state.progress.labeled = min(figures.labeled, figures.items)
        state.progress.session = history.count
        if figures.mine >= 1, figures.mySeconds > 0 {
            let pace = Double(figures.mine) / figures.mySeconds * 3600
            state.progress.itemsPerHour = pace
            state.progress.etaSeconds = Double(max(0, figures.items - figures.labeled)) / pace * 3600
        } else {
            state.progress.itemsPerHour = nil
            state.progress.etaSeconds = nil
        }
    }

    /// How often the header's counts are read from the database (other annotators' labels show up then).
    static let progressInterval = 10.0
    private var progressFigures: LabelLog.Progress?
    private var progressReadAt = -Double.infinity
}
