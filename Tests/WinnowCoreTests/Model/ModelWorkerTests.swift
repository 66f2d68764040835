import Foundation
import GRDB
import XCTest
@testable import WinnowCore
import WinnowTestSupport

final class ModelWorkerTests: CoreTestCase {
    private var rubric: Rubric!
    private var ids: [Int64] = []

    override func setUpWithError() throws {
        try super.setUpWithError()
        rubric = try TestRubric.rubric()
        ids = try Synthetic.insert((0..<60).map { Synthetic.item($0, quality: 1 + $0 % 5) }, into: store)
        try Synthetic.label((0..<25).map { (ids[$0], 1 + $0 % 5) }, store: store, rubric: rubric)
    }

    private func labelCount() throws -> Int { try count("label_event") }

    func testRunOnceComputesFeaturesRefitsAndThenWaitsForNewLabels() throws {
        let worker = Worker(store: try store, rubric: rubric)
        guard case .refitted(let v1) = try worker.runOnce() else { return XCTFail("expected a refit") }
        XCTAssertEqual(try count("item_features"), 60, "features cached once per item")
        XCTAssertEqual(v1.labelsUsed, 25)
        XCTAssertEqual(try ModelVersion.current(store: store), v1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: try XCTUnwrap(v1.filePath(databasePath: store.path))))
        XCTAssertEqual(try worker.runOnce(), .notDue, "no new labels")

        // Fewer than refit_every_labels (10) new labels, within refit_every_seconds: not due.
        try Synthetic.label((25..<30).map { (ids[$0], 2) }, store: store, rubric: rubric)
        XCTAssertEqual(try worker.runOnce(), .notDue)
        try Synthetic.label((30..<35).map { (ids[$0], 4) }, store: store, rubric: rubric)
        guard case .refitted(let v2) = try worker.runOnce() else { return XCTFail("10 new labels: refit") }
        XCTAssertEqual(v2.labelsUsed, 35)
        XCTAssertNil(try WorkerLock(store: store).current(), "the lock is released after the step")

