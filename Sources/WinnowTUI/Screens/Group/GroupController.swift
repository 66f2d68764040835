import Foundation
import WinnowCore

/// The group screen against the store: serves whole groups (`GroupServer`), saves every candidate's
/// label of a group in one transaction (`LabelLog.saveGroup`) before the next group is shown, keeps the
/// values typed but not saved as drafts (one per candidate), and walks this annotator's saved groups.
public final class GroupController: Screen {
    public private(set) var state: GroupScreenState
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
    private let storedRubric: StoredRubric
    private let server: GroupServer
    private let log: LabelLog
    private let now: () -> Double
    private let idleSeconds: Double
    private var clock: ActiveClock
    private let preview: ImagePreview
    private var size = (width: 120, height: 40)
    private var renewedAt = 0.0
    private var modelCheckedAt = 0.0

    /// The group on screen as served (nil when walking history or when nothing is left).
    private var served: GroupServer.Served?
    /// The members on screen.
    private var members: [Int64] = []
    /// Saved groups, oldest first: each group's members' latest events. `position` is where history
    /// stands (nil: at the queue); groups saved in this session are the ones `u` can take back.
    private var history: [(group: String, events: [Int64])] = []
    private var sessionStart = 0
    private var position: Int?
    /// The queue's group parked while walking history.
    private var parked: GroupServer.Served?
    /// Per member: what its draft (or saved label) holds, to write drafts only on change.
    private var synced: [Int64: DraftState] = [:]
    private var savedStates: [Int64: DraftState] = [:]

    struct DraftState: Equatable {
        var values: [String: ScoreValue]
        var note: String
        var flag: Bool
    }

    public init(store: Store, rubric: Rubric, annotator: String, imagesDirectory: String?, colorMode: ColorMode,
                now: @escaping () -> Double = { Date().timeIntervalSince1970 }) throws {
        if let first = GroupScreen.keys.collisions(with: rubric).first {
            throw LabelScreenError.keyCollision(key: first.key, criterion: first.criterion)
        }
        self.store = store
        self.rubric = rubric
        self.annotator = annotator
        self.imagesDirectory = imagesDirectory
        self.colorMode = colorMode
        self.now = now
        storedRubric = StoredRubric(rubric)
        try store.checkpointInBackground()
        server = try GroupServer(store: store, annotator: annotator)
        log = LabelLog(store: store)
        idleSeconds = try Config(store: store).double(.idleSeconds)
        clock = ActiveClock(idleSeconds: idleSeconds, now: now())
        preview = ImagePreview(colorMode: colorMode)
        state = GroupScreenState(rubric: rubric, annotator: annotator)
        history = try store.groupHistory(annotator: annotator)
        sessionStart = history.count
        state.modelVersion = try ModelVersion.current(store: store)?.id
    }

    /// Groups too large for one screen (more than `GroupServer.maximumMembers` candidates).
    public var groupsTooLarge: Int { server.tooLarge }
    /// Groups in the queue when the session started.
    public var groupsQueued: Int { server.entries.count }

    public func start() throws {
        if let resumed = try server.resumable() {
            try present(resumed)
        } else {
            try present(try server.next())
        }
    }

    public var guidelines: TextScreen? { TextScreen.guidelines(of: rubric) }

    public func resize(width: Int, height: Int) {
        size = (width, height)
        renderPreview()
    }

    public func frame() -> Grid { GroupScreen.render(state, width: size.width, height: size.height) }

    public func render(width: Int, height: Int, below: Grid?) -> Grid { GroupScreen.render(state, width: width, height: height) }

    public func handle(_ event: ScreenEvent) throws -> ScreenTransition {
        switch event {
        case .key(let key): return try handle(key)
        case .tick(let t):
            keepAlive(now: t)
            // A new model version (the worker refits in the background) shows in the header without a key.
            if t - modelCheckedAt >= 2 {
                modelCheckedAt = t
                if let version = try? ModelVersion.current(store: store)?.id { state.modelVersion = version }
            }
        case .message(let message):
            if let refit = message as? ModelRefitted { state.modelVersion = refit.version }
        }
        return .stay
    }

    private func keepAlive(now t: Double) {
        guard !members.isEmpty, t - renewedAt > server.leaseSeconds / 3 else { return }
        if (try? server.renew(members)) != nil { renewedAt = t }
    }

