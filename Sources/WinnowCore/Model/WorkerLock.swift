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


}
