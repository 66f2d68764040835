import Foundation
import GRDB

/// Computes and stores the features of items that have none (or an older feature version) in
/// `item_features`. The worker runs this before a refit; import never does. Work goes in batches: items
/// are read, featurized on every core, and written in one short transaction per batch, so label saves
/// are never held up for long.
public enum FeatureCache {
    /// Featurizes up to everything missing; returns how many items were done. `shouldContinue` is asked
    /// between batches (the worker renews its lock there, and stops if it lost it).
    @discardableResult
    public static func update(store: Store, batchSize: Int = 2000, shouldContinue: () throws -> Bool = { true },
                              progress: ((Int, Int) -> Void)? = nil) throws -> Int {
        let total = try missing(store: store)
        var done = 0
        var after: Int64 = Int64.min
        while true {
            let items = try store.read { db in try Self.itemsMissingFeatures(db, after: after, limit: batchSize) }
            guard let last = items.last?.id else { break }
            after = last
            let siblings = try store.read { db in try Self.siblings(db, of: items) }
            let vectors = compute(items, siblings: siblings)
            try store.write { db in try Self.store(db, features: vectors, of: items) }
            done += items.count
            progress?(done, total)
            if try !shouldContinue() { break }
        }
        return done
    }

    /// Features of `items`, computed on every core; same order. `siblings`: see `siblings(_:of:)`.
    public static func compute(_ items: [Item], siblings: [Int64: [String]] = [:]) -> [FeatureVector] {
        let n = items.count
        let buffer = UnsafeMutablePointer<FeatureVector>.allocate(capacity: max(n, 1))
        buffer.initialize(repeating: FeatureVector(indices: [], values: []), count: n)
        defer {
            buffer.deinitialize(count: n)
            buffer.deallocate()
        }
        nonisolated(unsafe) let out = buffer
        let chunk = 64
        DispatchQueue.concurrentPerform(iterations: (n + chunk - 1) / chunk) { c in
            for i in (c * chunk)..<min(n, (c + 1) * chunk) { out[i] = FeatureExtractor.features(of: items[i], siblings: items[i].id.flatMap { siblings[$0] } ?? []) }
        }
        return Array(UnsafeBufferPointer(start: buffer, count: n))
    }
}
