import Foundation
import GRDB

/// Moves SQLite's WAL checkpoints off the thread that saves labels.
///
/// By default the connection that commits a transaction also checkpoints once the WAL holds 1,000 pages:
/// it copies them into the database file and fsyncs it, tens of milliseconds (more after a large import,
/// whose pages the fsync flushes too) on the Enter that happens to cross the line. Once this is on, the
/// store's own connection never checkpoints; a second connection runs a passive checkpoint every
/// `interval` seconds on a background queue instead. A passive checkpoint takes no write lock, so saves go
/// on while it copies. When the store is released its connections close, and the last to close
/// checkpoints what is left.
final class BackgroundCheckpoints: @unchecked Sendable {
    private let timer: DispatchSourceTimer
    /// The checkpointing connection (its own, so a checkpoint never waits for the store's writer).
    private let connection: DatabaseQueue

    init(path: String, interval: Double) throws {
        var configuration = Configuration()
        configuration.label = "winnow-checkpoint"
        configuration.busyMode = .immediateError
        configuration.prepareDatabase(Store.prepareConnection)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        let queue = DispatchQueue(label: "winnow-checkpoint", qos: .utility)
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(Int(interval * 100)))
        // The handler does not keep the connection: it closes with the store, not when the timer's
        // source is finally freed (a connection left open delays the last close's checkpoint, and a
        // database opened meanwhile waits for it).
        timer.setEventHandler { [weak connection] in
            // Busy (another checkpoint or a process changing modes) is fine: the next tick tries again.
            _ = try? connection?.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        }
        timer.resume()
    }

    /// Runs one passive checkpoint now (tests).
    func checkpointNow() throws -> (walFrames: Int, checkpointed: Int) {
        try connection.writeWithoutTransaction { db in
            let result = try db.checkpoint(.passive)
            return (Int(result.walFrameCount), Int(result.checkpointedFrameCount))
        }
    }

    deinit { timer.cancel() }
}

extension Store {
    /// Stops checkpointing on commit and checkpoints in the background instead (see
    /// `BackgroundCheckpoints`); the labeling screen turns it on. Calling it again does nothing.
    public func checkpointInBackground(interval: Double = 2) throws {
        try checkpoints.withLock { current in
            guard current == nil else { return }
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
            current = try BackgroundCheckpoints(path: path, interval: interval)
        }
    }

    var backgroundCheckpoints: BackgroundCheckpoints? { checkpoints.withLock { $0 } }
}

/// The store's background checkpointer, if started (a lock around an optional).
final class CheckpointSlot: @unchecked Sendable {
    private let lock = NSLock()
    private var value: BackgroundCheckpoints?

    func withLock<T>(_ body: (inout BackgroundCheckpoints?) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
