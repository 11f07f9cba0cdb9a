import Synchronization

/// The counters of `port_usage_listener_drops_total`: one total per listener key that never goes down
/// while the exporter runs, though the key's sockets come and go (a worker of an `SO_REUSEPORT` group
/// restarts).
///
/// The kernel counts drops per socket (`sk_drops`, 32 bits). A key's total grows by each of its sockets'
/// increase since the last update (in wrapping arithmetic, so a count that wraps still increases), and by
/// the whole count of a socket seen for the first time; what a socket that closed added stays in the
/// total. Memory is bounded by the last update's sockets and keys: a socket that vanished is forgotten
/// once its count is in its key's total, and a key left with no socket is forgotten (when it comes back
/// it starts again, which Prometheus reads as a counter reset).
public final class ListenerDropTotals: Sendable {
    /// A key's total and what it grew by in the last update.
    public struct Total: Sendable, Equatable {
        public var total: UInt64
        public var increase: UInt64
    }

    private struct Tracked {
        var key: ListenerKey
        var drops: UInt32
    }

    private struct State {
        /// The last count of each socket, by inode.
        var sockets: [UInt64: Tracked] = [:]
        var totals: [ListenerKey: UInt64] = [:]
    }

    private let state = Locked(State())

    public init() {}

    /// Folds in the drops of `sockets` whose key `counts` (the ports within the cardinality limit) and
    /// whose source gave drops, and returns the total of each of their keys. The sockets and totals of
    /// keys that `unread` says were not read this time (a table or namespace whose read failed) are kept
    /// as they were and not returned: their sockets did not close.
    ///
    /// A socket without an inode cannot be followed from one update to the next and is left out (a
    /// listener always has one).
    public func update(
        _ sockets: some Sequence<ListenerSocket>, counts: (ListenerKey) -> Bool, unread: (ListenerKey) -> Bool
    ) -> [ListenerKey: Total] {
        state.withLock { state in
            var seen: [UInt64: Tracked] = [:]
            seen.reserveCapacity(state.sockets.count)
            var result: [ListenerKey: Total] = [:]
            // Keys seen for the first time start at their sockets' counts: they have no increase.
            var newKeys: Set<ListenerKey> = []
            for socket in sockets where socket.inode != 0 {
                guard let drops = socket.drops, counts(socket.key),
                    seen.updateValue(Tracked(key: socket.key, drops: drops), forKey: socket.inode) == nil
                else { continue }
                let previous = state.sockets[socket.inode].flatMap { $0.key == socket.key ? $0.drops : nil }
                let increase = UInt64(drops &- (previous ?? 0))
                Self.add(
                    increase,
                    to: &result[
                        socket.key,
                        default: Self.start(socket.key, totals: state.totals, newKeys: &newKeys)])
            }
            for key in newKeys { result[key]?.increase = 0 }
            for (inode, tracked) in state.sockets where seen[inode] == nil && unread(tracked.key) {
                seen[inode] = tracked
            }
            var totals = result.mapValues(\.total)
            for (key, total) in state.totals where totals[key] == nil && unread(key) { totals[key] = total }
            state.sockets = seen
            state.totals = totals
            return result
        }
    }

    /// The entry a key starts this update with: its last total, or nothing for a key not known (noted in
    /// `newKeys`).
    private static func start(
        _ key: ListenerKey, totals: [ListenerKey: UInt64], newKeys: inout Set<ListenerKey>
    )
        -> Total
    {
        guard let total = totals[key] else {
            newKeys.insert(key)
            return Total(total: 0, increase: 0)
        }
        return Total(total: total, increase: 0)
    }

    private static func add(_ increase: UInt64, to entry: inout Total) {
        entry.total += increase
        entry.increase += increase
    }
}