        // Old model files are cleaned, keeping the newest `keepFiles`; the versions keep their metrics.
        var options = RewardModel.Options()
        options.keepFiles = 1
        try RewardModel.refit(store: store, rubric: rubric, options: options)
        let versions = try ModelVersion.all(store: store)
        XCTAssertEqual(versions.map(\.id), [1, 2, 3])
        XCTAssertEqual(versions.map { $0.path == nil }, [true, true, false])
        XCTAssertEqual(versions[0].metrics.objectValue?["labels_used"]?.doubleValue, 25)
    }

    func testTheSecondsRuleRefitsAfterFewLabelsOnceEnoughTimeHasPassed() throws {
        nonisolated(unsafe) var now = Date().timeIntervalSince1970
        let worker = Worker(store: try store, rubric: rubric, now: { now })
        XCTAssertNotEqual(try worker.runOnce(), .notDue)
        try Synthetic.label([(ids[40], 1)], store: store, rubric: rubric)
        XCTAssertEqual(try worker.runOnce(), .notDue)
        // 61 s after the model was made (not after the test began: a refit takes its own time).
        let made = try XCTUnwrap(Timestamp.parse(try XCTUnwrap(try ModelVersion.current(store: store)).createdAt)).timeIntervalSince1970
        now = made + 61
        guard case .refitted = try worker.runOnce() else { return XCTFail("60 s passed with a new label: refit") }
    }

    func testTwoWorkersNeverRefitAtOnceAndAnExpiredLockIsTakenOver() throws {
        let otherStore = try Store(path: store.path)
        nonisolated(unsafe) var now = 1_000_000.0
        let second = Worker(store: otherStore, rubric: rubric, holder: "second", now: { now })
        nonisolated(unsafe) var secondSaw: Worker.Outcome?
        var options = RewardModel.Options()
        options.hooks.afterSnapshot = { secondSaw = try? second.runOnce(force: true) }
        let first = Worker(store: try store, rubric: rubric, options: options, holder: "first", now: { now })
        guard case .refitted(let version) = try first.runOnce(force: true) else { return XCTFail("the first worker refits") }
        XCTAssertEqual(secondSaw, .locked(holder: "first"), "the second worker saw the lock while the first was refitting")
        XCTAssertEqual(try ModelVersion.all(store: store).map(\.id), [version.id], "one refit only")

        // A worker that died holding the lock: the lock blocks until it expires, then is taken over.
        let dead = WorkerLock(store: otherStore, holder: "dead", seconds: 30, now: { now })
        XCTAssertTrue(try dead.acquire())
        XCTAssertEqual(try second.runOnce(force: true), .locked(holder: "dead"))
        now += 31
        guard case .refitted = try second.runOnce(force: true) else { return XCTFail("the expired lock is taken over") }
        XCTAssertFalse(try dead.renew(), "the dead holder has lost it")
    }

    /// A refit longer than the lock keeps it (renewed in the background), so a second worker does not
    /// take the lock over and start a refit of its own meanwhile. (Before, the second took it on expiry;
    /// with refits always longer than the lock, each one's switch found it taken and none finished.)
    func testARefitLongerThanTheLockKeepsItAndNoSecondRefitStarts() throws {
        final class Clock: @unchecked Sendable {
            private let lock = NSLock()
            private var t = 1_000_000.0
            var now: Double { lock.withLock { t } }
            func advance(_ seconds: Double) { lock.withLock { t += seconds } }
        }
        let clock = Clock()
        let otherStore = try Store(path: store.path)
        let second = Worker(store: otherStore, rubric: rubric, lockSeconds: 0.3, holder: "second", now: { clock.now })
        nonisolated(unsafe) var secondSaw: Worker.Outcome?
        nonisolated(unsafe) var renewed = false
        var options = RewardModel.Options()
        options.hooks.beforeSwitch = {
            // The refit has taken 100 s by the lock's clock, far past its 0.3 s: only a renewal since
            // keeps the lock, and the renewals run on their own (every 0.1 s of real time).
            clock.advance(100)
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, !renewed {
                renewed = (try WorkerLock(store: otherStore, name: "refit").current()?.expiresAt ?? 0) > clock.now
                if !renewed { usleep(10_000) }
            }
            secondSaw = try? second.runOnce(force: true)
        }
        let first = Worker(store: try store, rubric: rubric, options: options, lockSeconds: 0.3, holder: "first", now: { clock.now })
        guard case .refitted(let version) = try first.runOnce(force: true) else { return XCTFail("the first worker's refit finishes") }
        XCTAssertTrue(renewed, "the lock was renewed while the refit ran")
        XCTAssertEqual(secondSaw, .locked(holder: "first"), "the second worker found the lock held")
        XCTAssertEqual(try ModelVersion.all(store: store).map(\.id), [version.id], "one refit only")
        XCTAssertEqual(version.metrics.objectValue?["lock_holder"]?.stringValue, "first")
        XCTAssertNil(try WorkerLock(store: store).current(), "released after the step")
    }

    func testAKilledRefitLosesNoLabelAndLeavesTheCurrentModel() throws {
        let first = try XCTUnwrap(RewardModel.refit(store: store, rubric: rubric))
        try Synthetic.label((25..<40).map { (ids[$0], 3) }, store: store, rubric: rubric)
        let labelsBefore = try labelCount()
        struct Killed: Error {}
        var options = RewardModel.Options()
        options.hooks.duringWrite = { throw Killed() }
        XCTAssertThrowsError(try RewardModel.refit(store: store, rubric: rubric, options: options)) { XCTAssertTrue($0 is Killed) }
        XCTAssertEqual(try ModelVersion.current(store: store), first, "the pointer did not move")
        XCTAssertEqual(try ModelVersion.all(store: store).count, 1, "no half-visible version")
        XCTAssertEqual(try ModelScores.current(store: store)?.version, first)
        XCTAssertEqual(try labelCount(), labelsBefore)
        let leftover = ModelFile.path(database: try store.path, version: 2) + ".tmp"
        XCTAssertTrue(FileManager.default.fileExists(atPath: leftover), "the half-written file is there, unreferenced")
        XCTAssertThrowsError(try ModelFile.read(path: leftover), "and does not read as a model")

        // The next refit takes its place and cleans it up.
        let next = try XCTUnwrap(RewardModel.refit(store: store, rubric: rubric))
        XCTAssertEqual(next.id, 2)
        XCTAssertEqual(next.labelsUsed, 40)
        XCTAssertFalse(FileManager.default.fileExists(atPath: leftover))
        XCTAssertEqual(try ModelScores.current(store: store)?.version, next)
    }

    func testALabelSaveDuringARefitDoesNotWait() throws {
        let writer = try Store(path: store.path)
        let log = LabelLog(store: writer)
        let stored = StoredRubric(rubric)
        let target = ids[50]
        nonisolated(unsafe) var savedDuringRefit: LabelEvent?
        nonisolated(unsafe) var refitInProgress = false
        var options = RewardModel.Options()
        options.hooks.afterSnapshot = {
            refitInProgress = true
            // The refit holds its read snapshot; another connection saves a label meanwhile.
            savedDuringRefit = try log.save(itemId: target, annotator: "bo", rubric: stored,
                                            scores: #"{"quality":5,"hallucination":false}"#, activeSeconds: 1)
            XCTAssertNotNil(try log.current(itemId: target, annotator: "bo"), "committed while the refit is in progress")
        }
        options.hooks.beforeSwitch = { refitInProgress = false }
        let version = try XCTUnwrap(RewardModel.refit(store: store, rubric: rubric, options: options))
        XCTAssertFalse(refitInProgress)
        let saved = try XCTUnwrap(savedDuringRefit)
        XCTAssertEqual(version.labelsUsed, 25, "the refit learned from its snapshot")
        XCTAssertLessThan(version.lastLabelEventId, try XCTUnwrap(saved.id))
        XCTAssertEqual(try RewardModel.newLabels(store: store, since: version, useImported: false), 1, "the new label counts for the next refit")
    }

    func testStopEndsTheLoopOnABackgroundThread() throws {
        // The worker has its own connections, as the labeling screen's background worker will.
        let worker = try Worker(databasePath: store.path, rubric: rubric)
        worker.pollSeconds = 3600
        let lines = LogLines()
        let refitted = expectation(description: "refitted")
        worker.log = { line in
            if lines.append(line) == 1 { refitted.fulfill() }
        }
        worker.start()
        wait(for: [refitted], timeout: 60)
        worker.stop(wait: true)
        XCTAssertTrue(worker.isStopped)
        XCTAssertTrue(lines.all.first?.hasPrefix("model 1: 25 labels used, 60 items scored") ?? false, "\(lines.all)")
        XCTAssertEqual(lines.all.count, 1)
    }
}

private final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        lines.append(line)
        return lines.count
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}
