import Foundation
import GRDB

/// The one-refit-per-database lock: a row of `worker_lock` with a holder and an expiry (unix seconds).
/// Taken and renewed in short write transactions; a holder that dies stops renewing, and once the row
/// has expired another worker takes it over.
public struct WorkerLock: Sendable {
    public let store: Store
    public let name: String
    public let holder: String
    public let seconds: Double
    /// The clock (unix seconds); tests pass their own to expire a lock without waiting.
    public let now: @Sendable () -> Double

    public init(store: Store, name: String = "refit", holder: String = WorkerLock.defaultHolder(), seconds: Double = 30,
                now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.store = store
        self.name = name
        self.holder = holder
        self.seconds = seconds
        self.now = now
    }

    public static func defaultHolder() -> String {
        "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(8))"
    }

    /// Runs `body` (a step taken with the lock held) while a background timer renews the lock every
    /// third of its duration, so that a step longer than the lock (a refit of a large pool, a slow
    /// `--scorer`) keeps it. Without this, a step that outlived the lock let a second worker take the lock
    /// over and start its own refit meanwhile: two refits at once, and with a step always longer than the
    /// lock, each worker's switch found the lock taken by the other and no refit ever finished. A holder
    /// that stops renewing (killed, or a renewal that found the lock taken) still loses it on expiry.
    public func renewing<T>(_ body: () throws -> T) rethrows -> T {
        let interval = max(seconds / 3, 0.01)
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "winnow-lock-renewal", qos: .utility))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        let lock = self
        // A renewal that fails (the lock taken over, the database busy) changes nothing; the step finds
        // out at its next check (`renew`, `isHeld` in the switch) and is abandoned there.
        timer.setEventHandler { _ = try? lock.renew() }
        timer.resume()
        defer { timer.cancel() }
        return try body()
    }

}
