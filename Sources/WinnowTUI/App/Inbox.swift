import Foundation

/// Where background work leaves results for the screens: `post` from any thread; the app loop takes
/// them (`drain`) between keys, at least every tick, and delivers them on its own thread.
public final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [any AppMessage] = []

    public init() {}

    public func post(_ message: any AppMessage) {
        lock.lock()
        messages.append(message)
        lock.unlock()
    }

    /// Everything posted since the last drain, oldest first.
    public func drain() -> [any AppMessage] {
        lock.lock()
        defer { lock.unlock() }
        let taken = messages
        messages.removeAll()
        return taken
    }
}
