import WinnowCore

/// Keeps the lease of the item on screen alive: renewed a third of the way through `lease_seconds`,
/// on keys and on ticks alike, so an expert reading a long item without typing keeps it.
final class LeaseKeeper {
    private let server: ItemServer
    private var renewedAt: Double = 0

    init(server: ItemServer) { self.server = server }

    /// The item was just leased (served, or leased again).
    func leased(now: Double) { renewedAt = now }

    /// Renews the lease of `item` when a third of its time has passed.
    func keepAlive(_ item: Int64?, now: Double) throws {
        guard let item, now - renewedAt > server.leaseSeconds / 3 else { return }
        _ = try server.lease(item, ignoreLabels: true)
        renewedAt = now
    }
}
