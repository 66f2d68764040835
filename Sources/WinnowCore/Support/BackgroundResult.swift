import Foundation

/// A value computed once on a background dispatch queue, which callers wait for: for a while, or until
/// it is there.
final class BackgroundResult<Value>: @unchecked Sendable {
    private let condition = NSCondition()
    private var outcome: Result<Value, any Error>?

    init(_ work: @escaping @Sendable () throws -> Value) {
        // A dispatch queue, not a Foundation Thread: the work may drop the last reference to a store's pool,
        // which crashed on a Thread (see Worker).
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let result = Result { try work() }
            condition.lock()
            outcome = result
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The value (or the work's error), waiting at most `seconds` for it; nil while it is being computed.
    func value(waiting seconds: Double) throws -> Value? {
        condition.lock()
        defer { condition.unlock() }
        if seconds == .infinity {
            // wait(until: .distantFuture) traps in swift-corelibs-foundation (the timespec overflows).
            while outcome == nil { condition.wait() }
        } else if outcome == nil && seconds > 0 {
            let deadline = Date(timeIntervalSinceNow: seconds)
            while outcome == nil && condition.wait(until: deadline) {}
        }
        return try outcome?.get()
    }

    /// The value (or the work's error), waiting until it is there.
    func value() throws -> Value { try value(waiting: .infinity)! }
}