    private func handle(_ key: Key) throws -> ScreenTransition {
        let t = now()
        clock.tick(now: t)
        keepAlive(now: t)
        let intent = GroupScreen.reduce(&state, key)
        guard let intent else {
            syncDrafts()
            return .stay
        }
        defer { syncDrafts() }
        do {
            switch intent {
            case .save: try save()
            case .skip: try skip()
            case .undo: try undo()
            case .previous: try walk(by: -1)
            case .next: try walk(by: 1)
            default: break
            }
        } catch {
            state.message = Self.failure(of: intent, error)
            return .stay
        }
        switch intent {
        case .quit: return .quit
        case .help: return .push(HelpScreen(GroupScreen.keys.help))
        case .guidelines:
            guard let guide = guidelines else {
                state.message = "This rubric has no instructions (add `instructions:` to its YAML)"
                return .stay
            }
            return .push(guide)
        case .editNote:
            guard state.candidates.indices.contains(state.candidate) else { return .stay }
            let index = state.candidate
            return .push(PromptScreen(label: "note on candidate \(index + 1):", text: state.candidates[index].note, accept: { [weak self] text in
                guard let self, self.state.candidates.indices.contains(index) else { return }
                self.state.candidates[index].note = text.trimmingCharacters(in: .whitespaces)
                self.state.message = "Note of candidate \(index + 1) " + (self.state.candidates[index].note.isEmpty ? "cleared" : "set (saved with its label)")
                self.syncDrafts()
            }, cancel: { [weak self] in self?.state.message = "Note unchanged" }))
        case .openImage:
            guard let image = state.prompt?.image else {
                state.message = "This group has no image"
                return .stay
            }
            switch ImageOpener.open(LabelController.resolve(image, in: imagesDirectory)) {
            case .success(let viewer): state.message = "Opened \(image) in \(viewer)"
            case .failure(let error): state.message = error.message
            }
        default: break
        }
        return .stay
    }

    static func failure(of intent: GroupIntent, _ error: any Error) -> String {
        let step: FailedStep = switch intent {
        case .save: .save
        case .skip: .skip
        case .undo: .undo
        default: .move
        }
        return step.message(error)
    }

    // MARK: drafts

    private func onScreen(_ index: Int) -> DraftState {
        DraftState(values: state.values(of: index), note: state.candidates[index].note, flag: state.candidates[index].flag)
    }

    /// Writes every candidate whose values changed as a draft (or deletes its draft when nothing unsaved
    /// is left), so quitting, a crash or kill -9 loses none of them.
    private func syncDrafts() {
        var unsaved = false
        for index in state.candidates.indices {
            let id = state.candidates[index].itemId
            let now = onScreen(index)
            let nothing = now.values.isEmpty && now.note.isEmpty && !now.flag
            let asSaved = savedStates[id] == now
            if now != synced[id] {
                do {
                    if nothing || asSaved {
                        try Draft.delete(store: store, itemId: id, annotator: annotator)
                    } else {
                        try Draft(itemId: id, annotator: annotator, rubricHash: storedRubric.hash,
                                  scores: LabelLog.scoresJSON(now.values, rubric: rubric), note: now.note.isEmpty ? nil : now.note,
                                  flag: now.flag).save(store: store)
                    }
                    synced[id] = now
                } catch {
                    state.message = "Unsaved values not kept as a draft (\(failureReason(error))); Enter saves them"
                    unsaved = true
                    continue
                }
            }
            if !(nothing || asSaved) { unsaved = true }
        }
        state.unsaved = unsaved
    }

    // MARK: intents

