/// How close one listener key is to refusing work, as the `saturation` collector exports it and the
/// landing page shows it: its accept queue and the queue's limit (TCP), and what its sockets dropped.
public struct ListenerSaturation: Sendable, Equatable {
    public var table: SocketTable
    public var port: PortLabel
    public var exposure: Exposure
    /// The network namespace, when namespaces are told apart.
    public var namespace: NamespaceID = .untagged
    /// The `netns` label, when namespaces are told apart.
    public var netns: String?
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

    public init(table: SocketTable, port: PortLabel, exposure: Exposure, namespace: NamespaceID = .untagged) {
        self.table = table
        self.port = port
        self.exposure = exposure
        self.namespace = namespace
    }

    /// What identifies the key, and so its labels.
    public struct Key: Hashable, Sendable {
        var table: SocketTable
        var port: PortLabel
        var exposure: Exposure
        var namespace: NamespaceID

        /// The key of the listeners of `series`.
        public init(_ series: ListenerSeries) {
            self.init(
                table: SocketTable(transport: series.transport, family: series.family), port: series.port,
                exposure: series.exposure, namespace: series.namespace)
        }

        init(table: SocketTable, port: PortLabel, exposure: Exposure, namespace: NamespaceID) {
            self.table = table
            self.port = port
            self.exposure = exposure
            self.namespace = namespace
        }
    }

    /// This key's ``Key``.
    public var key: Key { Key(table: table, port: port, exposure: exposure, namespace: namespace) }

    /// Whether the accept queue holds as many connections as its limit: the next ones are refused. (The
    /// kernel takes one more than the limit before it refuses.)
    public var isQueueFull: Bool {
        guard let queue, let limit else { return false }
        return queue > 0 && queue >= limit
    }

    /// The labels that identify the listener key, in exposition order: `netns` first, when namespaces are
    /// told apart.
    var labels: [Label] {
        NamespaceLabel.labels(netns) + [
            Label("protocol", table.transport.rawValue), Label("family", table.family.rawValue),
            Label("port", port.description), Label("exposure", exposure.rawValue),
        ]
    }
}

extension ListenerSaturation {
    /// The saturation of every listener key of `sockets`, ports past `limits` summed into `other`, in the
    /// order of the listener `series` (which have the same keys) and with their `netns` labels; drops
    /// from `drops` (the ports with their own series only).
    static func of(
        _ sockets: [ListenerSocket], series: [ListenerSeries], limits: CardinalityGuard,
        drops: [ListenerKey: ListenerDropTotals.Total]
    ) -> [ListenerSaturation] {
        var byKey: [Key: ListenerSaturation] = [:]
        byKey.reserveCapacity(series.count)
        for socket in sockets {
            let port = limits.label(for: socket.key.port, transport: socket.key.table.transport)
            let key = Key(
                table: socket.key.table, port: port, exposure: socket.key.exposure,
                namespace: socket.key.namespace)
            add(
                socket, drops: port == .other ? nil : drops[socket.key],
                to: &byKey[
                    key,
                    default: ListenerSaturation(
                        table: key.table, port: port, exposure: key.exposure, namespace: key.namespace)])
        }
        return series.compactMap { series in
            var entry = byKey[Key(series)]
            entry?.netns = series.netns
            return entry
        }
    }

    /// Adds a socket's queue and backlog (TCP) to `entry`, and gives it its key's `drops`.
    private static func add(_ socket: ListenerSocket, drops: ListenerDropTotals.Total?, to entry: inout Self)
    {
        if socket.key.table.transport == .tcp {
            entry.queue = sum(entry.queue, socket.queued)
            entry.limit = sum(entry.limit, socket.backlog)
        }
        if let drops {
            entry.drops = drops.total
            entry.newDrops = drops.increase
        }
    }

    /// `total` plus `value`, absent when either is (a source that does not give it).
    private static func sum(_ total: UInt64?, _ value: UInt32?) -> UInt64? {
        guard let value else { return nil }
        return (total ?? 0) + UInt64(value)
    }
}
