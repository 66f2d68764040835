import Foundation

/// Time on task for one item: the seconds between keys, except that a gap longer than `idleSeconds`
/// counts only up to `idleSeconds`, so a coffee break is not graded as work.
public struct ActiveClock: Sendable, Equatable {
    public let idleSeconds: Double
    public private(set) var activeSeconds: Double = 0
    private var last: Double

    /// Starts the clock at `now` (seconds, any epoch).
    public init(idleSeconds: Double, now: Double) {
        self.idleSeconds = idleSeconds
        self.last = now
    }

    /// Records a key at `now`.
    public mutating func tick(now: Double) {
        let gap = max(0, now - last)
        activeSeconds += min(gap, idleSeconds)
        last = now
    }

    /// Whether the clock is stopped (no key for longer than `idleSeconds`).
    public func isIdle(now: Double) -> Bool { now - last > idleSeconds }

    /// The active time if a key came at `now`, without recording it.
    public func elapsed(now: Double) -> Double { activeSeconds + min(max(0, now - last), idleSeconds) }
}