    private func save() throws {
        guard let group = state.group, !state.candidates.isEmpty else { return }
        let saving = state.candidates.indices.map { index in
            LabelLog.GroupMember(itemId: state.candidates[index].itemId, scores: LabelLog.scoresJSON(state.values(of: index), rubric: rubric),
                                 note: state.candidates[index].note.isEmpty ? nil : state.candidates[index].note, flag: state.candidates[index].flag)
        }
        let seconds = (clock.activeSeconds * 10).rounded() / 10
        let edit = state.editing
        // From the queue, the next group is leased in the save's own transaction; in history, nothing is.
        // A group parked by an undo comes back before the queue's next one.
        let inQueue = position == nil
        let (events, next) = try server.saveAndNext(current: inQueue ? served : nil, serveNext: inQueue && parked == nil) { [annotator, storedRubric] db in
            try LabelLog.saveGroup(db, members: saving, annotator: annotator, rubric: storedRubric, activeSeconds: seconds)
        }
        if !inQueue { try? server.release(members) }
        server.markLabeled(group)
        let entry = (group: group, events: events.compactMap(\.id))
        if let p = position {
            history[p] = entry
        } else {
            history.append(entry)
        }
        let saved = "Saved \(events.count) labels of \(Self.shortName(group))" + (edit ? " (edit)" : "")
        do {
            if let p = position {
                if p + 1 < history.count { try showSaved(p + 1) } else { try backToQueue() }
            } else if parked != nil {
                try backToQueue()
            } else {
                try present(next)
            }
            state.message = saved
        } catch {
            state.message = saved + ", but the next group could not be read (\(failureReason(error)))"
        }
    }

    private func skip() throws {
        guard let served, position == nil else {
            state.message = "s skips groups of the queue; n moves on through your history"
            return
        }
        try server.skip(served)
        let name = Self.shortName(served.group)
        try present(try server.next())
        state.message = "Skipped \(name); it comes back later"
    }

    private func undo() throws {
        guard history.count > sessionStart, let last = history.last else {
            state.message = "Nothing to undo in this session (p walks your earlier groups, to edit one)"
            return
        }
        let events = try last.events.compactMap { try log.event(id: $0) }
        try log.undo(events)
        history.removeLast()
        server.markUnlabeled(last.group)
        if position == nil, let served { try? server.release(served.members); parked = served }
        position = nil
        let ids = try store.groupMembers(last.group)
        _ = try server.lease(ids, group: last.group, ignoreLabels: true)
        try load(group: last.group, members: ids, reason: .undone)
        var byItem: [Int64: LabelEvent] = [:]
        for event in events { byItem[event.itemId] = event }
        for index in state.candidates.indices {
            if let event = byItem[state.candidates[index].itemId] {
                state.candidates[index].values = LabelLog.values(fromScores: event.scores, rubric: rubric)
                state.candidates[index].note = event.note ?? ""
                state.candidates[index].flag = event.flag
            }
        }
        state.restoreRankings()
        served = GroupServer.Served(group: last.group, members: ids, reason: .undone)
        state.message = "Undid the save of \(Self.shortName(last.group)); Enter saves it again"
    }

    private func walk(by step: Int) throws {
        let target = (position ?? history.count) + step
        if step < 0 && target < 0 {
            state.message = history.isEmpty ? "You have not saved a group yet" : "This is your first saved group"
            return
        }
        if target >= history.count {
            guard position != nil else {
                state.message = "This is the queue's group; p walks back through your saved groups"
                return
            }
            try backToQueue()
            return
        }
        if position == nil {
            parked = served
        }
        try showSaved(target)
    }

    private func backToQueue() throws {
        position = nil
        if let p = parked {
            parked = nil
            if try server.lease(p.members, group: p.group, ignoreLabels: true) {
                try present(p)
                state.message = "Back to the queue"
                return
            }
        }
        try present(try server.next())
        state.message = "Back to the queue"
    }

    /// Shows saved group `index` of the history with this annotator's labels on it, for editing.
    private func showSaved(_ index: Int) throws {
        let entry = history[index]
        position = index
        let ids = try store.groupMembers(entry.group)
        try load(group: entry.group, members: ids, reason: .history)
        served = nil
        state.editing = true
        state.message = "Saved group \(index + 1) of \(history.count); Enter saves changes, n goes on"
    }

    // MARK: showing groups

    private func present(_ next: GroupServer.Served?) throws {
        served = next
        guard let next else {
            members = []
            state.group = nil
            state.prompt = nil
            state.preview = nil
            state.candidates = []
            state.rankings = [:]
            state.reason = "no group left"
            state.editing = false
            refreshProgress()
            return
        }
        try load(group: next.group, members: next.members, reason: next.reason)
    }

