/// How close the listeners of one series are to refusing work, as the `saturation` collector exports it
/// and the landing page shows it: their accept queue and the queue's limit (TCP), and what they dropped.
///
/// A collection's saturations are parallel to its listener series (``CollectionContext/listeners``), whose
/// keys they share: only the numbers are kept, once per series.
public struct ListenerSaturation: Sendable, Equatable {
    /// Connections waiting to be accepted, summed over the key's sockets (TCP, when the source says).
    public var queue: UInt64?
    /// The accept queues' limits (the `listen` backlogs, capped by `net.core.somaxconn`), summed the same
    /// way (TCP, sock_diag only).
    public var limit: UInt64?
    /// Connections refused (TCP) or datagrams lost to a full receive buffer (UDP) by the key's sockets, as
    /// a counter that never goes down (``ListenerDropTotals``); nil for `other` and when the source does
    /// not say (procfs for TCP).
    public var drops: UInt64?
    /// What the key dropped since the previous collection.
    public var newDrops: UInt64 = 0

    public init() {}

    /// Whether the accept queue holds as many connections as its limit: the next ones are refused. (The
    /// kernel takes one more than the limit before it refuses.)
    public var isQueueFull: Bool {
        guard let queue, let limit else { return false }
        return queue > 0 && queue >= limit
    }
}

extension ListenerSaturation {
    /// The saturation of each of the listener `series` (sorted, as a collection's are; ports past `limits`
    /// are summed into `other`, as theirs are), from the listening `sockets` they count; drops from `drops`
    /// (the ports with their own series only).
    static func of(
        _ sockets: some Sequence<ListenerSocket>, series: [ListenerSeries], limits: CardinalityGuard,
        drops: [ListenerKey: ListenerDropTotals.Total]
    ) -> [ListenerSaturation] {
        // Each socket's series is found by halving the sorted series, not in a dictionary of them (165 KB
        // at 4,000 series, beside the listening sockets at the peak of the collection).
        var result = [ListenerSaturation](repeating: ListenerSaturation(), count: series.count)
        for socket in sockets {
            let port = limits.label(for: socket.key.port, transport: socket.key.table.transport)
            let order = ListenerSeries.order(
                table: socket.key.table, port: port, exposure: socket.key.exposure,
                namespace: socket.key.namespace)
            guard let position = series.position(of: order) else { continue }
            result[position].add(socket, drops: port == .other ? nil : drops[socket.key])
        }
        return result
    }

    /// Adds a socket's queue and backlog (TCP), and gives this its key's `drops`.
    private mutating func add(_ socket: ListenerSocket, drops total: ListenerDropTotals.Total?) {
        if socket.key.table.transport == .tcp {
            queue = Self.sum(queue, socket.queued)
            limit = Self.sum(limit, socket.backlog)
        }
        if let total {
            drops = total.total
            newDrops = total.increase
        }
    }

    /// `total` plus `value`, absent when either is (a source that does not give it).
    private static func sum(_ total: UInt64?, _ value: UInt32?) -> UInt64? {
        guard let value else { return nil }
        return (total ?? 0) + UInt64(value)
    }
}