    /// Reads a group's items, splits the shared prompt from each candidate's own turns, and puts this
    /// annotator's saved labels and drafts on them.
    private func load(group: String, members ids: [Int64], reason: ServeReason) throws {
        let items = try ids.compactMap { try store.item(id: $0) }
        members = items.compactMap(\.id)
        renewedAt = now()
        clock = ActiveClock(idleSeconds: idleSeconds, now: now())
        let shared = Self.sharedTurns(items.map(\.turns))
        let first = items.first
        let path = first?.image.map { LabelController.resolve($0, in: imagesDirectory) }
        var prompt = ItemView(key: Self.shortName(group), group: group, image: first?.image,
                              imageMissing: path.map { !FileManager.default.fileExists(atPath: $0) } ?? false,
                              captions: first?.captions ?? [], turns: Array((first?.turns ?? []).prefix(shared)), fields: [])
        prompt.gradedTurn = nil
        state.prompt = prompt
        state.group = group
        state.reason = reason.text
        state.candidates = items.map { item in
            GroupScreenState.Candidate(itemId: item.id ?? 0, key: item.key, turns: Array(item.turns.dropFirst(shared)))
        }
        let own = GroupScreen.ownWords(state.candidates.map { $0.turns.map(\.value).joined(separator: " ") })
        for index in state.candidates.indices { state.candidates[index].ownWords = own[index] }
        state.candidate = 0
        state.focus = 0
        state.scroll = 0
        state.promptScroll = 0
        state.missing = []
        state.typed = ""
        state.editing = false
        synced = [:]
        savedStates = [:]
        var restoredDraft = false
        for index in state.candidates.indices {
            let id = state.candidates[index].itemId
            if let event = try log.current(itemId: id, annotator: annotator) {
                state.candidates[index].values = LabelLog.values(fromScores: event.scores, rubric: rubric)
                state.candidates[index].note = event.note ?? ""
                state.candidates[index].flag = event.flag
                state.editing = true
            }
            if let draft = try? Draft.load(store: store, itemId: id, annotator: annotator), draft.rubricHash == storedRubric.hash {
                state.candidates[index].values = LabelLog.values(fromScores: draft.scores, rubric: rubric)
                state.candidates[index].note = draft.note ?? ""
                state.candidates[index].flag = draft.flag
                restoredDraft = true
            }
        }
        state.restoreRankings()
        for index in state.candidates.indices {
            let id = state.candidates[index].itemId
            if let event = try log.current(itemId: id, annotator: annotator) {
                savedStates[id] = DraftState(values: LabelLog.values(fromScores: event.scores, rubric: rubric), note: event.note ?? "", flag: event.flag)
            }
            synced[id] = onScreen(index)
        }
        if let open = rubric.criteria.firstIndex(where: { c in c.kind != .rank && state.candidates.contains { $0.values[c.id] == nil } }) {
            state.focus = open
            state.candidate = state.candidates.firstIndex { $0.values[rubric.criteria[open].id] == nil } ?? 0
        }
        state.unsaved = restoredDraft
        if restoredDraft { state.message = "Your unsaved values of this group are back (drafts); Enter saves them" }
        renderPreview()
        refreshProgress()
    }

    /// How many leading turns every candidate has in common (same speaker, same text): the shared prompt.
    /// Each candidate keeps at least its last turn.
    static func sharedTurns(_ turns: [[Turn]]) -> Int {
        guard let first = turns.first else { return 0 }
        var count = 0
        let limit = max(0, (turns.map(\.count).min() ?? 0) - 1)
        while count < limit, turns.allSatisfy({ $0[count] == first[count] }) { count += 1 }
        return count
    }

    /// A group key as the screen names it ("turn 000000000103/t1").
    static func shortName(_ group: String) -> String {
        let key = GroupKey(parsing: group)
        return "\(key.kind.rawValue) \(key.name)"
    }

    private func renderPreview() {
        guard let prompt = state.prompt, let image = prompt.image, !prompt.imageMissing else {
            state.preview = nil
            return
        }
        state.preview = preview.preview(path: LabelController.resolve(image, in: imagesDirectory), width: size.width, height: min(size.height, size.height * 2 / 3))
    }

    private func refreshProgress() {
        state.progress.groupsMine = history.count
        state.progress.session = max(0, history.count - sessionStart)
        state.progress.groupsLeft = max(0, server.entries.count - state.progress.session)
    }
}
